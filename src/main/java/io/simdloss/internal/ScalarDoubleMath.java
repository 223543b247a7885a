package io.simdloss.internal;

/**
 * Scalar {@code exp}, {@code log1p} and the three-term log-sum-exp in double precision, for the CTC
 * recursion. The vector passes of {@code io.simdloss.internal.vector.CtcPasses} write these functions out
 * lanewise: both perform the same sequence of IEEE-754 operations (add, sub, mul, fma, div, compares, selects and
 * bit operations, each exactly specified), so a vector lane and this class return bit-identical results for every
 * input. Keep the two in lock step ({@code CtcPassesTest} checks it).
 *
 * <p>They replace {@code StrictMath.exp} and {@code StrictMath.log1p} (fdlibm, also reproducible) in the CTC
 * recursion since session 11: fdlibm has no vector form, and on JDK 17 {@code StrictMath.log1p} is a JNI call
 * (13 ns here), which made the recursion about 45 ns per lattice cell.
 *
 * <p>Error, measured by {@code ScalarDoubleMathTest} against {@code StrictMath} (fdlibm, itself within 1 ulp of
 * the exact value) over more than 10^7 inputs per function, is documented at each method.
 */
public final class ScalarDoubleMath {
  private ScalarDoubleMath() {}

  // ---- exp ------------------------------------------------------------------------------------------------

  /**
   * 1.5 * 2^52 + 1087: {@code fma(x, log2e, ROUND_MAGIC)} rounds {@code x log2e} to the nearest integer n (ties
   * to even) and holds {@code n + 1087 = n + 64 + 1023} in its low mantissa bits, so {@code bits << 52} are the
   * bits of 2^(n + 64) (a normal double for n in [-1086, 959]).
   */
  static final double ROUND_MAGIC = 0x1.8p52 + 1087d;
  /** log2(e) rounded to double. */
  static final double LOG2E = 0x1.71547652b82fep0;
  /** ln 2 rounded to double; {@code fma(n, -LN2, x)} is exact for the reduced range (see {@link #exp}). */
  static final double LN2 = 0x1.62e42fefa39efp-1;
  /** ln 2 - LN2 rounded to double (2.3190468138462996e-17). */
  static final double LN2_LO = 0x1.abc9e3b39803fp-56;
  /** exp(x) rounds to +0 for every {@code x <= -746} (exp(-746) ~ 0.21 * 2^-1074); n is then -1076. */
  static final double EXP_CLAMP_LO = -746d;
  /** The largest argument {@link #exp} is specified for: 2^(n + 64) must stay a finite double. */
  public static final double EXP_MAX_ARGUMENT = 664d;
  /** 2^-64, the scale that undoes the 64 of {@link #ROUND_MAGIC} (exact, or one rounding into the subnormals). */
  static final double TWO_M64 = 0x1p-64;
  // Taylor coefficients 1/k!, k = 2..13, rounded to double. On |r| <= ln2/2 the truncation error of the
  // degree-13 polynomial is below 2^-57 relative, far under the rounding of the evaluation.
  static final double C2 = 1d / 2;
  static final double C3 = 1d / 6;
  static final double C4 = 1d / 24;
  static final double C5 = 1d / 120;
  static final double C6 = 1d / 720;
  static final double C7 = 1d / 5040;
  static final double C8 = 1d / 40320;
  static final double C9 = 1d / 362880;
  static final double C10 = 1d / 3628800;
  static final double C11 = 1d / 39916800;
  static final double C12 = 1d / 479001600;
  static final double C13 = 1d / 6227020800L;

