package io.simdloss.internal;

import java.util.Arrays;

/**
 * The plain-Java kernels: always available, and the reference that {@code PanamaLossKernels} mirrors method
 * for method. exp and log come from {@link ScalarMath}, the twin of the vector {@code VectorMath}.
 *
 * <p>The contiguous reductions ({@code sum}, {@code dot}, {@code logSumExp}, {@code crossEntropy}) follow the
 * canonical order documented in {@code PanamaLossKernels}, so that both implementations give the same bits at
 * every vector width: 64 logical accumulators (element i of the first {@code m = n - n % 16} goes to accumulator
 * {@code i % 64}, in increasing i: whole 64-element blocks, then up to three 16-element chunks into lanes
 * 0..15, 16..31, 32..47), then the window: element {@code n - 16 + j} of the last {@code n % 16} goes to
 * accumulator {@code m % 64 + j} (j from {@code 16 - n % 16} to 15: the upper lanes of the chunk a next whole
 * chunk would fill), and last the combination by halving ({@code acc[j] += acc[j + half]}, half = 32 .. 1). A
 * range shorter than 16 is a plain sequential sum from +0f.
 * The accumulators live in a per-thread scratch array, so a call allocates nothing. {@code dot} uses
 * {@code Math.fma} to match the vector kernel's {@code fma} (intrinsified by C1 and C2 on x86 with FMA; under
 * {@code -Xint} it is slower but gives the same bits). The strided reductions accumulate each position over
 * the classes in order, with the same operations as the vector kernel per lane.
 *
 * <p>The 64 independent accumulators also make the scalar reductions faster than the single sequential
 * accumulator they replace (C2 vectorizes the inner loop over the 64 lanes): n = 1024, JDK 17, ns per call,
 * before/after: sum 714/554, dot 1153/751, logSumExp 3661/3390, crossEntropy 1072/837.
 */
public final class ScalarLossKernels implements LossKernels {
  /** The instance the vector kernels use for their tails (and tests use as the scalar reference). */
  public static final ScalarLossKernels INSTANCE = new ScalarLossKernels("scalar (requested explicitly)");

  /** log(x + EPSILON) guards in Gluon's formulas. */
  private static final float EPSILON = 1e-12f;

  /** Logical accumulators of the canonical reductions (see the class comment). */
  private static final int BLOCK = 64;

  /** The last n % 64 elements go to the logical lanes in whole chunks of this many (see the class comment). */
  private static final int CHUNK = 16;

