package io.simdloss.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Accuracy of {@link ScalarMath} against the double-precision {@code java.lang.Math} functions, whose results
 * are within 1 ulp of double and so serve as the exact value for float: the error of a result {@code y} is
 * {@code |y - ref| / ulp((float) ref)}. Each function is swept over a strided walk through all 2^32 float bit
 * patterns (one per block of 512, 8.4 million inputs, both signs, all binades) plus 2 million or more dense
 * samples where the function varies, and its special cases are checked exactly.
 */
class ScalarMathTest {

  private static final float MAX_ULP = 2f;
  private static final int BLOCK = 512;

  interface FloatFn {
    float apply(float x);
  }

  interface DoubleRef {
    double apply(float x);
  }

  /** Max error, worst input and count of inputs for one function. */
  private static final class Stats {
    final String name;
    double max;
    float worst;
    long count;

    Stats(String name) {
      this.name = name;
    }

    void add(float x, float y, double ref) {
      double e = ulpError(y, ref);
      count++;
      if (e > max || Double.isNaN(e)) {
        max = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
        worst = x;
      }
    }

    void check() {
      System.out.printf("ScalarMath.%s: max error %.3f ulp at x = %s (%a) over %d inputs%n",
          name, max, worst, worst, count);
      assertTrue(max <= MAX_ULP, name + ": " + max + " ulp at x = " + worst + " (" + Float.toHexString(worst) + ")");
    }
  }

  /**
   * Error of {@code y} in units of the last place of the correctly rounded result; NaN must match NaN, and
   * where one side is infinite the distance is counted in representable steps (so MAX_VALUE vs +inf is 1).
   */
  static double ulpError(float y, double ref) {
    float rounded = (float) ref;
    if (Float.isNaN(rounded) || Float.isNaN(y)) {
      return Float.isNaN(rounded) && Float.isNaN(y) ? 0 : Double.POSITIVE_INFINITY;
    }
    if (Float.isInfinite(rounded) || Float.isInfinite(y)) {
      if (y == rounded) {
        return 0;
      }
      if ((y > 0) != (rounded > 0)) {
        return Double.POSITIVE_INFINITY;
      }
      return Math.abs((long) Float.floatToRawIntBits(y) - Float.floatToRawIntBits(rounded));
    }
    return Math.abs(y - ref) / Math.ulp(rounded);
  }

  /** One input per block of 512 bit patterns, at a pseudo-random offset inside the block. */
  private static void sweepAllPatterns(Stats s, FloatFn fn, DoubleRef ref) {
    for (long block = 0; block < (1L << 32) / BLOCK; block++) {
      int offset = (int) ((block * 0x9E3779B97F4A7C15L) >>> 55); // 0..511
      float x = Float.intBitsToFloat((int) (block * BLOCK + offset));
      s.add(x, fn.apply(x), ref.apply(x));
    }
  }

