package io.simdloss.internal;

/**
 * The numeric kernels behind every loss: elementwise maps over contiguous {@code float[]} ranges and the
 * reductions across non-batch axes. Two implementations mirror each other method for method:
 * {@link ScalarLossKernels} (plain Java, always available) and
 * {@code io.simdloss.internal.vector.PanamaLossKernels} (Vector API). {@link KernelProvider} picks one, once.
 *
 * <p>Conventions: every array argument comes with an offset; {@code n} is the number of elements (or
 * positions) processed; {@code dst} receives results at {@code dst[d .. d+n)}. Kernels never allocate, never
 * validate (the facade has done so) and never write to their inputs.
 */
public interface LossKernels {
  /**
   * Ranges shorter than this are summed sequentially from +0f in the canonical order (see the implementations'
   * class comments): a facade that sums such a range itself, in that order, gets the kernels' bits.
   */
  int SEQUENTIAL_BELOW = 16;


  /** A short description such as {@code vector 512-bit} or {@code scalar (forced by -Dsimdloss.backend)}. */
  String describe();

  // ---- elementwise maps: dst[d+i] = f(a[ao+i], b[bo+i]) -------------------------------------------------

  /** {@code (a - b)^2}. */
  void squaredError(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n);

  /** {@code |a - b|}. */
  void absoluteError(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n);

  /**
   * Huber with threshold rho: {@code |a-b| > rho ? |a-b| - rho/2 : (|a-b| (0.5/rho)) |a-b|}, multiplied in that
   * order so that no intermediate overflows or underflows for any rho in the float range (|a-b| (0.5/rho) is at
   * most 1/2 on the quadratic branch).
   */
  void huber(float rho, float[] a, int ao, float[] b, int bo, float[] dst, int d, int n);

  /** {@code max(0, margin - a*b)}. */
  void hinge(float margin, float[] a, int ao, float[] b, int bo, float[] dst, int d, int n);

  /** {@code max(0, margin - a*b)^2}. */
  void squaredHinge(float margin, float[] a, int ao, float[] b, int bo, float[] dst, int d, int n);

  /** {@code log(1 + exp(-a*b))}, evaluated as softplus so that it stays finite: {@code relu(t) + log1p(exp(-|t|))}. */
  void logistic(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n);

  /**
   * Binary cross-entropy of logit {@code a} against label {@code b}:
   * {@code relu(a) - a*b + log1p(exp(-|a|))}, which equals Gluon's log-sum-exp form exactly in real arithmetic.
   */
  void sigmoidBce(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n);

  /** Binary cross-entropy of probability {@code a}: {@code -(log(a+1e-12) b + log(1-a+1e-12) (1-b))}. */
  void sigmoidBceFromProbability(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n);

  /**
   * Kullback-Leibler term {@code label * (log(label + 1e-12) - ((pred - shift) - logSum))}: {@code shift} and
   * {@code logSum} are 0 for log probabilities, and the row's maximum and {@code log sum exp(pred - shift)} when
   * a log-softmax over a contiguous class axis is applied first (kept apart, so that the log-probability is
   * exact to a float rounding of its own size whatever the size of the logits).
   */
  void klDivergence(float[] label, int lo, float[] pred, int po, float shift, float logSum, float[] dst, int d,
      int n);

  /**
   * As {@link #klDivergence} with {@code shift[so+i]} and {@code logSum[so+i]} per element (log-softmax over a
   * strided axis).
   */
  void klDivergenceShifted(float[] label, int lo, float[] pred, int po, float[] shift, float[] logSum, int so,
      float[] dst, int d, int n);

  /** Triplet term {@code (p - q)^2 - (p - r)^2}. */
  void tripletTerm(float[] p, int po, float[] q, int qo, float[] r, int ro, float[] dst, int d, int n);

  // ---- reductions over a contiguous range ----------------------------------------------------------------

  /** {@code sum a[ao+i]}. */
  float sum(float[] a, int ao, int n);

  /** {@code sum a[ao+i] * b[bo+i]}. */
  float dot(float[] a, int ao, float[] b, int bo, int n);

  /**
   * {@code sum tripletTerm(p[o+i], q[o+i], r[o+i])} in the canonical order (one offset for the three operands, as
   * the triplet loss reads them): bit for bit {@link #tripletTerm} into a buffer, then {@link #sum} of it. The
   * terms are formed as they are summed where the width has a fused loop (the vector kernels at 16 lanes);
   * elsewhere (8 and 4 lanes, the scalar kernels) they are written to {@code scratch} (at least n floats) and
   * summed from there.
   */
  float tripletSum(float[] p, float[] q, float[] r, int o, int n, float[] scratch);

