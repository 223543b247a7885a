package io.simdloss.internal;

/**
 * Scalar {@code exp}, {@code log}, {@code log1p} and {@code softplus} in single precision, used by the scalar
 * kernels. {@code io.simdloss.internal.vector.VectorMath} is the lanewise twin: both classes perform the same
 * sequence of IEEE-754 operations (add, sub, mul, fused multiply-add, div, compares, selects, int/float
 * conversions and bit operations, each exactly specified), so a vector lane and the scalar method return
 * bit-identical results for every input. Keep the two classes in lock step: any change to an operation, to
 * the order of a non-commutative operation, or to a constant here must be made there too
 * ({@code VectorMathTest} checks this over a million inputs per function).
 *
 * <p>Only float arithmetic is used (no {@code double}, no {@code java.lang.Math} transcendental), because the
 * vector twin has no wider lanes. Rounding to an integer is done with the magic-number trick
 * {@code fma(x, c, 1.5*2^23 + 127)}, whose result holds the rounded integer (plus the exponent bias) in its low
 * mantissa bits; ties round to even in both twins.
 *
 * <p>Error bounds are measured against the correctly rounded result, computed as {@code (float) Math.exp((double)
 * x)} etc., as {@code |result - exact| / ulp(correctly rounded result)}: exhaustively over all 2^32 inputs
 * (once, while developing), and in {@code ScalarMathTest} on every build over a strided walk through all bit
 * patterns plus dense samples.
 */
public final class ScalarMath {
  private ScalarMath() {}

  // ---- exp ------------------------------------------------------------------------------------------------

  /**
   * 1.5 * 2^23 + 127: {@code fma(x, log2e, ROUND_MAGIC)} rounds {@code x log2e} to the nearest integer n
   * (|n| below 2^22) and holds {@code n + 127} in its low bits, so {@code bits << 23} are the bits of 2^n.
   */
  static final float ROUND_MAGIC = 0x1.8p23f + 127f;
  /** Raw bits of {@link #ROUND_MAGIC}. */
  static final int ROUND_MAGIC_BITS = 0x4b40007f;
  /** log2(e) rounded to float. */
  static final float LOG2E = 0x1.715476p0f;
  /** ln 2 rounded to float (its product with an integer is exact inside an fma). */
  static final float LN2 = 0x1.62e43p-1f;
  /** ln 2 - LN2 rounded to float. */
  static final float LN2_LO = -0x1.05c61p-29f;
  /** Up to this |x|, n = round(x log2 e) is in [-126, 126] and 2^n is a normal float: one multiply suffices. */
  static final float EXP_FAST_LIMIT = 87f;
  /** exp(x) rounds to 0 for every x <= -104 (exp(-104) ~ 0.49 * 2^-149). */
  static final float EXP_CLAMP_LO = -104f;
  /** exp(x) overflows to +inf for every x >= 89. */
  static final float EXP_CLAMP_HI = 89f;
  // Minimax, relative error 2^-28.3 on [-ln2/2, ln2/2]: exp(r) ~ 1 + r (1 + r (E0 + E1 r + ... + E4 r^4)).
  static final float E0 = 0x1.fffffcp-2f;
  static final float E1 = 0x1.555492p-3f;
  static final float E2 = 0x1.5558f2p-5f;
  static final float E3 = 0x1.1239e2p-7f;
  static final float E4 = 0x1.6a2434p-10f;

