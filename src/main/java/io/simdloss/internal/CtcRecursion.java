package io.simdloss.internal;

/**
 * The CTC forward (alpha) and backward (beta) recursions in log space for one sample, and the gradient, after
 * Graves et al. (2006) and in the style of PyTorch's {@code aten/src/ATen/native/LossCTC.cpp}.
 *
 * <h2>Notation</h2>
 * <ul>
 *   <li>{@code x[t, c]}: the unnormalized score of class {@code c} at frame {@code t}, {@code 0 <= t < T},
 *       {@code 0 <= c < C}. Frame {@code t}'s C scores are contiguous: {@code pred[offset + t*frameStride + c]}.
 *       For layout NTC (pred[n][t][c]) {@code offset = n*T*C, frameStride = C}; for TNC (pred[t][n][c])
 *       {@code offset = n*C, frameStride = N*C}.
 *   <li>{@code lse_t = log sum_c exp(x[t, c])} from {@link LossKernels#logSumExp} (vectorized over the
 *       alphabet), and {@code y[t, c] = x[t, c] - lse_t}, the log-softmax: the log-probability of class c at t.
 *   <li>blank {@code b = C - 1}; target {@code l = l_1 .. l_L}; the extended target
 *       {@code l' = b, l_1, b, l_2, ..., b, l_L, b} of length {@code S = 2L + 1}: {@code l'(s) = b} for even s,
 *       {@code l'(s) = l_{(s+1)/2}} for odd s.
 * </ul>
 *
 * <h2>Forward recursion</h2>
 * {@code alpha_t(s)} is the log of the total probability of the alignment prefixes of frames {@code 0..t} that
 * end in position s of l':
 * <pre>
 *   alpha_0(0) = y[0, b]
 *   alpha_0(1) = y[0, l_1]                    (when L &gt;= 1)
 *   alpha_0(s) = -inf                         for s &gt;= 2
 *
 *   alpha_t(s) = y[t, l'(s)] + logsumexp( alpha_{t-1}(s),
 *                                         alpha_{t-1}(s-1)                 if s &gt;= 1,
 *                                         alpha_{t-1}(s-2)                 if skip(s) )
 *   skip(s)    = s &gt;= 2 and l'(s) != b and l'(s) != l'(s-2)
 *
 *   -log p(l | x) = -logsumexp( alpha_{T-1}(S-1), alpha_{T-1}(S-2) )   (L &gt;= 1)
 *                 = -alpha_{T-1}(0)                                     (L == 0: the all-blank path)
 * </pre>
 * The skip transition jumps over a blank between two different labels; between two equal labels the blank
 * is mandatory, which is why a target needs {@code L + #{i : l_i == l_{i-1}}} frames ({@link #requiredFrames}).
 * With {@code T == 0} the only alignment is the empty one: {@code -log p = 0} for {@code L == 0}, {@code +inf}
 * otherwise.
 *
 * <h2>Numerics</h2>
 * {@code logsumexp} of two or three terms is {@code m + log1p(sum_{other terms} exp(a_i - m))} with m the
 * maximum, and {@code -inf} when m is {@code -inf} (so {@code -inf - -inf} never produces NaN); NaN inputs
 * propagate. The recursion state is <b>double</b>: it keeps the recursion's own rounding (T*S additions in log
 * space) far below the float error of the inputs. Each frame's cells are independent of one another, so a step
 * runs lane-parallel across the positions s: {@link ScalarDoubleMath#logAddExp3} (the three-term form, with
 * {@code -inf} for a missing term), computed by the kernels in two passes (the selection of the maximum with the
 * exponentials of the two other terms, then the log1p) with the library's own double {@code exp} and
 * {@code log1p} ({@link ScalarDoubleMath}, and its vector twin): the same bits on every backend and width. Until
 * session 11 each cell was scalar code with {@code StrictMath.exp} and {@code StrictMath.log1p}, about 45 ns
 * per cell on JDK 17. The active kernels compute each frame's maximum m_t and
 * {@code r_t = log sum_c exp(x[t, c] - m_t)} in float; {@code lse_t = m_t + r_t} and {@code y = x - lse_t} are
 * formed in double, so y is accurate whatever the size of the scores.
 *
 * <h2>Backward recursion and gradient</h2>
 * {@link #negLogLikelihoodWithGradient} keeps the whole T x S alpha lattice (row t at {@code t*S}, the same
 * {@link #alphaInit}/{@link #alphaStep} arithmetic as the loss, so the loss has the same bits) and runs the
 * mirrored beta recursion ({@link #betaInit}, {@link #betaStep}) with two alternating rows, from the last frame
 * down:
 * <pre>
 *   beta_{T-1}(S-1) = y[T-1, b],  beta_{T-1}(S-2) = y[T-1, l_L],  others -inf
 *   beta_t(s) = y[t, l'(s)] + logsumexp( beta_{t+1}(s), beta_{t+1}(s+1) if s+1 &lt; S, beta_{t+1}(s+2) if skip(s+2) )
 * </pre>
 * ({@code skip(s+2)}: {@code l'(s+2) != b} and {@code l'(s+2) != l'(s)}, the transition alpha jumps forward).
 * The gradient w.r.t. the logits is
 * {@code d(-log p)/dx[t, c] = exp(y[t, c]) - sum_{s : l'(s) = c} exp(alpha_t(s) + beta_t(s) - y[t, c] - log p)}
 * (softmax minus posterior occupancy; y is counted in both alpha and beta, hence {@code - y}). The softmax part
 * {@code up * e[t, c] / sum_t} is written while the frames are normalized: {@link LossKernels#expSum} writes the
 * numerators {@code e = exp(x - m_t)} into the gradient row, which is then scaled at once (one exp pass; float,
 * {@code e * (up / sum_t)}). As soon as beta_t exists, frame t's occupancy is summed per class of l' in double,
 * in increasing s, with the kernels' double {@code exp}, and subtracted with one rounding to float. Special cases
 * (infinite or NaN loss) are described at the method.
 *
 * <p>Nothing here allocates once warmed up: buffers (lse, l', two rows, and for the gradient the T x S lattice
 * and the per-class occupancy) come from a per-thread {@link Scratch} that only grows. Nothing validates:
 * the caller has checked shapes, label values ({@code 0 <= l_i <= C-2}) and lengths.
 */