  /**
   * Whether {@link #tripletSum} forms the terms as it sums them (true for the vector kernels at 16 lanes), so that
   * the triplet loss's forward gains from summing each sample straight from its operands; elsewhere forward keeps
   * its chunked path, which makes fewer calls (per sample through {@code scratch}, the scalar backend took 1.03-1.08x
   * the time, fastest iterations of 5 and 6 paired rounds).
   */
  boolean fusesTripletSum();

  /**
   * {@code sum op(a[ao+i], b[bo+i]; c)} in the canonical order: the same bits as {@link #sum} over the op's map
   * kernel's output ({@link #squaredError}, {@link #absoluteError}, {@link #huber}, {@link #hinge},
   * {@link #squaredHinge}), without writing the elements anywhere. When {@code grad} is not null, also
   * {@code grad[g+i] = up * op'(a[ao+i], b[bo+i])}, the same bits as the op's {@code ...WithGradient} kernel
   * given a constant upstream factor {@code up}.
   */
  float mapSum(PointwiseOp op, float c, float[] a, int ao, float[] b, int bo, int n, float up, float[] grad, int g);

  /**
   * Whether {@link #mapSum} is faster than the op's map kernel followed by {@link #sum} on long ranges: true for
   * the vector kernels; the scalar kernels' separate loops are auto-vectorized by C2, their fused one is not.
   */
  boolean fusesMapSum();

  /**
   * {@code max a[ao+i]} (Math.max semantics: NaN if any element is NaN, which NaN unspecified; +0 above -0); -inf
   * for n == 0.
   */
  float max(float[] a, int ao, int n);

  /**
   * {@code log sum exp(a[ao+i] - shift)}: with {@code shift} the maximum (0 when it is infinite, see
   * {@code ScalarLossKernels.finiteOrZero}), {@code shift + logSumExp(a, ao, n, shift)} is the log-sum-exp,
   * finite wherever it is, and {@code (a[i] - shift) - logSumExp(...)} the log-softmax, accurate whatever the size
   * of the logits (the log-sum-exp itself would round at their size). n >= 1.
   */
  float logSumExp(float[] a, int ao, int n, float shift);

  /**
   * {@code sum exp(a[ao+i] - shift)} in the canonical order: the sum inside {@link #logSumExp(float[], int, int,
   * float)}, which is {@code ScalarMath.log} of it, bit for bit. When {@code dst} is not null, each
   * {@code exp(a[ao+i] - shift)} is also written to {@code dst[d+i]}: the softmax numerators, so that a gradient
   * needs no second exp. n >= 1.
   */
  float expSum(float[] a, int ao, int n, float shift, float[] dst, int d);

  /**
   * The log-sum-exp whole: {@code shift + logSumExp(a, ao, n, shift)} with the shift from {@link #max} (0 when
   * infinite). The losses keep the two parts apart; this is for callers that want the number itself.
   */
  default float logSumExp(float[] a, int ao, int n) {
    float m = max(a, ao, n);
    float shift = Float.isInfinite(m) ? 0f : m;
    return shift + logSumExp(a, ao, n, shift);
  }

  /**
   * Cross-entropy of a distribution after a log-softmax:
   * {@code sum label[lo+i] * ((shift - pred[po+i]) + logSum)}.
   */
  float crossEntropy(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n);

  // ---- reductions over a strided class axis, lane-parallel across positions --------------------------------
  // Position j in [0, n) has the values a[ao + c*stride + j] for c in [0, classes).

  /**
   * Per position j: {@code shift[d+j]} = the maximum over the classes (0 when infinite) and
   * {@code logSum[d+j] = log sum_c exp(a[ao + c*stride + j] - shift[d+j])}; classes >= 1.
   */
  void logSumExpStrided(float[] a, int ao, int classes, int stride, float[] shift, float[] logSum, int d, int n);

  /**
   * As {@link #logSumExpStrided}, for a gradient: {@code shift[d+j]} the same, {@code sum[d+j]} the sum of
   * {@code exp(a[ao + c*stride + j] - shift[d+j])} over c, from 0 in class order (its {@code ScalarMath.log} is
   * logSumExpStrided's logSum, bit for bit), and each exp written to {@code e} at a's index
   * ({@code e[ao + c*stride + j]}; e may be a itself: each element is read before its exp is written there). For
   * fewer than {@link #SEQUENTIAL_BELOW} classes the sum and the exps are those of {@link #expSum} on the position's
   * values as one row, bit for bit: the softmax numerators of many short rows, one row per lane. classes >= 1.
   */
  void expSumStrided(float[] a, int ao, int classes, int stride, float[] shift, float[] sum, int d, float[] e, int n);