  /**
   * e^x. Method: {@code n = round(x log2 e)} (magic-number rounding in one fma); Cody-Waite reduction
   * {@code r = fma(n, -ln2_lo, fma(n, -ln2_hi, x))}, {@code |r| <= ln2/2} (the inner fma is exact);
   * {@code p = fma(fma(P(r), r, 1), r, 1)} with {@code P} a degree-4 minimax polynomial (Horner, fma);
   * {@code e^x = p * 2^n}, 2^n built from exponent bits. For {@code |x| > 87} the input is clamped to
   * {@code [-104, 89]} and 2^n is applied in two steps {@code (p * 2^(n>>1)) * 2^(n - (n>>1))}: the first is
   * exact and the second rounds once, so gradual underflow is handled properly (subnormal results carry only
   * p's error plus one rounding, and are 0 where the exact value rounds to 0), and overflow gives +inf.
   *
   * <p>Measured maximum error 0.89 ulp (exhaustive over all 2^32 floats), subnormal results included. Exact:
   * {@code exp(+-0) = 1}, {@code exp(-inf) = +0}, {@code exp(+inf) = +inf}, {@code exp(NaN) = NaN},
   * {@code exp(x) = +inf} for {@code x >= 88.72284} (0x1.62e430p6, the first float whose exp rounds to
   * infinity), {@code exp(x) = 0} for {@code x < -103.97208} (where the exact value rounds to 0).
   */
  public static float exp(float x) {
    if (Math.abs(x) > EXP_FAST_LIMIT) {
      return expWide(x);
    }
    return expFast(x);
  }

  /** exp for {@code |x| <= 87} (and NaN): one scaling multiply. */
  private static float expFast(float x) {
    float z = Math.fma(x, LOG2E, ROUND_MAGIC);
    float p = expReduced(x, z);
    return p * Float.intBitsToFloat(Float.floatToRawIntBits(z) << 23);
  }

  /** exp for {@code |x| > 87}, infinities and NaN: clamped input, scale applied in two steps. */
  private static float expWide(float x) {
    float xc = Math.min(Math.max(x, EXP_CLAMP_LO), EXP_CLAMP_HI);
    float z = Math.fma(xc, LOG2E, ROUND_MAGIC);
    float p = expReduced(xc, z);
    int n = Float.floatToRawIntBits(z) - ROUND_MAGIC_BITS; // in [-150, 128]
    int n1 = n >> 1; // in [-75, 64]
    int n2 = n - n1; // in [-75, 64]
    float s1 = Float.intBitsToFloat((n1 + 127) << 23);
    float s2 = Float.intBitsToFloat((n2 + 127) << 23);
    return p * s1 * s2;
  }

  /** e^(x - n ln2) with n = z - ROUND_MAGIC, in [sqrt(1/2), sqrt(2)] up to rounding. */
  private static float expReduced(float x, float z) {
    float n = z - ROUND_MAGIC;
    float r = Math.fma(n, -LN2, x);
    r = Math.fma(n, -LN2_LO, r);
    float s = Math.fma(r, E4, E3);
    s = Math.fma(s, r, E2);
    s = Math.fma(s, r, E1);
    s = Math.fma(s, r, E0);
    float t = Math.fma(s, r, 1f);
    return Math.fma(t, r, 1f);
  }

  // ---- log ------------------------------------------------------------------------------------------------

  /** Raw bits of the float nearest sqrt(1/2) (0x3f3504f3): mantissas are reduced to [this, 2 * this). */
  static final int SQRT_HALF_BITS = 0x3f3504f3;
  /** Mask of the 23 stored mantissa bits. */
  static final int MANTISSA_MASK = 0x007fffff;
  /**
   * {@code bits + SPECIAL_OFFSET >= SPECIAL_FROM} (signed) exactly when the float is not positive, finite and
   * normal: it is {@code bits - 0x00800000 >= 0x7f000000} compared unsigned, shifted by 2^31 to compare signed.
   */
  static final int SPECIAL_OFFSET = 0x7f800000;
  /** See {@link #SPECIAL_OFFSET}. */
  static final int SPECIAL_FROM = 0xff000000;
  /** 2^23, to normalize subnormal inputs of log. */
  static final float TWO_23 = 0x1p23f;
  // Minimax, relative error of log1p(f) 2^-27.4 on [sqrt(1/2)-1, sqrt(2)-1]:
  // log1p(f) ~ f + f^2 (-1/2 + f (L0 + L1 f + ... + L7 f^7)).
  static final float L0 = 0x1.555554p-2f;
  static final float L1 = -0x1.000226p-2f;
  static final float L2 = 0x1.99a008p-3f;
  static final float L3 = -0x1.547244p-3f;
  static final float L4 = 0x1.22da1cp-3f;
  static final float L5 = -0x1.0d8542p-3f;
  static final float L6 = 0x1.055b6ap-3f;
  static final float L7 = -0x1.38b584p-4f;

