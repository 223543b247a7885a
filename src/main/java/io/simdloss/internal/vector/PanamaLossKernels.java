package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaVectorConstants.FLOATS;
import static io.simdloss.internal.vector.PanamaVectorConstants.LANES;

import io.simdloss.internal.LossKernels;
import io.simdloss.internal.ScalarLossKernels;
import io.simdloss.internal.ScalarMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The Vector API kernels, mirroring {@link ScalarLossKernels} method for method.
 *
 * <p>One loop shape everywhere: a main loop up to {@code FLOATS.loopBound(n)} over whole vectors, then the
 * remaining {@code n % LANES} elements handed to the scalar kernel (same formula, same {@code ScalarMath}
 * twins of exp/log). No {@code indexInRange} masked tails: on JDK 17 a masked loop runs slower than scalar
 * code (measured by Lucene), and a tail of at most LANES-1 elements is cheap in scalar.
 *
 * <p>Reductions shorter than one vector go straight to the scalar kernel: the lane reduction alone
 * ({@code reduceLanes}) costs more than a scalar loop over fewer than LANES elements (softmax CE over 10
 * classes took 199 ns per call through the vector kernels and 128 ns through the scalar ones, JMH, 512-bit).
 *
 * <p>Reductions keep four accumulators: a float add has a latency of 4 cycles and two ports issue one per
 * cycle each, so one accumulator would leave the adder idle 3 cycles in 4; four hide most of the latency
 * without running out of registers at 128-bit width (Lucene settled on the same count).
 */
public final class PanamaLossKernels implements LossKernels {
  private static final ScalarLossKernels TAIL = ScalarLossKernels.INSTANCE;
  private static final float EPSILON = 1e-12f;

  /** Width of the preferred species in bits; read reflectively by the provider. */
  public static int preferredBits() {
    return FLOATS.vectorBitSize();
  }

  @Override
  public String describe() {
    return "vector " + FLOATS.vectorBitSize() + "-bit";
  }

  // ---- elementwise maps -------------------------------------------------------------------------------

