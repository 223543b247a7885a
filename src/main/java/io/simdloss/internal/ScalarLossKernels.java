package io.simdloss.internal;

/**
 * The plain-Java kernels: always available, and the reference that {@code PanamaLossKernels} mirrors method
 * for method. exp and log come from {@link ScalarMath}, the twin of the vector {@code VectorMath}.
 */
public final class ScalarLossKernels implements LossKernels {
  /** The instance the vector kernels use for their tails (and tests use as the scalar reference). */
  public static final ScalarLossKernels INSTANCE = new ScalarLossKernels("scalar (requested explicitly)");

  /** log(x + EPSILON) guards in Gluon's formulas. */
  private static final float EPSILON = 1e-12f;

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
      dst[d + i] = abs > rho ? abs - halfRho : halfInvRho * (abs * abs);
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
  public void klDivergence(float[] label, int lo, float[] pred, int po, float shift, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      float z = label[lo + i];
      dst[d + i] = z * (ScalarMath.log(z + EPSILON) - (pred[po + i] - shift));
    }
  }

  @Override
  public void klDivergenceShifted(float[] label, int lo, float[] pred, int po, float[] shift, int so, float[] dst,
      int d, int n) {
    for (int i = 0; i < n; i++) {
      float z = label[lo + i];
      dst[d + i] = z * (ScalarMath.log(z + EPSILON) - (pred[po + i] - shift[so + i]));
    }
  }

  @Override
  public void tripletTerm(float[] p, int po, float[] q, int qo, float[] r, int ro, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      float x = p[po + i];
      float dq = x - q[qo + i];
      float dr = x - r[ro + i];
      dst[d + i] = dq * dq - dr * dr;
    }
  }

  @Override
  public float sum(float[] a, int ao, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += a[ao + i];
    }
    return s;
  }

  @Override
  public float dot(float[] a, int ao, float[] b, int bo, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += a[ao + i] * b[bo + i];
    }
    return s;
  }

  @Override
  public float logSumExp(float[] a, int ao, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, a[ao + i]);
    }
    float shift = finiteOrZero(max);
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += ScalarMath.exp(a[ao + i] - shift);
    }
    return ScalarMath.log(s) + shift;
  }

  @Override
  public float crossEntropy(float[] label, int lo, float[] pred, int po, float logSumExp, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += label[lo + i] * (logSumExp - pred[po + i]);
    }
    return s;
  }

  @Override
  public void logSumExpStrided(float[] a, int ao, int classes, int stride, float[] dst, int d, int n) {
    for (int j = 0; j < n; j++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, a[ao + c * stride + j]);
      }
      float shift = finiteOrZero(max);
      float s = 0f;
      for (int c = 0; c < classes; c++) {
        s += ScalarMath.exp(a[ao + c * stride + j] - shift);
      }
      dst[d + j] = ScalarMath.log(s) + shift;
    }
  }

  @Override
  public void crossEntropyStrided(float[] label, int lo, float[] pred, int po, int classes, int stride,
      float[] logSumExp, int so, float[] dst, int d, int n) {
    for (int j = 0; j < n; j++) {
      float shift = logSumExp[so + j];
      float s = 0f;
      for (int c = 0; c < classes; c++) {
        s += label[lo + c * stride + j] * (shift - pred[po + c * stride + j]);
      }
      dst[d + j] = s;
    }
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