  /**
   * Natural logarithm. Method: {@code x = 2^k m} with {@code m in [sqrt(1/2), sqrt(2))} by integer arithmetic on
   * the bits ({@code t = bits(x) - bits(sqrt(1/2))}, {@code k = t >> 23}, {@code m = float((t & 0x7fffff) +
   * bits(sqrt(1/2)))}), {@code f = m - 1} (exact); {@code log x = fma(k, ln2, fma(f Q(f), f, f))} with
   * {@code Q(f) = -1/2 + f R(f)}, {@code R} a degree-7 minimax polynomial. ln 2 is used rounded to float: the
   * resulting error, at most {@code |k| 1.9e-9}, stays below 0.1 ulp of the result. Subnormal inputs are first
   * multiplied by 2^23 (k reduced by 23).
   *
   * <p>Measured maximum error 0.96 ulp (exhaustive over all 2^32 floats). Exact: {@code log(1) = +0},
   * {@code log(+-0) = -inf}, {@code log(x < 0) = NaN}, {@code log(-inf) = NaN}, {@code log(+inf) = +inf},
   * {@code log(NaN) = NaN}.
   */
  public static float log(float x) {
    int ix = Float.floatToRawIntBits(x);
    if (ix + SPECIAL_OFFSET >= SPECIAL_FROM) {
      return logSpecial(x);
    }
    int t = ix - SQRT_HALF_BITS;
    float kf = (float) (t >> 23);
    float f = Float.intBitsToFloat((t & MANTISSA_MASK) + SQRT_HALF_BITS) - 1f;
    return logReduced(f, kf);
  }

  /** log for zeros, subnormals, negatives, infinities and NaN. */
  private static float logSpecial(float x) {
    if (x > 0f && x < Float.MIN_NORMAL) {
      int t = Float.floatToRawIntBits(x * TWO_23) - SQRT_HALF_BITS;
      float kf = (float) (t >> 23) - 23f;
      float f = Float.intBitsToFloat((t & MANTISSA_MASK) + SQRT_HALF_BITS) - 1f;
      return logReduced(f, kf);
    }
    if (x < 0f) {
      return Float.NaN;
    }
    if (x == 0f) {
      return Float.NEGATIVE_INFINITY;
    }
    return x; // +inf or NaN
  }

  /** {@code k ln2 + log1p(f)} for {@code f in [sqrt(1/2)-1, sqrt(2)-1)}. */
  private static float logReduced(float f, float kf) {
    float q = logPolynomial(f);
    float y = Math.fma(f * q, f, f);
    return Math.fma(kf, LN2, y);
  }

  /** {@code Q(f) = -1/2 + f R(f)}, so that {@code log1p(f) ~ f + f^2 Q(f)}. */
  private static float logPolynomial(float f) {
    float r = Math.fma(f, L7, L6);
    r = Math.fma(r, f, L5);
    r = Math.fma(r, f, L4);
    r = Math.fma(r, f, L3);
    r = Math.fma(r, f, L2);
    r = Math.fma(r, f, L1);
    r = Math.fma(r, f, L0);
    return Math.fma(r, f, -0.5f);
  }

  // ---- log1p ----------------------------------------------------------------------------------------------

  /**
   * log(1 + x). Method: {@code u = 1 + x} (rounded), decomposed like {@link #log} into {@code 2^k (1 + f)};
   * the rounding error of u, {@code c = x - (u - 1)} (exact), enters as the first-order correction {@code c/u}:
   * {@code log1p x = fma(k, ln2, f + fma(f^2, Q(f), c/u))}. For small |x|, k = 0 and {@code f + c = x} exactly,
   * so the result is accurate relative to x (never degraded to {@code log(1 + x)}); for {@code |x| < 2^-25} it
   * is x itself, and {@code log1p(+-0) = +-0}.
   *
   * <p>Measured maximum error 0.92 ulp (exhaustive over all 2^32 floats). Exact: {@code log1p(+-0) = +-0},
   * {@code log1p(tiny) = tiny}, {@code log1p(-1) = -inf}, {@code log1p(x < -1) = NaN}, {@code log1p(-inf) =
   * NaN}, {@code log1p(+inf) = +inf}, {@code log1p(NaN) = NaN}.
   */
  public static float log1p(float x) {
    float u = 1f + x;
    int iu = Float.floatToRawIntBits(u);
    if (iu + SPECIAL_OFFSET >= SPECIAL_FROM) {
      return log1pSpecial(u);
    }
    return log1pNormal(x, u, iu);
  }