  @Override
  public void squaredError(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector diff = FloatVector.fromArray(FLOATS, a, ao + i).sub(FloatVector.fromArray(FLOATS, b, bo + i));
      diff.mul(diff).intoArray(dst, d + i);
    }
    TAIL.squaredError(a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void absoluteError(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector.fromArray(FLOATS, a, ao + i).sub(FloatVector.fromArray(FLOATS, b, bo + i)).abs()
          .intoArray(dst, d + i);
    }
    TAIL.absoluteError(a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void huber(float rho, float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    float halfRho = 0.5f * rho;
    float halfInvRho = 0.5f / rho;
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector abs = FloatVector.fromArray(FLOATS, a, ao + i).sub(FloatVector.fromArray(FLOATS, b, bo + i)).abs();
      FloatVector quadratic = abs.mul(abs).mul(halfInvRho);
      FloatVector linear = abs.sub(halfRho);
      quadratic.blend(linear, abs.compare(VectorOperators.GT, rho)).intoArray(dst, d + i);
    }
    TAIL.huber(rho, a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void hinge(float margin, float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector product = FloatVector.fromArray(FLOATS, a, ao + i).mul(FloatVector.fromArray(FLOATS, b, bo + i));
      relu(product.neg().add(margin)).intoArray(dst, d + i);
    }
    TAIL.hinge(margin, a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void squaredHinge(float margin, float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector product = FloatVector.fromArray(FLOATS, a, ao + i).mul(FloatVector.fromArray(FLOATS, b, bo + i));
      FloatVector h = relu(product.neg().add(margin));
      h.mul(h).intoArray(dst, d + i);
    }
    TAIL.squaredHinge(margin, a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void logistic(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector product = FloatVector.fromArray(FLOATS, a, ao + i).mul(FloatVector.fromArray(FLOATS, b, bo + i));
      VectorMath.softplus(product.neg()).intoArray(dst, d + i);
    }
    TAIL.logistic(a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void sigmoidBce(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(FLOATS, a, ao + i);
      FloatVector z = FloatVector.fromArray(FLOATS, b, bo + i);
      VectorMath.softplus(x).sub(x.mul(z)).intoArray(dst, d + i);
    }
    TAIL.sigmoidBce(a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void sigmoidBceFromProbability(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector p = FloatVector.fromArray(FLOATS, a, ao + i);
      FloatVector z = FloatVector.fromArray(FLOATS, b, bo + i);
      FloatVector logP = VectorMath.log(p.add(EPSILON));
      FloatVector logQ = VectorMath.log(p.neg().add(1f).add(EPSILON));
      logP.mul(z).add(logQ.mul(z.neg().add(1f))).neg().intoArray(dst, d + i);
    }
    TAIL.sigmoidBceFromProbability(a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void klDivergence(float[] label, int lo, float[] pred, int po, float shift, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector z = FloatVector.fromArray(FLOATS, label, lo + i);
      FloatVector logp = FloatVector.fromArray(FLOATS, pred, po + i).sub(shift);
      z.mul(VectorMath.log(z.add(EPSILON)).sub(logp)).intoArray(dst, d + i);
    }
    TAIL.klDivergence(label, lo + i, pred, po + i, shift, dst, d + i, n - i);
  }

  @Override
  public void klDivergenceShifted(float[] label, int lo, float[] pred, int po, float[] shift, int so, float[] dst,
      int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector z = FloatVector.fromArray(FLOATS, label, lo + i);
      FloatVector logp = FloatVector.fromArray(FLOATS, pred, po + i).sub(FloatVector.fromArray(FLOATS, shift, so + i));
      z.mul(VectorMath.log(z.add(EPSILON)).sub(logp)).intoArray(dst, d + i);
    }
    TAIL.klDivergenceShifted(label, lo + i, pred, po + i, shift, so + i, dst, d + i, n - i);
  }

  @Override
  public void tripletTerm(float[] p, int po, float[] q, int qo, float[] r, int ro, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(FLOATS, p, po + i);
      FloatVector dq = x.sub(FloatVector.fromArray(FLOATS, q, qo + i));
      FloatVector dr = x.sub(FloatVector.fromArray(FLOATS, r, ro + i));
      dq.mul(dq).sub(dr.mul(dr)).intoArray(dst, d + i);
    }
    TAIL.tripletTerm(p, po + i, q, qo + i, r, ro + i, dst, d + i, n - i);
  }

  // ---- reductions -------------------------------------------------------------------------------------

  @Override
  public float sum(float[] a, int ao, int n) {
    if (n < LANES) {
      return TAIL.sum(a, ao, n);
    }
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = acc0;
    FloatVector acc2 = acc0;
    FloatVector acc3 = acc0;
    int i = 0;
    for (int bound = n - n % (4 * LANES); i < bound; i += 4 * LANES) {
      acc0 = acc0.add(FloatVector.fromArray(FLOATS, a, ao + i));
      acc1 = acc1.add(FloatVector.fromArray(FLOATS, a, ao + i + LANES));
      acc2 = acc2.add(FloatVector.fromArray(FLOATS, a, ao + i + 2 * LANES));
      acc3 = acc3.add(FloatVector.fromArray(FLOATS, a, ao + i + 3 * LANES));
    }
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      acc0 = acc0.add(FloatVector.fromArray(FLOATS, a, ao + i));
    }
    float s = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    return s + TAIL.sum(a, ao + i, n - i);
  }

  @Override
  public float dot(float[] a, int ao, float[] b, int bo, int n) {
    if (n < LANES) {
      return TAIL.dot(a, ao, b, bo, n);
    }
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = acc0;
    FloatVector acc2 = acc0;
    FloatVector acc3 = acc0;
    int i = 0;
    for (int bound = n - n % (4 * LANES); i < bound; i += 4 * LANES) {
      acc0 = FloatVector.fromArray(FLOATS, a, ao + i).fma(FloatVector.fromArray(FLOATS, b, bo + i), acc0);
      acc1 = FloatVector.fromArray(FLOATS, a, ao + i + LANES)
          .fma(FloatVector.fromArray(FLOATS, b, bo + i + LANES), acc1);
      acc2 = FloatVector.fromArray(FLOATS, a, ao + i + 2 * LANES)
          .fma(FloatVector.fromArray(FLOATS, b, bo + i + 2 * LANES), acc2);
      acc3 = FloatVector.fromArray(FLOATS, a, ao + i + 3 * LANES)
          .fma(FloatVector.fromArray(FLOATS, b, bo + i + 3 * LANES), acc3);
    }
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      acc0 = FloatVector.fromArray(FLOATS, a, ao + i).fma(FloatVector.fromArray(FLOATS, b, bo + i), acc0);
    }
    float s = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    return s + TAIL.dot(a, ao + i, b, bo + i, n - i);
  }

  @Override
  public float logSumExp(float[] a, int ao, int n) {
    if (n < LANES) {
      return TAIL.logSumExp(a, ao, n);
    }
    float shift = ScalarLossKernels.finiteOrZero(max(a, ao, n));
    // One accumulator and one exp call site: the add chain (4 cycles a vector) is shorter than exp's own
    // work per vector, so more accumulators gain nothing, and each further inlined exp costs C2 ~6,700 IR
    // nodes of its inlining budget; a third call site was not inlined and boxed its vectors (4x slower,
    // softmax CE 256x1000 went from 145 to 630 us per call).
    FloatVector acc = FloatVector.zero(FLOATS);
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      acc = acc.add(VectorMath.exp(FloatVector.fromArray(FLOATS, a, ao + i).sub(shift)));
    }
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += ScalarMath.exp(a[ao + i] - shift);
    }
    return ScalarMath.log(s) + shift;
  }

  @Override
  public float crossEntropy(float[] label, int lo, float[] pred, int po, float logSumExp, int n) {
    if (n < LANES) {
      return TAIL.crossEntropy(label, lo, pred, po, logSumExp, n);
    }
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = acc0;
    int i = 0;
    for (int bound = n - n % (2 * LANES); i < bound; i += 2 * LANES) {
      acc0 = acc0.add(FloatVector.fromArray(FLOATS, label, lo + i)
          .mul(FloatVector.fromArray(FLOATS, pred, po + i).neg().add(logSumExp)));
      acc1 = acc1.add(FloatVector.fromArray(FLOATS, label, lo + i + LANES)
          .mul(FloatVector.fromArray(FLOATS, pred, po + i + LANES).neg().add(logSumExp)));
    }
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      acc0 = acc0.add(FloatVector.fromArray(FLOATS, label, lo + i)
          .mul(FloatVector.fromArray(FLOATS, pred, po + i).neg().add(logSumExp)));
    }
    return acc0.add(acc1).reduceLanes(VectorOperators.ADD)
        + TAIL.crossEntropy(label, lo + i, pred, po + i, logSumExp, n - i);
  }