  private static void sweepUniform(Stats s, FloatFn fn, DoubleRef ref, long seed, int n, float lo, float hi) {
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      float x = lo + (float) rnd.nextDouble() * (hi - lo);
      s.add(x, fn.apply(x), ref.apply(x));
    }
  }

  /** Log-uniform magnitudes in [2^minExp, 2^maxExp), both signs unless positiveOnly. */
  private static void sweepLogUniform(
      Stats s, FloatFn fn, DoubleRef ref, long seed, int n, int minExp, int maxExp, boolean positiveOnly) {
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      float x = (float) Math.scalb(1.0 + rnd.nextDouble(), rnd.nextInt(minExp, maxExp));
      if (!positiveOnly && rnd.nextBoolean()) {
        x = -x;
      }
      s.add(x, fn.apply(x), ref.apply(x));
    }
  }

  /** Every float in [from, to] (by bit pattern, same sign). */
  private static void sweepRange(Stats s, FloatFn fn, DoubleRef ref, float from, float to) {
    int a = Float.floatToRawIntBits(from);
    int b = Float.floatToRawIntBits(to);
    for (int bits = Math.min(a, b); bits <= Math.max(a, b); bits++) {
      float x = Float.intBitsToFloat(bits);
      s.add(x, fn.apply(x), ref.apply(x));
    }
  }

  static double softplusRef(float t) {
    return t > 0 ? t + Math.log1p(Math.exp(-(double) t)) : Math.log1p(Math.exp(t));
  }

  private static void assertBits(float expected, float actual, String what) {
    if (Float.isNaN(expected)) {
      assertTrue(Float.isNaN(actual), what + " = " + actual + ", expected NaN");
    } else {
      assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
          what + " = " + actual + " (" + Float.toHexString(actual) + "), expected " + expected);
    }
  }

  private static final float[] NANS = {
    Float.NaN, Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffffffff)
  };

  // ---- exp ------------------------------------------------------------------------------------------------

  @Test
  void expAccuracy() {
    Stats s = new Stats("exp");
    FloatFn fn = ScalarMath::exp;
    DoubleRef ref = x -> Math.exp(x);
    sweepAllPatterns(s, fn, ref);
    sweepUniform(s, fn, ref, 1, 2_000_000, -104f, 89f);
    sweepUniform(s, fn, ref, 2, 200_000, -1f, 1f);
    sweepRange(s, fn, ref, 88f, 89f); // overflow threshold, every float
    sweepRange(s, fn, ref, -104f, -87f); // gradual underflow, every float
    s.check();
  }

  @Test
  void expSpecialCases() {
    assertBits(1f, ScalarMath.exp(0f), "exp(0)");
    assertBits(1f, ScalarMath.exp(-0f), "exp(-0)");
    assertBits(0f, ScalarMath.exp(Float.NEGATIVE_INFINITY), "exp(-inf)");
    assertBits(Float.POSITIVE_INFINITY, ScalarMath.exp(Float.POSITIVE_INFINITY), "exp(+inf)");
    for (float nan : NANS) {
      assertBits(Float.NaN, ScalarMath.exp(nan), "exp(NaN)");
    }
    assertBits(Float.POSITIVE_INFINITY, ScalarMath.exp(Float.MAX_VALUE), "exp(MAX)");
    assertBits(0f, ScalarMath.exp(-Float.MAX_VALUE), "exp(-MAX)");
    // tiny arguments: exp(x) rounds to 1 (or 1 - 2^-24 just below 0)
    assertBits(1f, ScalarMath.exp(Float.MIN_VALUE), "exp(MIN_VALUE)");
    assertBits(1f, ScalarMath.exp(-Float.MIN_VALUE), "exp(-MIN_VALUE)");
    assertBits(1f, ScalarMath.exp(0x1p-30f), "exp(2^-30)");
    // overflow threshold: the largest x with a finite exp(x) in float is 0x1.62e42ep6 (88.72283)
    assertTrue(Float.isFinite(ScalarMath.exp(0x1.62e42ep6f)), "exp(88.72283) finite");
    for (float x = 0x1.62e430p6f; x < 0x1.62e530p6f; x = Math.nextUp(x)) {
      assertBits(Float.POSITIVE_INFINITY, ScalarMath.exp(x), "exp(" + x + ")");
    }
    for (float x : new float[] {89f, 100f, 1e10f, 1e30f}) {
      assertBits(Float.POSITIVE_INFINITY, ScalarMath.exp(x), "exp(" + x + ")");
    }
    // underflow: exp(x) is subnormal below -87.336 and rounds to 0 below ln(2^-150) = -103.972077...
    float sub = ScalarMath.exp(-100f);
    assertTrue(sub > 0f && sub < Float.MIN_NORMAL, "exp(-100) subnormal");
    assertBits(Float.MIN_VALUE, ScalarMath.exp(-103.27893f), "exp(ln MIN_VALUE)");
    for (float x = -103.98f; x > -1e30f; x *= 1.01f) {
      assertBits(0f, ScalarMath.exp(x), "exp(" + x + ")");
    }
    // every float around the threshold ln(2^-150) = -103.972077: exactly 0 below it, MIN_VALUE above it
    for (float x = -104f; x <= -103.8f; x = Math.nextUp(x)) {
      assertBits((float) Math.exp(x), ScalarMath.exp(x), "exp(" + x + ")");
    }
  }

  // ---- log ------------------------------------------------------------------------------------------------

  @Test
  void logAccuracy() {
    Stats s = new Stats("log");
    FloatFn fn = ScalarMath::log;
    DoubleRef ref = x -> Math.log(x);
    sweepAllPatterns(s, fn, ref);
    sweepUniform(s, fn, ref, 3, 1_000_000, 0.5f, 2f);
    sweepLogUniform(s, fn, ref, 4, 1_000_000, -149, 128, true);
    sweepRange(s, fn, ref, 0.99f, 1.01f); // around 1, every float
    sweepRange(s, fn, ref, Float.MIN_VALUE, 0x1p-140f); // smallest subnormals, every float
    s.check();
  }

  @Test
  void logSpecialCases() {
    assertBits(0f, ScalarMath.log(1f), "log(1)");
    assertBits(Float.NEGATIVE_INFINITY, ScalarMath.log(0f), "log(0)");
    assertBits(Float.NEGATIVE_INFINITY, ScalarMath.log(-0f), "log(-0)");
    assertBits(Float.POSITIVE_INFINITY, ScalarMath.log(Float.POSITIVE_INFINITY), "log(+inf)");
    for (float nan : NANS) {
      assertBits(Float.NaN, ScalarMath.log(nan), "log(NaN)");
    }
    for (float neg : new float[] {-Float.MIN_VALUE, -Float.MIN_NORMAL, -1e-30f, -0.5f, -1f, -2f, -Float.MAX_VALUE,
        Float.NEGATIVE_INFINITY}) {
      assertBits(Float.NaN, ScalarMath.log(neg), "log(" + neg + ")");
    }
    assertBits((float) Math.log(Float.MIN_VALUE), ScalarMath.log(Float.MIN_VALUE), "log(MIN_VALUE)");
    assertBits((float) Math.log(Float.MAX_VALUE), ScalarMath.log(Float.MAX_VALUE), "log(MAX_VALUE)");
    assertBits((float) Math.log(2), ScalarMath.log(2f), "log(2)");
    assertBits((float) Math.log(Float.MIN_NORMAL), ScalarMath.log(Float.MIN_NORMAL), "log(MIN_NORMAL)");
    for (int e = -149; e <= 127; e++) { // powers of two: k ln2 (within an ulp)
      float x = (float) Math.scalb(1.0, e);
      assertTrue(ulpError(ScalarMath.log(x), Math.log(x)) <= MAX_ULP, "log(2^" + e + ")");
    }
  }

  // ---- log1p ----------------------------------------------------------------------------------------------

  @Test
  void log1pAccuracy() {
    Stats s = new Stats("log1p");
    FloatFn fn = ScalarMath::log1p;
    DoubleRef ref = x -> Math.log1p(x);
    sweepAllPatterns(s, fn, ref);
    sweepUniform(s, fn, ref, 5, 1_000_000, -1f, 1f);
    sweepLogUniform(s, fn, ref, 6, 1_000_000, -30, 0, false); // small |x|: must not be log(1 + x)
    sweepLogUniform(s, fn, ref, 7, 500_000, 0, 128, true);
    sweepRange(s, fn, ref, -1f, -0.99f); // next to the pole, every float
    sweepRange(s, fn, ref, 1e-4f, 1.02e-4f);
    sweepRange(s, fn, ref, -1e-4f, -1.02e-4f);
    s.check();
  }

  @Test
  void log1pSpecialCases() {
    assertBits(0f, ScalarMath.log1p(0f), "log1p(0)");
    assertBits(-0f, ScalarMath.log1p(-0f), "log1p(-0)");
    assertBits(Float.NEGATIVE_INFINITY, ScalarMath.log1p(-1f), "log1p(-1)");
    assertBits(Float.POSITIVE_INFINITY, ScalarMath.log1p(Float.POSITIVE_INFINITY), "log1p(+inf)");
    for (float nan : NANS) {
      assertBits(Float.NaN, ScalarMath.log1p(nan), "log1p(NaN)");
    }
    for (float x : new float[] {Math.nextDown(-1f), -1.5f, -2f, -1e30f, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY}) {
      assertBits(Float.NaN, ScalarMath.log1p(x), "log1p(" + x + ")");
    }
    // tiny x: log1p(x) = x exactly (|x| < 2^-24 rounds to x), subnormals included
    for (float x : new float[] {Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-30f,
        -1e-30f, 0x1p-25f, -0x1p-25f, 1e-8f, -1e-8f}) {
      assertBits(x, ScalarMath.log1p(x), "log1p(" + x + ")");
    }
    for (int bits = 1; bits < 0x33000000; bits += 0x1001) { // all positive floats below 2^-25 (strided)
      float x = Float.intBitsToFloat(bits);
      assertBits(x, ScalarMath.log1p(x), "log1p(" + x + ")");
      assertBits(-x, ScalarMath.log1p(-x), "log1p(" + -x + ")");
    }
    assertBits((float) Math.log1p(Float.MAX_VALUE), ScalarMath.log1p(Float.MAX_VALUE), "log1p(MAX)");
    assertBits((float) Math.log(2), ScalarMath.log1p(1f), "log1p(1)");
    float nearPole = ScalarMath.log1p(Math.nextUp(-1f)); // log(2^-24)
    assertBits((float) Math.log1p(Math.nextUp(-1f)), nearPole, "log1p(-1 + 2^-24)");
  }

  // ---- softplus -------------------------------------------------------------------------------------------

  @Test
  void softplusAccuracy() {
    Stats s = new Stats("softplus");
    FloatFn fn = ScalarMath::softplus;
    DoubleRef ref = ScalarMathTest::softplusRef;
    sweepAllPatterns(s, fn, ref);
    sweepUniform(s, fn, ref, 8, 1_000_000, -20f, 20f);
    sweepUniform(s, fn, ref, 9, 500_000, -110f, 110f);
    s.check();
  }

  @Test
  void softplusSpecialCases() {
    assertBits(100f, ScalarMath.softplus(100f), "softplus(100)");
    assertBits(1e30f, ScalarMath.softplus(1e30f), "softplus(1e30)");
    assertBits(Float.MAX_VALUE, ScalarMath.softplus(Float.MAX_VALUE), "softplus(MAX)");
    float tiny = ScalarMath.softplus(-100f);
    assertTrue(tiny > 0f && ulpError(tiny, Math.exp(-100.0)) <= MAX_ULP, "softplus(-100) = " + tiny);
    assertBits(0f, ScalarMath.softplus(-200f), "softplus(-200)");
    assertBits(0f, ScalarMath.softplus(-Float.MAX_VALUE), "softplus(-MAX)");
    assertBits((float) Math.log(2), ScalarMath.softplus(0f), "softplus(0)");
    assertBits((float) Math.log(2), ScalarMath.softplus(-0f), "softplus(-0)");
    assertBits(Float.POSITIVE_INFINITY, ScalarMath.softplus(Float.POSITIVE_INFINITY), "softplus(+inf)");
    assertBits(0f, ScalarMath.softplus(Float.NEGATIVE_INFINITY), "softplus(-inf)");
    for (float nan : NANS) {
      assertBits(Float.NaN, ScalarMath.softplus(nan), "softplus(NaN)");
    }
    for (float t = -150f; t <= 150f; t += 0.37f) {
      float y = ScalarMath.softplus(t);
      assertTrue(Float.isFinite(y) && y >= 0f, "softplus(" + t + ") = " + y);
    }
  }
}