  /** log1p when 1 + x is zero, negative, infinite or NaN (it is never subnormal). */
  private static float log1pSpecial(float u) {
    if (u < 0f) {
      return Float.NaN;
    }
    if (u == 0f) {
      return Float.NEGATIVE_INFINITY;
    }
    return u; // +inf or NaN
  }

  private static float log1pNormal(float x, float u, int iu) {
    float c = (x - (u - 1f)) / u;
    int t = iu - SQRT_HALF_BITS;
    float kf = (float) (t >> 23);
    float f = Float.intBitsToFloat((t & MANTISSA_MASK) + SQRT_HALF_BITS) - 1f;
    float lo = Math.fma(f * f, logPolynomial(f), c);
    float y = Math.fma(kf, LN2, f + lo);
    return x == 0f ? x : y; // keeps the sign of -0
  }

  // ---- softplus -------------------------------------------------------------------------------------------

  // Minimax, relative error of log1p(e) 2^-27.5 on [0, 1]: log1p(e) ~ e + e^2 S(w), w = 2e - 1 in [-1, 1],
  // S(w) = S0 + S1 w + ... + S8 w^8 (a centred variable keeps the Horner sums free of cancellation).
  static final float S0 = -0x1.833704p-2f;
  static final float S1 = 0x1.6f0d76p-4f;
  static final float S2 = -0x1.7de0b0p-6f;
  static final float S3 = 0x1.a28586p-8f;
  static final float S4 = -0x1.d9945ap-10f;
  static final float S5 = 0x1.10e876p-11f;
  static final float S6 = -0x1.4d80c6p-13f;
  static final float S7 = 0x1.c635c4p-15f;
  static final float S8 = -0x1.b2f574p-17f;

  /**
   * softplus(t) = log(1 + e^t), evaluated stably as {@code max(t, 0) + log1p(e)} with {@code e = exp(-|t|)}
   * (computed exactly as by {@link #exp}). Because {@code e in [0, 1]}, {@code log1p(e)} is evaluated without
   * range reduction or division as {@code fma(e S(2e - 1), e, e)} with {@code S} a degree-8 minimax polynomial
   * (relative error 2^-27.5; 1.17 ulp measured on [0, 1]), which keeps the vector twin short. Finite for every
   * finite t; {@code softplus(t) = t} for t above ~17; {@code = e^t} down to subnormals, then 0, for very negative
   * t; {@code softplus(+inf) = +inf}, {@code softplus(-inf) = +0}, {@code softplus(NaN) = NaN}.
   *
   * <p>Measured maximum error 1.84 ulp (exhaustive over all 2^32 floats; the errors of exp, of the log1p
   * polynomial and of the final addition add up for small |t|).
   */
  public static float softplus(float t) {
    float a = Math.abs(t);
    if (a > EXP_FAST_LIMIT) {
      return Math.max(t, 0f) + log1pUnit(exp(-a));
    }
    return Math.max(t, 0f) + log1pUnit(expFast(-a));
  }

  /**
   * log(1 + e) for {@code e in [0, 1]} (and NaN). {@code softplus(t)} is, bit for bit,
   * {@code Math.max(t, 0f) + log1pUnit(exp(-Math.abs(t)))}, which lets a gradient kernel reuse {@code exp(-|t|)}
   * for the sigmoid.
   */
  static float log1pUnit(float e) {
    float w = Math.fma(e, 2f, -1f);
    float s = Math.fma(w, S8, S7);
    s = Math.fma(s, w, S6);
    s = Math.fma(s, w, S5);
    s = Math.fma(s, w, S4);
    s = Math.fma(s, w, S3);
    s = Math.fma(s, w, S2);
    s = Math.fma(s, w, S1);
    s = Math.fma(s, w, S0);
    return Math.fma(e * s, e, e);
  }
}