  /**
   * e^x for {@code x <= 664} (the CTC recursion's arguments are differences {@code o - max <= 0} and log
   * posteriors clamped at 0); larger x, +inf included, give unspecified values. Method: clamp x below at -746
   * (where the result is already +0; -inf too; NaN stays NaN); {@code n = round(x log2 e)} by the magic-number
   * fma; Cody-Waite reduction {@code r = fma(n, -ln2_lo, fma(n, -ln2, x))}, whose inner fma is exact (x and
   * n ln2 agree to within 0.35, and both are multiples of 2^-53); {@code p = e^r} by the degree-13 Taylor
   * polynomial in Horner form with fma; {@code e^x = (p * 2^(n + 64)) * 2^-64}: the first product is exact (a
   * normal double), the second is exact or rounds once into the subnormals, so gradual underflow comes out
   * right without a branch. No upper clamp: a vector min cost 15% of the vector exp on JDK 17 (session 11).
   *
   * <p>Measured: at most 1 ulp from fdlibm's {@code StrictMath.exp} over 1.2 * 10^7 inputs (uniform on
   * [-746, 664], on [-1, 1], near 0, subnormal results, the CTC's range [-60, 0]), see
   * {@code ScalarDoubleMathTest}. Exact: {@code exp(+-0) = 1}, {@code exp(-inf) = +0}, {@code exp(NaN) = NaN}.
   */
  public static double exp(double x) {
    double xc = Math.max(x, EXP_CLAMP_LO);
    double z = Math.fma(xc, LOG2E, ROUND_MAGIC);
    double n = z - ROUND_MAGIC;
    double r = Math.fma(n, -LN2, xc);
    r = Math.fma(n, -LN2_LO, r);
    double q = Math.fma(C13, r, C12);
    q = Math.fma(q, r, C11);
    q = Math.fma(q, r, C10);
    q = Math.fma(q, r, C9);
    q = Math.fma(q, r, C8);
    q = Math.fma(q, r, C7);
    q = Math.fma(q, r, C6);
    q = Math.fma(q, r, C5);
    q = Math.fma(q, r, C4);
    q = Math.fma(q, r, C3);
    q = Math.fma(q, r, C2);
    q = Math.fma(q, r, 1d);
    double p = Math.fma(q, r, 1d);
    return p * Double.longBitsToDouble(Double.doubleToRawLongBits(z) << 52) * TWO_M64;
  }

  // ---- log1p ----------------------------------------------------------------------------------------------

  /** Raw bits of the double nearest sqrt(1/2): the mantissa m of w = 2^k m is reduced to [this, 2 * this). */
  static final long SQRT_HALF_BITS = 0x3fe6a09e667f3bcdL;
  /** Raw bits of 1.5 * 2^52: {@code longBitsToDouble(k + K_MAGIC_BITS) - 1.5 * 2^52 == k} for |k| < 2^51. */
  static final long K_MAGIC_BITS = 0x4338000000000000L;
  /** 1.5 * 2^52. */
  static final double K_MAGIC = 0x1.8p52;
  /** ln 2 split so that {@code k * LN2_HI} is exact for |k| < 2^11 (fdlibm's constants). */
  static final double LOG_LN2_HI = 0x1.62e42feep-1;
  /** ln 2 - LOG_LN2_HI. */
  static final double LOG_LN2_LO = 0x1.a39ef35793c76p-33;
  // fdlibm's e_log.c: log(1+f) = 2s + s R(s^2) with s = f/(2+f), R(z) = Lg1 z + Lg2 z^2 + ... + Lg7 z^7
  // (Remez, |error| < 2^-58.45 on the reduced range).
  static final double LG1 = 6.666666666666735130e-01;
  static final double LG2 = 3.999999999940941908e-01;
  static final double LG3 = 2.857142874366239149e-01;
  static final double LG4 = 2.222219843214978396e-01;
  static final double LG5 = 1.818357216161805012e-01;
  static final double LG6 = 1.531383769920937332e-01;
  static final double LG7 = 1.479819860511658591e-01;