  /** Per-thread scratch for the 64 logical accumulators. */
  private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[BLOCK]);

  private final String description;

  ScalarLossKernels(String description) {
    this.description = description;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void squaredError(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      float diff = a[ao + i] - b[bo + i];
      dst[d + i] = diff * diff;
    }
  }

  @Override
  public void absoluteError(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      dst[d + i] = Math.abs(a[ao + i] - b[bo + i]);
    }
  }

  @Override
  public void huber(float rho, float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    float halfRho = 0.5f * rho;
    float halfInvRho = 0.5f / rho;
    for (int i = 0; i < n; i++) {
      float abs = Math.abs(a[ao + i] - b[bo + i]);
      dst[d + i] = abs > rho ? abs - halfRho : (abs * halfInvRho) * abs;
    }
  }

  @Override
  public void hinge(float margin, float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      dst[d + i] = relu(margin - a[ao + i] * b[bo + i]);
    }
  }

  @Override
  public void squaredHinge(float margin, float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      float h = relu(margin - a[ao + i] * b[bo + i]);
      dst[d + i] = h * h;
    }
  }

  @Override
  public void logistic(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      dst[d + i] = ScalarMath.softplus(-(a[ao + i] * b[bo + i]));
    }
  }

  @Override
  public void sigmoidBce(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      float x = a[ao + i];
      // relu(x) - x*z + log1p(exp(-|x|)) == softplus(x) - x*z
      dst[d + i] = ScalarMath.softplus(x) - x * b[bo + i];
    }
  }

  @Override
  public void sigmoidBceFromProbability(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      float p = a[ao + i];
      float z = b[bo + i];
      dst[d + i] = -(ScalarMath.log(p + EPSILON) * z + ScalarMath.log(1f - p + EPSILON) * (1f - z));
    }
  }

  @Override
  public void klDivergence(float[] label, int lo, float[] pred, int po, float shift, float logSum, float[] dst,
      int d, int n) {
    for (int i = 0; i < n; i++) {
      float z = label[lo + i];
      dst[d + i] = z * (ScalarMath.log(z + EPSILON) - ((pred[po + i] - shift) - logSum));
    }
  }

  @Override
  public void klDivergenceShifted(float[] label, int lo, float[] pred, int po, float[] shift, float[] logSum,
      int so, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      float z = label[lo + i];
      dst[d + i] = z * (ScalarMath.log(z + EPSILON) - ((pred[po + i] - shift[so + i]) - logSum[so + i]));
    }
  }

  @Override
  public void tripletTerm(float[] p, int po, float[] q, int qo, float[] r, int ro, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      dst[d + i] = tripletTerm(p[po + i], q[qo + i], r[ro + i]);
    }
  }

  /**
   * {@code s} plus the triplet terms of elements {@code [0, n)} added one at a time in increasing order: from
   * {@code s = 0} and for {@code n} below {@link #SEQUENTIAL_BELOW}, {@code sum} over {@code tripletTerm}'s output
   * in either backend, bit for bit.
   */
  public static float addTripletTerms(float s, float[] p, int po, float[] q, int qo, float[] r, int ro, int n) {
    for (int i = 0; i < n; i++) {
      s += tripletTerm(p[po + i], q[qo + i], r[ro + i]);
    }
    return s;
  }

  /** {@code (x - y)^2 - (x - z)^2}, with the vector kernel's operations. */
  private static float tripletTerm(float x, float y, float z) {
    float dq = x - y;
    float dr = x - z;
    return dq * dq - dr * dr;
  }

  @Override
  public float sum(float[] a, int ao, int n) {
    if (n < CHUNK) { // a plain sequential sum from +0f (see the class comment)
      float s = 0f;
      for (int i = 0; i < n; i++) {
        s += a[ao + i];
      }
      return s;
    }
    float[] acc = lanes();
    int i = 0;
    for (int bound = n - n % BLOCK; i < bound; i += BLOCK) {
      for (int j = 0; j < BLOCK; j++) {
        acc[j] += a[ao + i + j];
      }
    }
    // the whole 16-element chunks of the last n % 64: element i + j goes to logical lane j
    int chunked = n % BLOCK - n % CHUNK;
    for (int j = 0; j < chunked; j++) {
      acc[j] += a[ao + i + j];
    }
    // the window (see the class comment): element w + j of the last n % 16 goes to logical lane chunked + j
    for (int j = CHUNK - n % CHUNK, w = n - CHUNK; j < CHUNK; j++) {
      acc[chunked + j] += a[ao + w + j];
    }
    return fold(acc);
  }

  @Override
  public float dot(float[] a, int ao, float[] b, int bo, int n) {
    // Math.fma, as the vector kernel's fma: one rounding per element (C2 and C1 compile it to vfmadd on x86)
    if (n < CHUNK) { // a plain sequential sum from +0f (see the class comment)
      float s = 0f;
      for (int i = 0; i < n; i++) {
        s = Math.fma(a[ao + i], b[bo + i], s);
      }
      return s;
    }
    float[] acc = lanes();
    int i = 0;
    for (int bound = n - n % BLOCK; i < bound; i += BLOCK) {
      for (int j = 0; j < BLOCK; j++) {
        acc[j] = Math.fma(a[ao + i + j], b[bo + i + j], acc[j]);
      }
    }
    // the whole 16-element chunks of the last n % 64: element i + j goes to logical lane j
    int chunked = n % BLOCK - n % CHUNK;
    for (int j = 0; j < chunked; j++) {
      acc[j] = Math.fma(a[ao + i + j], b[bo + i + j], acc[j]);
    }
    // the window (see the class comment): element w + j of the last n % 16 goes to logical lane chunked + j
    for (int j = CHUNK - n % CHUNK, w = n - CHUNK; j < CHUNK; j++) {
      acc[chunked + j] = Math.fma(a[ao + w + j], b[bo + w + j], acc[chunked + j]);
    }
    return fold(acc);
  }

  /** Through {@code scratch}: {@link #tripletTerm} into it, then {@link #sum}, the definition itself. */
  @Override
  public float tripletSum(float[] p, float[] q, float[] r, int o, int n, float[] scratch) {
    tripletTerm(p, o, q, o, r, o, scratch, 0, n);
    return sum(scratch, 0, n);
  }

  @Override
  public boolean fusesTripletSum() {
    return false;
  }

  @Override
  public boolean fusesMapSum() {
    return false;
  }

  @Override
  public float mapSum(PointwiseOp op, float c, float[] a, int ao, float[] b, int bo, int n, float up, float[] grad,
      int g) {
    if (n < CHUNK) { // a plain sequential sum from +0f (see the class comment)
      return addTerms(0f, op, c, a, ao, b, bo, n, up, grad, g);
    }
    float[] acc = lanes();
    int i = 0;
    for (int bound = n - n % BLOCK; i < bound; i += BLOCK) {
      for (int j = 0; j < BLOCK; j++) {
        acc[j] += term(op, c, a[ao + i + j], b[bo + i + j], up, grad, g + i + j);
      }
    }
    // the whole 16-element chunks of the last n % 64: element i + j goes to logical lane j
    int chunked = n % BLOCK - n % CHUNK;
    for (int j = 0; j < chunked; j++) {
      acc[j] += term(op, c, a[ao + i + j], b[bo + i + j], up, grad, g + i + j);
    }
    // the window (see the class comment): element w + j of the last n % 16 goes to logical lane chunked + j
    for (int j = CHUNK - n % CHUNK, w = n - CHUNK; j < CHUNK; j++) {
      acc[chunked + j] += term(op, c, a[ao + w + j], b[bo + w + j], up, grad, g + w + j);
    }
    return fold(acc);
  }

  /**
   * {@code s} plus the op's terms of elements {@code [0, n)} added one at a time in increasing order (the
   * canonical order below 16 elements), writing their gradients when {@code grad} is not null: see
   * {@link #mapSum}. The vector kernel's tail.
   */
  public static float addTerms(float s, PointwiseOp op, float c, float[] a, int ao, float[] b, int bo, int n,
      float up, float[] grad, int g) {
    for (int i = 0; i < n; i++) {
      s += term(op, c, a[ao + i], b[bo + i], up, grad, g + i);
    }
    return s;
  }

  /**
   * One term of {@link #mapSum}, with the map kernels' operations exactly (so the bits are theirs); when
   * {@code grad} is not null also {@code grad[gi] = up * op'(x, y)} as the {@code ...WithGradient} kernels.
   * The derived constants of Huber (c/2, 0.5/c, 1/c) are recomputed here: the same roundings as the kernels
   * that compute them once, and C2 hoists them out of the loop.
   */
  private static float term(PointwiseOp op, float c, float x, float y, float up, float[] grad, int gi) {
    switch (op) {
      case SQUARED_ERROR: {
        float diff = x - y;
        if (grad != null) {
          grad[gi] = (up + up) * diff;
        }
        return diff * diff;
      }
      case ABSOLUTE_ERROR: {
        float diff = x - y;
        if (grad != null) {
          grad[gi] = up * sign(diff);
        }
        return Math.abs(diff);
      }
      case HUBER: {
        float diff = x - y;
        float abs = Math.abs(diff);
        float halfInvRho = 0.5f / c;
        boolean linear = abs > c;
        if (grad != null) {
          grad[gi] = up * (linear ? sign(diff) : diff * (2f * halfInvRho));
        }
        return linear ? abs - 0.5f * c : (abs * halfInvRho) * abs;
      }
      case HINGE: {
        float h = c - x * y;
        if (grad != null) {
          grad[gi] = reluGate(h, up * -y);
        }
        return relu(h);
      }
      default: { // SQUARED_HINGE
        float h = relu(c - x * y);
        if (grad != null) {
          grad[gi] = up * -((h + h) * y);
        }
        return h * h;
      }
    }
  }

  @Override
  public float max(float[] a, int ao, int n) {
    // Four running maxima, not one: Math.max is exact and its result does not depend on the order (NaN wins,
    // +0 > -0), and a single chain of Math.max (several instructions each for NaN and -0) is latency-bound. For
    // the 10 classes of a softmax row this shortens the chain from 10 to 5 (3 + 2): max of 10 floats 25-29 -> 22 ns
    // (a JMH probe, session 4, JDK 17; single runs on a noisy host, so a small gain, but never a loss).
    float m0 = Float.NEGATIVE_INFINITY;
    float m1 = m0;
    float m2 = m0;
    float m3 = m0;
    int i = 0;
    for (int bound = n - n % 4; i < bound; i += 4) {
      m0 = Math.max(m0, a[ao + i]);
      m1 = Math.max(m1, a[ao + i + 1]);
      m2 = Math.max(m2, a[ao + i + 2]);
      m3 = Math.max(m3, a[ao + i + 3]);
    }
    for (; i < n; i++) {
      m0 = Math.max(m0, a[ao + i]);
    }
    return Math.max(Math.max(m0, m1), Math.max(m2, m3));
  }

  @Override
  public float logSumExp(float[] a, int ao, int n, float shift) {
    return ScalarMath.log(expSum(a, ao, n, shift, null, 0));
  }

  @Override
  public float expSum(float[] a, int ao, int n, float shift, float[] dst, int d) {
    if (n < CHUNK) { // a plain sequential sum from +0f (see the class comment)
      float s = 0f;
      for (int i = 0; i < n; i++) {
        s += exp(a, ao + i, shift, dst, d + i);
      }
      return s;
    }
    float[] acc = lanes();
    int i = 0;
    for (int bound = n - n % BLOCK; i < bound; i += BLOCK) {
      for (int j = 0; j < BLOCK; j++) {
        acc[j] += exp(a, ao + i + j, shift, dst, d + i + j);
      }
    }
    // the whole 16-element chunks of the last n % 64: element i + j goes to logical lane j
    int chunked = n % BLOCK - n % CHUNK;
    for (int j = 0; j < chunked; j++) {
      acc[j] += exp(a, ao + i + j, shift, dst, d + i + j);
    }
    // the window (see the class comment): element w + j of the last n % 16 goes to logical lane chunked + j
    for (int j = CHUNK - n % CHUNK, w = n - CHUNK; j < CHUNK; j++) {
      acc[chunked + j] += exp(a, ao + w + j, shift, dst, d + w + j);
    }
    return fold(acc);
  }

  /** {@code exp(a[i] - shift)}, also stored in {@code dst[j]} when dst is not null. */
  private static float exp(float[] a, int i, float shift, float[] dst, int j) {
    float e = ScalarMath.exp(a[i] - shift);
    if (dst != null) {
      dst[j] = e;
    }
    return e;
  }

  @Override
  public float crossEntropy(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    if (n < CHUNK) { // a plain sequential sum from +0f (see the class comment)
      float s = 0f;
      for (int i = 0; i < n; i++) {
        s += label[lo + i] * ((shift - pred[po + i]) + logSum);
      }
      return s;
    }
    float[] acc = lanes();
    int i = 0;
    for (int bound = n - n % BLOCK; i < bound; i += BLOCK) {
      for (int j = 0; j < BLOCK; j++) {
        acc[j] += label[lo + i + j] * ((shift - pred[po + i + j]) + logSum);
      }
    }
    // the whole 16-element chunks of the last n % 64: element i + j goes to logical lane j
    int chunked = n % BLOCK - n % CHUNK;
    for (int j = 0; j < chunked; j++) {
      acc[j] += label[lo + i + j] * ((shift - pred[po + i + j]) + logSum);
    }
    // the window (see the class comment): element w + j of the last n % 16 goes to logical lane chunked + j
    for (int j = CHUNK - n % CHUNK, w = n - CHUNK; j < CHUNK; j++) {
      acc[chunked + j] += label[lo + w + j] * ((shift - pred[po + w + j]) + logSum);
    }
    return fold(acc);
  }

  /** This thread's 64 logical accumulators, set to +0f (no allocation per call). */
  private static float[] lanes() {
    float[] acc = LANES.get();
    Arrays.fill(acc, 0f);
    return acc;
  }

  /**
   * The canonical combination of the 64 logical lanes: acc[j] += acc[j + half] for half = 32 .. 1; acc[0].
   * Written with a constant half per level (the same additions per lane, so the same bits), instead of a loop
   * over a variable half, whose 63 loads, adds and stores were a large part of a short call. Scalar backend,
   * JDK 17, ns/op, median of 4 runs (alternating old and new jar) before -> after: sum n = 16 84 -> 49,
   * n = 48 98 -> 73, n = 100 149 -> 116; dot n = 16 70 -> 70, n = 48 125 -> 57, n = 100 166 -> 142;
   * crossEntropy n = 16 101 -> 71, n = 48 102 -> 94, n = 100 213 -> 142 (single runs vary by up to 2x; at
   * n = 1024, 2 runs: sum 1028 -> 697, dot 728 -> 794, crossEntropy 1139 -> 1435, within that noise).
   * {@code java -jar jmh/target/benchmarks.jar 'ReproducibilityCost.(sum|dot|crossEntropy)_canonical'
   * -p n=16,48,100 -f 1 -wi 3 -w 400ms -i 6 -r 250ms -jvmArgsAppend "--add-modules jdk.incubator.vector
   * -Dsimdloss.backend=scalar -XX:ObjectAlignmentInBytes=64"}
   */
  private static float fold(float[] acc) {
    for (int j = 0; j < 32; j++) {
      acc[j] += acc[j + 32];
    }
    for (int j = 0; j < 16; j++) {
      acc[j] += acc[j + 16];
    }
    for (int j = 0; j < 8; j++) {
      acc[j] += acc[j + 8];
    }
    for (int j = 0; j < 4; j++) {
      acc[j] += acc[j + 4];
    }
    return (acc[0] + acc[2]) + (acc[1] + acc[3]); // half = 2, then 1
  }

  @Override
  public void logSumExpStrided(float[] a, int ao, int classes, int stride, float[] shifts, float[] logSums, int d,
      int n) {
    for (int j = 0; j < n; j++) {
      float shift = stridedShift(a, ao + j, classes, stride);
      float s = 0f;
      for (int c = 0; c < classes; c++) {
        s += ScalarMath.exp(a[ao + c * stride + j] - shift);
      }
      shifts[d + j] = shift;
      logSums[d + j] = ScalarMath.log(s);
    }
  }

  /** finiteOrZero of the maximum of a[o + c * stride] over the classes: a strided position's shift. */
  private static float stridedShift(float[] a, int o, int classes, int stride) {
    float max = Float.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      max = Math.max(max, a[o + c * stride]);
    }
    return finiteOrZero(max);
  }

  @Override
  public void expSumStrided(float[] a, int ao, int classes, int stride, float[] shifts, float[] sums, int d,
      float[] e, int n) {
    for (int j = 0; j < n; j++) {
      float shift = stridedShift(a, ao + j, classes, stride);
      float s = 0f;
      for (int c = 0; c < classes; c++) {
        int i = ao + c * stride + j;
        float x = ScalarMath.exp(a[i] - shift);
        e[i] = x;
        s += x;
      }
      shifts[d + j] = shift;
      sums[d + j] = s;
    }
  }

  @Override
  public void crossEntropyStrided(float[] label, int lo, float[] pred, int po, int classes, int stride,
      float[] shifts, float[] logSums, int so, float[] dst, int d, int n) {
    for (int j = 0; j < n; j++) {
      float shift = shifts[so + j];
      float logSum = logSums[so + j];
      float s = 0f;
      for (int c = 0; c < classes; c++) {
        s += label[lo + c * stride + j] * ((shift - pred[po + c * stride + j]) + logSum);
      }
      dst[d + j] = s;
    }
  }

  // ---- gradients --------------------------------------------------------------------------------------

  @Override
  public void squaredErrorWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst,
      int d, float[] grad, int g, int n) {
    for (int i = 0; i < n; i++) {
      float diff = a[ao + i] - b[bo + i];
      dst[d + i] = diff * diff;
      grad[g + i] = (up[uo + i] + up[uo + i]) * diff;
    }
  }

  @Override
  public void absoluteErrorWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst,
      int d, float[] grad, int g, int n) {
    for (int i = 0; i < n; i++) {
      float diff = a[ao + i] - b[bo + i];
      dst[d + i] = Math.abs(diff);
      grad[g + i] = up[uo + i] * sign(diff);
    }
  }

  @Override
  public void huberWithGradient(float rho, float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst,
      int d, float[] grad, int g, int n) {
    float halfRho = 0.5f * rho;
    float halfInvRho = 0.5f / rho;
    float invRho = 2f * halfInvRho;
    for (int i = 0; i < n; i++) {
      float diff = a[ao + i] - b[bo + i];
      float abs = Math.abs(diff);
      boolean linear = abs > rho;
      dst[d + i] = linear ? abs - halfRho : (abs * halfInvRho) * abs;
      grad[g + i] = up[uo + i] * (linear ? sign(diff) : diff * invRho);
    }
  }

  @Override
  public void hingeWithGradient(float margin, float[] a, int ao, float[] b, int bo, float[] up, int uo,
      float[] dst, int d, float[] grad, int g, int n) {
    for (int i = 0; i < n; i++) {
      float z = b[bo + i];
      float h = margin - a[ao + i] * z;
      dst[d + i] = relu(h);
      grad[g + i] = reluGate(h, up[uo + i] * -z);
    }
  }

  @Override
  public void squaredHingeWithGradient(float margin, float[] a, int ao, float[] b, int bo, float[] up, int uo,
      float[] dst, int d, float[] grad, int g, int n) {
    for (int i = 0; i < n; i++) {
      float z = b[bo + i];
      float h = relu(margin - a[ao + i] * z);
      dst[d + i] = h * h;
      grad[g + i] = up[uo + i] * -((h + h) * z);
    }
  }

  @Override
  public void logisticWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst, int d,
      float[] grad, int g, int n) {
    for (int i = 0; i < n; i++) {
      float z = b[bo + i];
      float t = -(a[ao + i] * z);
      float e = ScalarMath.exp(-Math.abs(t));
      dst[d + i] = Math.max(t, 0f) + ScalarMath.log1pUnit(e); // softplus(t), bit for bit
      grad[g + i] = up[uo + i] * -(sigmoid(t, e) * z);
    }
  }

  @Override
  public void sigmoidBceWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst, int d,
      float[] grad, int g, int n) {
    for (int i = 0; i < n; i++) {
      float x = a[ao + i];
      float z = b[bo + i];
      float e = ScalarMath.exp(-Math.abs(x));
      dst[d + i] = (Math.max(x, 0f) + ScalarMath.log1pUnit(e)) - x * z; // softplus(x) - x*z, bit for bit
      grad[g + i] = up[uo + i] * (sigmoid(x, e) - z);
    }
  }

  @Override
  public void sigmoidBceFromProbabilityWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo,
      float[] dst, int d, float[] grad, int g, int n) {
    for (int i = 0; i < n; i++) {
      float p = a[ao + i];
      float z = b[bo + i];
      float pe = p + EPSILON;
      float qe = 1f - p + EPSILON;
      float notZ = 1f - z;
      dst[d + i] = -(ScalarMath.log(pe) * z + ScalarMath.log(qe) * notZ);
      grad[g + i] = up[uo + i] * (notZ / qe - z / pe);
    }
  }

  @Override
  public void klDivergenceWithGradient(float[] label, int lo, float[] pred, int po, float[] up, int uo,
      float[] dst, int d, float[] grad, int g, int n) {
    for (int i = 0; i < n; i++) {
      float z = label[lo + i];
      dst[d + i] = z * (ScalarMath.log(z + EPSILON) - pred[po + i]);
      grad[g + i] = -(up[uo + i] * z);
    }
  }

  @Override
  public void klDivergenceSoftmaxWithGradient(float[] label, int lo, float[] pred, int po, float shift,
      float logSum, float scale, float[] up, int uo, float[] dst, int d, float[] grad, int g, int n) {
    for (int i = 0; i < n; i++) {
      float z = label[lo + i];
      float y = (pred[po + i] - shift) - logSum;
      dst[d + i] = z * (ScalarMath.log(z + EPSILON) - y);
      grad[g + i] = scale * grad[g + i] - up[uo + i] * z;
    }
  }

  @Override
  public void klDivergenceSoftmaxShiftedWithGradient(float[] label, int lo, float[] pred, int po, float[] shift,
      float[] logSum, int so, float[] mass, int mo, float[] up, int uo, float[] dst, int d, float[] grad, int g,
      int n) {
    for (int i = 0; i < n; i++) {
      float z = label[lo + i];
      float y = (pred[po + i] - shift[so + i]) - logSum[so + i];
      dst[d + i] = z * (ScalarMath.log(z + EPSILON) - y);
      grad[g + i] = mass[mo + i] * ScalarMath.exp(y) - up[uo + i] * z;
    }
  }

  @Override
  public void softmaxGradient(float[] x, int xo, float shift, float logSum, float scale, float[] label, int lo,
      float labelScale, float[] grad, int g, int n) {
    if (label == null) {
      for (int i = 0; i < n; i++) {
        grad[g + i] = scale * ScalarMath.exp((x[xo + i] - shift) - logSum);
      }
    } else {
      for (int i = 0; i < n; i++) {
        grad[g + i] = scale * ScalarMath.exp((x[xo + i] - shift) - logSum) - labelScale * label[lo + i];
      }
    }
  }

  @Override
  public void softmaxGradientShifted(float[] x, int xo, float[] shift, float[] logSum, int so, float[] scale,
      int co, float[] label, int lo, float[] labelScale, int lso, float[] grad, int g, int n) {
    if (label == null) {
      for (int i = 0; i < n; i++) {
        grad[g + i] = scale[co + i] * ScalarMath.exp((x[xo + i] - shift[so + i]) - logSum[so + i]);
      }
    } else {
      for (int i = 0; i < n; i++) {
        grad[g + i] = scale[co + i] * ScalarMath.exp((x[xo + i] - shift[so + i]) - logSum[so + i])
            - labelScale[lso + i] * label[lo + i];
      }
    }
  }

  @Override
  public void scale(float[] a, int ao, float s, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      dst[d + i] = s * a[ao + i];
    }
  }

  @Override
  public void scaleSubtract(float[] a, int ao, float s, float[] b, int bo, float t, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      dst[d + i] = s * a[ao + i] - t * b[bo + i];
    }
  }

  @Override
  public void sumStrided(float[] a, int ao, int classes, int stride, float[] dst, int d, int n) {
    for (int j = 0; j < n; j++) {
      float s = 0f;
      for (int c = 0; c < classes; c++) {
        s += a[ao + c * stride + j];
      }
      dst[d + j] = s;
    }
  }

  @Override
  public void dotStrided(float[] a, int ao, float[] b, int bo, int classes, int stride, float[] dst, int d,
      int n) {
    for (int j = 0; j < n; j++) {
      float s = 0f;
      for (int c = 0; c < classes; c++) {
        s = Math.fma(a[ao + c * stride + j], b[bo + c * stride + j], s);
      }
      dst[d + j] = s;
    }
  }

  @Override
  public void tripletGradient(float s, float[] p, int po, float[] q, int qo, float[] r, int ro, float[] gp,
      float[] gq, float[] gr, int g, int n) {
    // one gradient array per loop, as the vector kernel
    for (int i = 0; i < n; i++) {
      float rq = r[ro + i] - q[qo + i];
      gp[g + i] = s * (rq + rq);
    }
    for (int i = 0; i < n; i++) {
      float qp = q[qo + i] - p[po + i];
      gq[g + i] = s * (qp + qp);
    }
    for (int i = 0; i < n; i++) {
      float pr = p[po + i] - r[ro + i];
      gr[g + i] = s * (pr + pr);
    }
  }

  // ---- the CTC recursion, in double --------------------------------------------------------------------

  @Override
  public void logAddExpSelectExp(double[] x, int stay, int advance, int skip, double[] skipAllowed, int f,
      double[] max, int mo, double[] e, int e1, int e2, int n) {
    for (int j = 0; j < n; j++) {
      double a = x[stay + j];
      double b = x[advance + j];
      double c = skipAllowed[f + j] != 0d ? x[skip + j] : Double.NEGATIVE_INFINITY;
      double m = Math.max(a, Math.max(b, c)); // the operations of ScalarDoubleMath.logAddExp3
      boolean aIsMax = a == m;
      boolean bIsMax = !aIsMax && b == m;
      max[mo + j] = m;
      // an unreached cell (every term -inf) is -inf whatever its differences (-inf - -inf is NaN), so they are
      // taken as -inf, whose exponential is +0
      boolean unreached = m == Double.NEGATIVE_INFINITY;
      e[e1 + j] = expOrZero(unreached ? m : (aIsMax ? b : a) - m);
      e[e2 + j] = expOrZero(unreached ? m : (aIsMax || bIsMax ? c : b) - m);
    }
  }

  /**
   * {@link ScalarDoubleMath#exp}, whose value at -inf is exactly +0; the shortcut spares the polynomial for the
   * many -inf terms of the CTC recursion (the missing skip of every blank position, the unreached cells).
   */
  private static double expOrZero(double x) {
    return x == Double.NEGATIVE_INFINITY ? 0d : ScalarDoubleMath.exp(x);
  }

  @Override
  public void logAddExpFinish(double[] max, int mo, double[] e, int e1, int e2, double[] emit, int eo,
      double[] dst, int d, int n) {
    for (int j = 0; j < n; j++) {
      dst[d + j] = ScalarDoubleMath.logAddExpFinish(max[mo + j], e[e1 + j], e[e2 + j]) + emit[eo + j];
    }
  }

  @Override
  public void occupancy(double[] alpha, int ao, double[] beta, int bo, double[] emit, int eo,
      double logLikelihood, double[] dst, int d, int n) {
    for (int j = 0; j < n; j++) {
      double a = alpha[ao + j];
      double b = beta[bo + j];
      dst[d + j] = a == Double.NEGATIVE_INFINITY || b == Double.NEGATIVE_INFINITY
          ? 0d
          : ScalarDoubleMath.exp(Math.min(((a + b) - emit[eo + j]) - logLikelihood, 0d));
    }
  }

  /** sign with {@code sign(+-0) = +-0} (PyTorch's subgradient of |x| at 0) and {@code sign(NaN) = NaN}. */
  private static float sign(float x) {
    return x > 0f ? 1f : x < 0f ? -1f : x * 0f;
  }

  /**
   * relu'(h) * v: v where h > 0, 0 where h <= 0 (PyTorch's subgradient at 0), NaN where h is NaN (the loss is
   * NaN there too).
   */
  private static float reluGate(float h, float v) {
    return h > 0f ? v : h <= 0f ? 0f : Float.NaN;
  }

  /** sigmoid(t) from {@code e = exp(-|t|)}: {@code 1/(1+e)} for t >= 0, {@code e/(1+e)} otherwise (no overflow). */
  private static float sigmoid(float t, float e) {
    return (t >= 0f ? 1f : e) / (1f + e);
  }

  private static float relu(float x) {
    // x > 0 ? x : 0 (and NaN stays NaN: Math.max propagates it)
    return Math.max(x, 0f);
  }

  /**
   * The log-sum-exp shift: the maximum when finite; 0 when the maximum is infinite, so that an all -inf row
   * gives log(0) = -inf and a +inf entry gives +inf instead of NaN from inf - inf.
   */
  public static float finiteOrZero(float max) {
    return Float.isInfinite(max) ? 0f : max;
  }
}
