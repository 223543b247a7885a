package io.simdloss.internal;

/**
 * Scalar exp/log used by the scalar kernels. TEMPORARY: delegates to java.lang.Math until the own
 * polynomial implementations (mirrored by VectorMath) land.
 */
public final class ScalarMath {
  private ScalarMath() {}

  public static float exp(float x) { return (float) Math.exp(x); }

  public static float log(float x) { return (float) Math.log(x); }

  public static float log1p(float x) { return (float) Math.log1p(x); }
}