public final class CtcRecursion {
  private CtcRecursion() {}

  /**
   * The kernels' passes over the cells of a step are rounded up to a multiple of this many cells, so that no
   * pair of vectors of up to 8 doubles (512 bits; the vector passes take two vectors per iteration) leaves a scalar
   * tail (wider vectors would have tails again): the extra
   * cells compute values nobody reads, in slack at the end of every buffer (and in the lattice's later rows,
   * which are written later or never read). The scalar tails had taken about 15% of the CTC time at 512 bits
   * (session 11, JFR). The real cells get the same bits either way.
   */
  static final int PAD = 16;

  /**
   * The passes of a step go over at most this many positions at a time (a multiple of {@link #PAD}), so that
   * {@code Scratch.terms} has a fixed size (2 x 1024 doubles, 16 KB: it stays in L1) whatever the label length.
   */
  static final int PASS = 1024;

  /** The largest Java array the recursion allocates (HotSpot's limit, with margin). */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /** {@code n} rounded up to a multiple of {@link #PAD}. */
  private static int padded(int n) {
    return (n + PAD - 1) & -PAD;
  }

  /**
   * Per-thread reusable buffers of the recursion. Each buffer only grows; one recursion at a time runs per
   * thread. It never holds references to the caller's arrays.
   */
  public static final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    /** Per frame: {@code lse_t} in double, and its two float parts, the shift (maximum) and the log-sum. */
    double[] lse = new double[0];
    float[] shift = new float[0];
    float[] logSum = new float[0];
    /** The extended target l'. */
    int[] ext = new int[0];
    /** Two alpha rows (the previous and the current frame); the gradient's two beta rows. */
    double[] alphaA = new double[0];
    double[] alphaB = new double[0];
    /** The current frame's emissions {@code y[t, l'(s)]}, per position s. */
    double[] emit = new double[0];
    /** Per position s of l': 1 where the skip transition from s - 2 is allowed, else 0. */
    double[] skipAllowed = new double[0];
    /** The log-sum-exp passes' exponentials (two per position); the occupancy terms. */
    double[] terms = new double[2 * PASS];
    /** The gradient's full alpha lattice, row t at {@code t*S}. */
    double[] lattice = new double[0];
    /** Per position s of l', the slot of its class among the distinct classes of l'. */
    int[] slot = new int[0];
    /** Per slot, its class; and the occupancy accumulated for it at the current frame. */
    int[] slotClass = new int[0];
    double[] occupancy = new double[0];
    /** Per class, its slot, or -1: all -1 between calls. */
    int[] classSlot = new int[0];