  /**
   * {@code dst[d+j] = sum_c label[lo + c*stride + j] * ((shift[so+j] - pred[po + c*stride + j]) + logSum[so+j])}.
   */
  void crossEntropyStrided(float[] label, int lo, float[] pred, int po, int classes, int stride, float[] shift,
      float[] logSum, int so, float[] dst, int d, int n);

  // ---- gradients: the loss and its derivative in one pass -------------------------------------------------
  // The pointwise "...WithGradient" kernels write the same loss as their forward twin to dst (bit for bit) and
  // grad[g+i] = up[uo+i] * f'(a[ao+i], b[bo+i]), the derivative with respect to the first operand (pred) times
  // the upstream factor (sample weight times global weight over the element count). At the kinks they return
  // PyTorch's subgradient: sign(0) = 0, relu'(0) = 0; a NaN operand gives a NaN gradient.

  /**
   * {@code (a-b)^2}; gradient {@code (up + up) * (a - b)}: the same bits as {@code up * ((a - b) + (a - b))} (both
   * are 2·up·(a-b) rounded once; doubling is exact) except where {@code 2(a - b)} overflows, which this form
   * does not (PyTorch also folds the 2 into the factor), and one vector operation fewer per element in the fused
   * loop, where {@code up + up} is formed once per call.
   */
  void squaredErrorWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst, int d,
      float[] grad, int g, int n);

  /** {@code |a-b|}; gradient {@code up * sign(a-b)} with {@code sign(0) = 0}. */
  void absoluteErrorWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst, int d,
      float[] grad, int g, int n);

  /**
   * Huber; gradient {@code up * ((a-b) * (1/rho))} where {@code |a-b| <= rho}, {@code up * sign(a-b)} beyond
   * (both are +-1 at the boundary; {@code 1/rho} is rounded once, as {@code 2 * (0.5f/rho)}). rho is a positive
   * normal float ({@code HuberLoss} validates it): the vector kernels take the sign beyond rho as +-1 from the
   * sign bit, which holds only where {@code |a-b| > rho >= 0}.
   */
  void huberWithGradient(float rho, float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst, int d,
      float[] grad, int g, int n);

  /** {@code max(0, margin - a*b)}; gradient {@code up * -b} where {@code margin - a*b > 0}, else 0. */
  void hingeWithGradient(float margin, float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst,
      int d, float[] grad, int g, int n);

  /** {@code h^2, h = max(0, margin - a*b)}; gradient {@code up * -(2h * b)}. */
  void squaredHingeWithGradient(float margin, float[] a, int ao, float[] b, int bo, float[] up, int uo,
      float[] dst, int d, float[] grad, int g, int n);

  /** {@code softplus(-a*b)}; gradient {@code up * -(sigmoid(-a*b) * b)}. */
  void logisticWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst, int d,
      float[] grad, int g, int n);

  /** {@code softplus(a) - a*b}; gradient {@code up * (sigmoid(a) - b)}. */
  void sigmoidBceWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst, int d,
      float[] grad, int g, int n);

  /**
   * Binary cross-entropy of probability {@code a}; gradient
   * {@code up * ((1-b) / (1-a+1e-12) - b / (a+1e-12))}.
   */
  void sigmoidBceFromProbabilityWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo,
      float[] dst, int d, float[] grad, int g, int n);

  /** KL term of log probabilities, {@code label * (log(label + 1e-12) - pred)}; gradient {@code -(up * label)}. */
  void klDivergenceWithGradient(float[] label, int lo, float[] pred, int po, float[] up, int uo, float[] dst,
      int d, float[] grad, int g, int n);

  /**
   * KL term after a log-softmax {@code y = (pred - shift) - logSum}: {@code label * (log(label + 1e-12) - y)},
   * and the gradient of the row's weighted sum, {@code mass * softmax - up * label}, from the softmax numerators
   * {@code exp(pred - shift)} that {@code grad} holds on entry (written by {@link #expSum}):
   * {@code grad = scale * grad - up * label} with {@code scale = mass / sum}, {@code mass} the row's sum of
   * {@code up * label}. (No exp here: with the log of the loss, a second exp in one loop would exceed C2's
   * inlining budget and box the vectors.)
   */
  void klDivergenceSoftmaxWithGradient(float[] label, int lo, float[] pred, int po, float shift, float logSum,
      float scale, float[] up, int uo, float[] dst, int d, float[] grad, int g, int n);

  /**
   * As {@link #klDivergenceSoftmaxWithGradient} with {@code shift[so+i]}, {@code logSum[so+i]} and
   * {@code mass[mo+i]} per element.
   */
  void klDivergenceSoftmaxShiftedWithGradient(float[] label, int lo, float[] pred, int po, float[] shift,
      float[] logSum, int so, float[] mass, int mo, float[] up, int uo, float[] dst, int d, float[] grad, int g,
      int n);

  /**
   * The softmax part of a cross-entropy gradient over one contiguous row:
   * {@code grad[g+i] = scale * exp((x[xo+i] - shift) - logSum) - labelScale * label[lo+i]}, or without the label
   * term when {@code label} is null.
   */
  void softmaxGradient(float[] x, int xo, float shift, float logSum, float scale, float[] label, int lo,
      float labelScale, float[] grad, int g, int n);

  /**
   * As {@link #softmaxGradient} with {@code shift[so+i]}, {@code logSum[so+i]}, {@code scale[co+i]} and
   * {@code labelScale[lso+i]} per element (one class of a strided class axis, across positions); {@code label}
   * may be null (then {@code labelScale} is not read).
   */
  void softmaxGradientShifted(float[] x, int xo, float[] shift, float[] logSum, int so, float[] scale, int co,
      float[] label, int lo, float[] labelScale, int lso, float[] grad, int g, int n);

  /** {@code dst[d+i] = s * a[ao+i]}. */
  void scale(float[] a, int ao, float s, float[] dst, int d, int n);

  /** {@code dst[d+i] = s * a[ao+i] - t * b[bo+i]} ({@code dst} may be {@code a} itself, at the same offset). */
  void scaleSubtract(float[] a, int ao, float s, float[] b, int bo, float t, float[] dst, int d, int n);

  /** {@code dst[d+j] = sum_c a[ao + c*stride + j]}, added in class order per position. */
  void sumStrided(float[] a, int ao, int classes, int stride, float[] dst, int d, int n);

  /** {@code dst[d+j] = sum_c a[ao + c*stride + j] * b[bo + c*stride + j]}, added in class order per position. */
  void dotStrided(float[] a, int ao, float[] b, int bo, int classes, int stride, float[] dst, int d, int n);

  /**
   * The triplet gradients of {@code (p-q)^2 - (p-r)^2} times {@code s}:
   * {@code gp = s*(2(r-q))}, {@code gq = s*(2(q-p))}, {@code gr = s*(2(p-r))}. One loop per gradient array:
   * storing to the three arrays in one loop took twice as long (256 x 128 floats, {@code jmh} TripletFloor).
   */
  void tripletGradient(float s, float[] p, int po, float[] q, int qo, float[] r, int ro, float[] gp, float[] gq,
      float[] gr, int g, int n);

  // ---- the CTC recursion, in double (io.simdloss.internal.CtcRecursion) -----------------------------------
  // ScalarDoubleMath.logAddExp3 over n cells in two passes (the selection with the two exponentials, then the
  // log1p), and the occupancy term in one. The vector kernels are those of CtcPasses, each a compilation of its own
  // (see there); the scalar ones perform the same operations per cell.

  /**
   * The selection and the exponentials of {@link ScalarDoubleMath#logAddExp3} for cells {@code j in [0, n)}, with
   * {@code a = x[stay+j]}, {@code b = x[advance+j]}, {@code c = skipAllowed[f+j] != 0 ? x[skip+j] : -inf}:
   * {@code max[mo+j] = m = max(a, b, c)}, {@code e[e1+j] = exp(o1 - m)}, {@code e[e2+j] = exp(o2 - m)}, with o1
   * and o2 the two terms other than the maximum as there and {@link ScalarDoubleMath#exp}; where m is -inf (an
   * unreached cell, -inf whatever the rest) both differences are taken as -inf, so both exponentials are +0. The
   * range of {@code x[skip+j]} must be in bounds, and the two ranges of {@code e} must not overlap.
   */
  void logAddExpSelectExp(double[] x, int stay, int advance, int skip, double[] skipAllowed, int f, double[] max,
      int mo, double[] e, int e1, int e2, int n);

  /**
   * The last step of {@link ScalarDoubleMath#logAddExp3} plus the emission: {@code dst[d+j] =
   * ScalarDoubleMath.logAddExpFinish(max[mo+j], e[e1+j], e[e2+j]) + emit[eo+j]} ({@code dst} may be {@code max},
   * at the same offset).
   */
  void logAddExpFinish(double[] max, int mo, double[] e, int e1, int e2, double[] emit, int eo, double[] dst, int d,
      int n);

  /**
   * The CTC occupancy term, a posterior: {@code dst[d+j] = +0} where {@code alpha[ao+j]} or {@code beta[bo+j]} is
   * -inf, else {@code ScalarDoubleMath.exp(min(((alpha + beta) - emit[eo+j]) - logLikelihood, 0))} (a posterior
   * is at most 1; rounding can put the exponent a hair above 0, and the double exp is specified only up to 664).
   */
  void occupancy(double[] alpha, int ao, double[] beta, int bo, double[] emit, int eo, double logLikelihood,
      double[] dst, int d, int n);
}