  /**
   * log(1 + u) for finite {@code u >= 0} (the only inputs the CTC recursion gives it: a sum of at most two
   * exponentials of non-positive numbers); other inputs give unspecified values, which the caller discards.
   * Method: {@code w = 1 + u} and the exact rounding error of that sum by Fast2Sum ({@code u - (w - 1)}, or
   * {@code 1 - (w - u)} when u > 1), so {@code log1p(u) = log(w) + err / w} to far below an ulp;
   * {@code log(w)} as fdlibm's {@code log}: {@code w = 2^k m}, {@code m in [sqrt(1/2), sqrt(2))} by integer
   * arithmetic on the bits, {@code f = m - 1} (exact), {@code s = f / (2 + f)},
   * {@code log w = k ln2_hi - ((f^2/2 - (s (f^2/2 + R(s^2)) + k ln2_lo)) - f)}, R in Horner form with fma. k
   * becomes a double by the magic-number trick (no conversion instruction, which some vector widths lack).
   *
   * <p>Measured: at most 1 ulp from fdlibm's {@code StrictMath.log1p} over 1.2 * 10^7 inputs (uniform on [0, 3],
   * log-uniform on [2^-80, 2^60], subnormals, the boundaries of the reduction), see {@code ScalarDoubleMathTest}.
   * {@code log1p(+0) = +0}; {@code log1p(u) = u} exactly below 2^-53.
   */
  public static double log1p(double u) {
    double w = 1d + u;
    double err = u > 1d ? 1d - (w - u) : u - (w - 1d);
    double correction = err / w;
    long bits = Double.doubleToRawLongBits(w);
    long k = (bits - SQRT_HALF_BITS) >> 52;
    double f = Double.longBitsToDouble(bits - (k << 52)) - 1d;
    double kd = Double.longBitsToDouble(k + K_MAGIC_BITS) - K_MAGIC;
    double s = f / (2d + f);
    double z = s * s;
    double poly = Math.fma(LG7, z, LG6);
    poly = Math.fma(poly, z, LG5);
    poly = Math.fma(poly, z, LG4);
    poly = Math.fma(poly, z, LG3);
    poly = Math.fma(poly, z, LG2);
    poly = Math.fma(poly, z, LG1);
    double r = poly * z;
    double halfSquare = 0.5d * f * f;
    double log = Math.fma(kd, LOG_LN2_HI, -((halfSquare - Math.fma(s, halfSquare + r, kd * LOG_LN2_LO)) - f));
    return log + correction;
  }

  // ---- log-sum-exp of three terms ------------------------------------------------------------------------

  /**
   * {@code log(e^a + e^b + e^c)}, the CTC recursion's cell: with {@code m = max(a, b, c)} and o1, o2 the two
   * other terms (if a is the maximum: b, c; else if b is: a, c; else a, b), it is
   * {@code m + log1p(exp(o1 - m) + exp(o2 - m))}: m when m is infinite (so {@code -inf - -inf} never makes
   * NaN), NaN when a term is NaN. A term of -inf contributes {@code exp(-inf) = +0}, exactly nothing, so the
   * two-term log-sum-exp is this with {@code c = -inf}. The kernels compute it in two passes over arrays (the
   * selection with the exponentials, then the log1p), with these operations per cell or lane.
   */
  public static double logAddExp3(double a, double b, double c) {
    double m = Math.max(a, Math.max(b, c));
    boolean aIsMax = a == m;
    boolean bIsMax = !aIsMax && b == m;
    double o1 = aIsMax ? b : a;
    double o2 = aIsMax || bIsMax ? c : b;
    return logAddExpFinish(m, exp(o1 - m), exp(o2 - m));
  }

  /**
   * The last step of {@link #logAddExp3}: {@code m} if infinite, else {@code m + log1p(e1 + e2)}. A zero sum (the
   * other terms -inf, common at the edges of the CTC's reachable band) skips the log1p: {@code log1p(+0)} is
   * exactly +0, so {@code m + 0} is the same bits.
   */
  public static double logAddExpFinish(double m, double e1, double e2) {
    double rest = e1 + e2;
    return Double.isInfinite(m) ? m : m + (rest == 0d ? 0d : log1p(rest));
  }
}