  /** The maximum of a[ao .. ao+n), NaN if any element is NaN; -inf for n == 0. */
  private static float max(float[] a, int ao, int n) {
    FloatVector acc0 = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
    FloatVector acc1 = acc0;
    int i = 0;
    for (int bound = n - n % (2 * LANES); i < bound; i += 2 * LANES) {
      acc0 = acc0.max(FloatVector.fromArray(FLOATS, a, ao + i));
      acc1 = acc1.max(FloatVector.fromArray(FLOATS, a, ao + i + LANES));
    }
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      acc0 = acc0.max(FloatVector.fromArray(FLOATS, a, ao + i));
    }
    float m = acc0.max(acc1).reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) {
      m = Math.max(m, a[ao + i]);
    }
    return m;
  }

  // ---- strided class axis: lanes run across positions ---------------------------------------------------

  @Override
  public void logSumExpStrided(float[] a, int ao, int classes, int stride, float[] dst, int d, int n) {
    int j = 0;
    for (int bound = FLOATS.loopBound(n); j < bound; j += LANES) {
      FloatVector max = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
      for (int c = 0; c < classes; c++) {
        max = max.max(FloatVector.fromArray(FLOATS, a, ao + c * stride + j));
      }
      // finiteOrZero per lane: an infinite maximum shifts by 0 (see ScalarLossKernels.finiteOrZero)
      VectorMask<Float> infinite = max.abs().compare(VectorOperators.EQ, Float.POSITIVE_INFINITY);
      FloatVector shift = max.blend(0f, infinite);
      FloatVector s = FloatVector.zero(FLOATS);
      for (int c = 0; c < classes; c++) {
        s = s.add(VectorMath.exp(FloatVector.fromArray(FLOATS, a, ao + c * stride + j).sub(shift)));
      }
      VectorMath.log(s).add(shift).intoArray(dst, d + j);
    }
    TAIL.logSumExpStrided(a, ao + j, classes, stride, dst, d + j, n - j);
  }

  @Override
  public void crossEntropyStrided(float[] label, int lo, float[] pred, int po, int classes, int stride,
      float[] logSumExp, int so, float[] dst, int d, int n) {
    int j = 0;
    for (int bound = FLOATS.loopBound(n); j < bound; j += LANES) {
      FloatVector shift = FloatVector.fromArray(FLOATS, logSumExp, so + j);
      FloatVector s = FloatVector.zero(FLOATS);
      for (int c = 0; c < classes; c++) {
        FloatVector logp = shift.sub(FloatVector.fromArray(FLOATS, pred, po + c * stride + j));
        s = s.add(FloatVector.fromArray(FLOATS, label, lo + c * stride + j).mul(logp));
      }
      s.intoArray(dst, d + j);
    }
    TAIL.crossEntropyStrided(label, lo + j, pred, po + j, classes, stride, logSumExp, so + j, dst, d + j, n - j);
  }

  private static FloatVector relu(FloatVector x) {
    return x.max(0f);
  }
}