    private Scratch() {}

    /** This thread's scratch. */
    public static Scratch get() {
      return LOCAL.get();
    }

    void ensure(int frames, int extendedLength) {
      if (lse.length < frames) {
        lse = new double[frames];
        shift = new float[frames];
        logSum = new float[frames];
      }
      if (ext.length < extendedLength) {
        long slacked = (long) extendedLength + PAD + 2; // beta reads the flag of s + 2
        if (slacked > MAX_ARRAY) { // only for T above 2^30 - 6 frames, a label nearly as long, and C = 2
          throw new IllegalArgumentException("label: the CTC recursion keeps rows of 2L+1 + " + (PAD + 2)
              + " doubles, and a label of length " + (extendedLength - 1) / 2 + " needs " + slacked
              + ", more than a Java array holds (" + MAX_ARRAY + ")");
        }
        ext = new int[extendedLength];
        alphaA = new double[extendedLength + PAD];
        alphaB = new double[extendedLength + PAD];
        emit = new double[extendedLength + PAD];
        skipAllowed = new double[(int) slacked];
      }
    }

    void ensureGradient(int frames, int extendedLength, int classes) {
      ensure(frames, extendedLength);
      long cells = (long) frames * extendedLength;
      if (cells > MAX_LATTICE_CELLS) { // CTCLoss checks this before writing anything
        throw new IllegalArgumentException("pred: the CTC gradient keeps a T x (2L+1) lattice of doubles, and "
            + frames + " x " + extendedLength + " = " + cells + " cells exceed the largest Java array");
      }
      if (lattice.length < cells + PAD) {
        lattice = new double[(int) cells + PAD];
      }
      if (slot.length < extendedLength) {
        slot = new int[extendedLength];
        slotClass = new int[extendedLength];
        occupancy = new double[extendedLength];
      }
      if (classSlot.length < classes) {
        int[] grown = new int[classes];
        java.util.Arrays.fill(grown, -1);
        classSlot = grown;
      }
    }
  }

  /**
   * The fewest frames that can emit the target {@code label[labelOffset + i*labelStride]},
   * {@code 0 <= i < labelLength}: one per label plus one blank between each pair of equal consecutive labels.
   * Labels are integral floats (validated by the caller).
   */
  public static long requiredFrames(float[] label, int labelOffset, int labelStride, int labelLength) {
    long required = labelLength;
    for (int i = 1; i < labelLength; i++) {
      if (label[labelOffset + i * labelStride] == label[labelOffset + (i - 1) * labelStride]) {
        required++;
      }
    }
    return required;
  }

  /**
   * {@code -log p(label | pred)} for one sample: the negative log of the total probability of every alignment of
   * {@code frames} frames that collapses (merge repeats, then drop blanks) to the label.
   *
   * @param k the kernels computing {@code lse_t} and the recursion's passes
   * @param pred the scores; frame t's classes at {@code pred[offset + t*frameStride + c]}
   * @param classes C &gt;= 1; the blank is C-1
   * @param frames T_n &gt;= 0, the number of frames used
   * @param label the labels (integral floats in [0, C-2]) at {@code label[labelOffset + i*labelStride]}
   * @param labelLength L &gt;= 0
   * @return the loss, in [0, +inf] (clamped at 0 against the rounding of the float r_t); +inf when the label
   *     cannot be emitted in {@code frames} frames; NaN when the frames used hold NaN (or +inf)
   */
  public static double negLogLikelihood(LossKernels k, float[] pred, int offset, int frameStride, int classes,
      int frames, float[] label, int labelOffset, int labelStride, int labelLength, Scratch scratch) {
    if (requiredFrames(label, labelOffset, labelStride, labelLength) > frames) {
      return Double.POSITIVE_INFINITY; // also covers frames == 0 with a non-empty label
    }
    if (frames == 0) {
      return 0d; // the empty alignment emits the empty label with probability 1
    }
    int extended = 2 * labelLength + 1; // labelLength <= frames, so no overflow for any array-backed T
    scratch.ensure(frames, extended);
    double[] lse = scratch.lse;
    int[] ext = scratch.ext;
    frameNormalizers(k, pred, offset, frameStride, classes, frames, scratch.shift, scratch.logSum, lse);
    extend(label, labelOffset, labelStride, labelLength, classes - 1, ext, scratch.skipAllowed);

    double[] prev = scratch.alphaA;
    double[] cur = scratch.alphaB;
    alphaInit(pred, offset, lse[0], ext, extended, prev, 0);
    for (int t = 1; t < frames; t++) {
      emissions(pred, offset + t * frameStride, lse[t], ext, extended, scratch.emit);
      alphaStep(k, scratch, extended, prev, 0, cur, 0, 0);
      double[] swap = prev;
      prev = cur;
      cur = swap;
    }
    double logLikelihood = extended == 1 ? prev[0] : logAddExp(prev[extended - 1], prev[extended - 2]);
    // A probability is at most 1: clamp the rounding of the float r_t (it can make y[t, c] a hair above 0)
    // so that the loss is never negative; this also turns -0.0 into 0.0. NaN stays NaN.
    return logLikelihood >= 0d ? 0d : -logLikelihood;
  }

  /** The number of doubles in the gradient's alpha lattice for one sample: {@code frames * (2L + 1)}. */
  public static long latticeCells(int frames, int labelLength) {
    return (long) frames * (2L * labelLength + 1);
  }

  /** The largest lattice {@link #negLogLikelihoodWithGradient} accepts (a Java array's length). */
  public static final long MAX_LATTICE_CELLS = MAX_ARRAY - PAD;

  /**
   * {@link #negLogLikelihood} (the same bits) and, into {@code grad} in pred's layout
   * ({@code grad[offset + t*frameStride + c]} for {@code t < frames}, every c), {@code upstream} times the
   * derivative of {@code -log p} with respect to the scores:
   * <pre>
   *   grad[t, c] = exp(x[t, c] - m_t) * (up / sum_t)                       (float kernels, all c)
   *   grad[t, c] = (float) ((double) grad[t, c] - up * occ_t(c))           (c in l', double)
   *   occ_t(c)   = sum over s = 0, 1, .., S-1 with l'(s) = c, in that order, of
   *                exp(min(((alpha_t(s) + beta_t(s)) - y[t, c]) - logLikelihood, 0))
   * </pre>
   * where the float kernel's {@code up} is {@code (float) upstream} and the double one is {@code upstream}; the
   * terms come from the kernels ({@code occupancy}), the sums are scalar.
   * The occupancy is a plain sum of exponentials (every term is a posterior probability, at most 1, so it
   * neither overflows nor needs a log-sum-exp; the exponent is clamped at 0 against rounding); a term whose
   * alpha or beta is -inf is exactly +0 (never {@code exp(-inf - -inf)}).
   * {@code logLikelihood} is the unclamped log-likelihood: when rounding puts it above 0 the loss is clamped to
   * 0 but the gradient keeps the formula (up to the clamp of each term).
   *
   * <p>Special cases, decided from the returned loss: +inf (the label does not fit the frames, or -inf scores
   * make it impossible): every {@code grad[t, c]}, {@code t < frames}, is 0. NaN (NaN or +inf scores in the
   * frames used): every {@code grad[t, c]}, {@code t < frames}, is NaN. Frames from {@code frames} on are not
   * written (the caller zeroes them). The result depends on the kernels only through {@link LossKernels#max},
   * {@link LossKernels#expSum}, {@link LossKernels#scale} and the recursion's double kernels
   * ({@code logAddExpSelectExp}, {@code logAddExpFinish}, {@code occupancy}), which are
   * bit-identical across backends; everything else is the same scalar double code everywhere.
   *
   * @param upstream d(loss)/d(-log p) for this sample: the sample weight times the global weight
   * @param grad receives the gradient; must not alias pred
   */
  public static double negLogLikelihoodWithGradient(LossKernels k, float[] pred, int offset, int frameStride,
      int classes, int frames, float[] label, int labelOffset, int labelStride, int labelLength, double upstream,
      float[] grad, Scratch scratch) {
    if (requiredFrames(label, labelOffset, labelStride, labelLength) > frames) {
      fillFrames(grad, offset, frameStride, classes, frames, 0f);
      return Double.POSITIVE_INFINITY;
    }
    if (frames == 0) {
      return 0d;
    }
    int extended = 2 * labelLength + 1;
    scratch.ensureGradient(frames, extended, classes);
    double[] lse = scratch.lse;
    int[] ext = scratch.ext;
    double[] alpha = scratch.lattice;
    // the softmax term up * exp(x - shift_t) / sum_t goes into the gradient rows now, one exp pass, each row
    // scaled while it is still in L1 (the special cases below overwrite them)
    frameNormalizers(k, pred, offset, frameStride, classes, frames, scratch.shift, scratch.logSum, lse, grad,
        (float) upstream);
    extend(label, labelOffset, labelStride, labelLength, classes - 1, ext, scratch.skipAllowed);

    // Forward: the same operations as negLogLikelihood, into the lattice instead of two alternating rows, and
    // only where the end can still be reached: s >= from(t) = S - 2(T - t). Those cells depend only on cells
    // of the same kind (every predecessor of such a cell reaches the end through it), so they and the
    // log-likelihood are the bits negLogLikelihood computes; the others (finite alpha, but beta = -inf: zero
    // occupancy) are neither computed nor read.
    alphaInit(pred, offset, lse[0], ext, extended, alpha, 0);
    for (int t = 1; t < frames; t++) {
      emissions(pred, offset + t * frameStride, lse[t], ext, extended, scratch.emit);
      alphaStep(k, scratch, extended, alpha, (t - 1) * extended, alpha, t * extended, reachesEnd(extended, frames, t));
    }
    int last = (frames - 1) * extended;
    double logLikelihood = extended == 1
        ? alpha[last]
        : logAddExp(alpha[last + extended - 1], alpha[last + extended - 2]);
    double nll = logLikelihood >= 0d ? 0d : -logLikelihood;
    if (nll == Double.POSITIVE_INFINITY) {
      fillFrames(grad, offset, frameStride, classes, frames, 0f);
      return nll;
    }
    if (Double.isNaN(nll)) {
      fillFrames(grad, offset, frameStride, classes, frames, Float.NaN);
      return nll;
    }

    // The distinct classes of l' (the blank first), and the slot of each position.
    int[] slot = scratch.slot;
    int[] slotClass = scratch.slotClass;
    int[] classSlot = scratch.classSlot;
    int distinct = 0;
    for (int s = 0; s < extended; s++) {
      int c = ext[s];
      if (classSlot[c] < 0) {
        classSlot[c] = distinct;
        slotClass[distinct++] = c;
      }
      slot[s] = classSlot[c];
    }
    for (int j = 0; j < distinct; j++) {
      classSlot[slotClass[j]] = -1; // restore the all -1 invariant
    }

    // Backward: beta rows alternate in alphaA/alphaB, each frame's gradient written as soon as beta_t exists.
    // Only the cells reachable from the start are computed, s <= to(t) = 2t + 1 (they depend only on cells of
    // the same kind); the others have alpha = -inf, zero occupancy. The occupancy runs over the cells that are
    // both, from(t) <= s <= to(t): outside, alpha or beta is -inf and the term is exactly 0.
    double[] next = scratch.alphaA;
    double[] cur = scratch.alphaB;
    double[] occupancy = scratch.occupancy;
    double[] terms = scratch.terms;
    for (int t = frames - 1; t >= 0; t--) {
      int frame = offset + t * frameStride;
      int to = reachableFromStart(extended, t);
      emissions(pred, frame, lse[t], ext, extended, scratch.emit);
      if (t == frames - 1) {
        betaInit(pred, frame, lse[t], ext, extended, cur, 0);
      } else {
        betaStep(k, scratch, extended, next, 0, cur, 0, to);
      }
      for (int j = 0; j < distinct; j++) {
        occupancy[j] = 0d;
      }
      // terms whose alpha or beta is -inf are exp(-inf) = +0: adding them changes nothing
      for (int from = reachesEnd(extended, frames, t); from <= to; from += PASS) {
        int through = Math.min(to, from + PASS - 1);
        int cells = padded(through - from + 1); // see PAD
        k.occupancy(alpha, t * extended + from, cur, from, scratch.emit, from, logLikelihood, terms, 0, cells);
        for (int s = from; s <= through; s++) {
          occupancy[slot[s]] += terms[s - from];
        }
      }
      for (int j = 0; j < distinct; j++) {
        int g = frame + slotClass[j];
        grad[g] = (float) ((double) grad[g] - upstream * occupancy[j]);
      }
      double[] swap = next;
      next = cur;
      cur = swap;
    }
    return nll;
  }

  /** The first position of l' from which the end can be reached at frame t: {@code max(0, S - 2(T - t))}. */
  private static int reachesEnd(int extended, int frames, int t) {
    return (int) Math.max(0L, extended - 2L * (frames - t));
  }

  /** The last position of l' reachable from the start at frame t: {@code min(S - 1, 2t + 1)}. */
  private static int reachableFromStart(int extended, int t) {
    return (int) Math.min(extended - 1L, 2L * t + 1);
  }

  /** Writes {@code value} to {@code grad[offset + t*frameStride + c]} for {@code t < frames}, every c. */
  static void fillFrames(float[] grad, int offset, int frameStride, int classes, int frames, float value) {
    for (int t = 0; t < frames; t++) {
      int from = offset + t * frameStride;
      java.util.Arrays.fill(grad, from, from + classes, value);
    }
  }

  /**
   * Writes beta_{T-1} into {@code beta[b .. b+extended)}: {@code y[T-1, b]} at S-1, {@code y[T-1, l_L]} at S-2,
   * -inf elsewhere.
   *
   * @param frame the offset of the last frame's scores in pred
   */
  public static void betaInit(float[] pred, int frame, double lse, int[] ext, int extended, double[] beta, int b) {
    for (int s = 0; s < extended - 2; s++) {
      beta[b + s] = Double.NEGATIVE_INFINITY;
    }
    beta[b + extended - 1] = (double) pred[frame + ext[extended - 1]] - lse;
    if (extended > 1) {
      beta[b + extended - 2] = (double) pred[frame + ext[extended - 2]] - lse;
    }
  }

  /**
   * One step of the backward recursion, the mirror of {@link #alphaStep}: writes beta_t into
   * {@code cur[c + s]} for {@code 0 <= s <= to} from beta_{t+1} in {@code next[n .. n+extended)} (the two ranges
   * must not overlap), with frame t's emissions in {@code scratch.emit}:
   * {@code beta_t(s) = logAddExp3(beta_{t+1}(s), beta_{t+1}(s+1), skip(s+2) ? beta_{t+1}(s+2) : -inf) + y[t, l'(s)]},
   * a missing successor being -inf. Uses the real cells of {@code next} up to {@code min(extended - 1, to + 2)};
   * {@code cur} beyond {@code to} holds no value (the padded passes may write up to {@link #PAD} - 1 cells past
   * {@code min(to, S - 3)}, and read as far past the end of {@code next}: both need that much slack).
   */
  static void betaStep(LossKernels k, Scratch scratch, int extended, double[] next, int n, double[] cur, int c,
      int to) {
    double[] emit = scratch.emit;
    int last = extended - 1;
    // s <= S-3: every successor exists; the flag of s + 2 says whether the skip is allowed. First, because its
    // padding cells may run into S-2 and S-1.
    logAddExpStep(k, scratch, next, n, n + 1, n + 2, 2, cur, c, 0, Math.min(to, last - 2) + 1);
    if (extended >= 2 && to >= last - 1) {
      cur[c + last - 1] =
          ScalarDoubleMath.logAddExp3(next[n + last - 1], next[n + last], Double.NEGATIVE_INFINITY) + emit[last - 1];
    }
    if (to >= last) {
      // s = S-1: only the stay transition (the blank after the last label)
      cur[c + last] = next[n + last] + emit[last];
    }
  }

  /**
   * For positions {@code s in [from, from + cells)}: {@code dst[d + s] = logAddExp3(x[stay + s], x[advance + s],
   * skipAllowed[s + flagShift] != 0 ? x[skip + s] : -inf) + emit[s]}, by the kernels' two passes (selection with
   * the exponentials, log1p) through {@code scratch.terms}, {@link #PASS} positions at a time, the last pass rounded
   * up to a multiple of {@link #PAD}.
   */
  private static void logAddExpStep(LossKernels k, Scratch scratch, double[] x, int stay, int advance, int skip,
      int flagShift, double[] dst, int d, int from, int cells) {
    double[] terms = scratch.terms;
    for (int end = from + cells; from < end; from += PASS) {
      int n = padded(Math.min(PASS, end - from)); // see PAD
      k.logAddExpSelectExp(x, stay + from, advance + from, skip + from, scratch.skipAllowed, from + flagShift, dst,
          d + from, terms, 0, n, n);
      k.logAddExpFinish(dst, d + from, terms, 0, n, scratch.emit, from, dst, d + from, n);
    }
  }

  /**
   * Fills, for {@code 0 <= t < frames}, {@code shift[t]} (the frame's maximum score, 0 when infinite),
   * {@code logSum[t] = log sum_c exp(pred[offset + t*frameStride + c] - shift[t])} (floats, from the kernels) and
   * {@code lse[t] = shift[t] + logSum[t]} in double: exact to a double rounding, so that
   * {@code y = x - lse_t} formed in double is accurate whatever the size of the scores (a float {@code lse_t}
   * would round at their size).
   */
  public static void frameNormalizers(LossKernels k, float[] pred, int offset, int frameStride, int classes,
      int frames, float[] shift, float[] logSum, double[] lse) {
    frameNormalizers(k, pred, offset, frameStride, classes, frames, shift, logSum, lse, null, 0f);
  }

  /**
   * As {@link #frameNormalizers(LossKernels, float[], int, int, int, int, float[], float[], double[])}, and, when
   * {@code softmax} is not null, writes each frame's {@code e = exp(x[t, c] - shift[t])} at pred's offsets into
   * it (the kernel's canonical sum of them is the one {@code logSum[t]} is taken from, so it keeps its bits) and
   * scales the row at once by {@code up / sum_t}: {@code e * (up / sum_t)}, {@code up} times the softmax. At
   * once, while the row is in L1: scaling it in the backward pass, a frame later for every frame, cost a second
   * trip through memory for rows of 5000 classes (session 11).
   */
  static void frameNormalizers(LossKernels k, float[] pred, int offset, int frameStride, int classes, int frames,
      float[] shift, float[] logSum, double[] lse, float[] softmax, float up) {
    for (int t = 0; t < frames; t++) {
      int row = offset + t * frameStride;
      float m = ScalarLossKernels.finiteOrZero(k.max(pred, row, classes));
      float sum = k.expSum(pred, row, classes, m, softmax, row);
      float r = ScalarMath.log(sum); // k.logSumExp(pred, row, classes, m), bit for bit
      shift[t] = m;
      logSum[t] = r;
      lse[t] = (double) m + r;
      if (softmax != null) {
        k.scale(softmax, row, up / sum, softmax, row, classes); // up * softmax = up * e / sum
      }
    }
  }

  /**
   * Fills {@code ext[0 .. 2L+1)} with the extended target {@code blank, l_1, blank, ..., l_L, blank}, and
   * {@code skipAllowed[s]} with 1 where the skip transition into s is allowed (s odd, s >= 3,
   * {@code l'(s) != l'(s-2)}), else 0.
   */
  static void extend(float[] label, int labelOffset, int labelStride, int labelLength, int blank, int[] ext,
      double[] skipAllowed) {
    ext[0] = blank;
    skipAllowed[0] = 0d;
    for (int i = 0; i < labelLength; i++) {
      int s = 2 * i + 1;
      ext[s] = (int) label[labelOffset + i * labelStride];
      ext[s + 1] = blank;
      skipAllowed[s] = s >= 3 && ext[s] != ext[s - 2] ? 1d : 0d;
      skipAllowed[s + 1] = 0d;
    }
  }

  /**
   * Writes alpha_0 into {@code alpha[a .. a+extended)}: {@code y[0, b]}, {@code y[0, l_1]}, then -inf.
   *
   * @param frame the offset of frame 0's scores in pred
   */
  public static void alphaInit(float[] pred, int frame, double lse, int[] ext, int extended, double[] alpha,
      int a) {
    alpha[a] = (double) pred[frame + ext[0]] - lse;
    if (extended > 1) {
      alpha[a + 1] = (double) pred[frame + ext[1]] - lse;
    }
    for (int s = 2; s < extended; s++) {
      alpha[a + s] = Double.NEGATIVE_INFINITY;
    }
  }

  /**
   * One step of the forward recursion: writes alpha_t into {@code cur[c + s]} for {@code from <= s < extended}
   * from alpha_{t-1} in {@code prev[p .. p+extended)} (the two ranges must not overlap), with frame t's emissions
   * in {@code scratch.emit}:
   * {@code alpha_t(s) = logAddExp3(alpha_{t-1}(s), alpha_{t-1}(s-1), skip(s) ? alpha_{t-1}(s-2) : -inf)
   * + y[t, l'(s)]}, a missing predecessor being -inf. Uses {@code prev} from {@code max(0, from - 2)} on and
   * leaves {@code cur[c .. c+from)} unwritten; the padded passes write and read up to {@link #PAD} - 1 cells past
   * the row's end (into slack, or into the lattice's later rows before they are computed). Positions from 2 on go
   * through the kernels' passes, position 1 through the scalar {@link ScalarDoubleMath#logAddExp3} (the same
   * operations), and position 0, which has one predecessor, is {@code alpha_{t-1}(0) + y[t, b]} (what
   * logAddExp3 gives with two -inf terms, but for the sign of a zero).
   */
  static void alphaStep(LossKernels k, Scratch scratch, int extended, double[] prev, int p, double[] cur, int c,
      int from) {
    double[] emit = scratch.emit;
    if (from == 0) {
      // s = 0: only the stay transition (blank before the first label)
      cur[c] = prev[p] + emit[0];
    }
    if (from <= 1 && extended >= 2) {
      cur[c + 1] = ScalarDoubleMath.logAddExp3(prev[p + 1], prev[p], Double.NEGATIVE_INFINITY) + emit[1];
    }
    int lo = Math.max(from, 2);
    logAddExpStep(k, scratch, prev, p, p - 1, p - 2, 0, cur, c, lo, extended - lo);
  }

  /** {@code emit[s] = y[t, l'(s)] = (double) pred[frame + l'(s)] - lse_t} for {@code s < extended}. */
  static void emissions(float[] pred, int frame, double lse, int[] ext, int extended, double[] emit) {
    for (int s = 0; s < extended; s++) {
      emit[s] = (double) pred[frame + ext[s]] - lse;
    }
  }

  /**
   * {@code log(exp(a) + exp(b))}: {@link ScalarDoubleMath#logAddExp3} with a third term of -inf. -inf when both
   * are -inf, +inf when either is +inf, NaN when either is NaN.
   */
  public static double logAddExp(double a, double b) {
    return ScalarDoubleMath.logAddExp3(a, b, Double.NEGATIVE_INFINITY);
  }
}
