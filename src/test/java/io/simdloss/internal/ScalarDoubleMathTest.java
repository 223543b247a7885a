package io.simdloss.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Accuracy of {@link ScalarDoubleMath} against fdlibm ({@code StrictMath}, within 1 ulp of the exact value,
 * specified to the bit): the error of a result y is {@code |y - ref| / ulp(ref)} ({@code Math.ulp} of a
 * subnormal reference is the subnormal spacing). Each function gets 12 million inputs, from several
 * distributions where it varies, and its special cases exactly. The three-term log-sum-exp is checked against
 * a formula written here with StrictMath.
 */
class ScalarDoubleMathTest {

  /** The documented bound: at most 1 ulp from fdlibm for exp and log1p. */
  private static final double MAX_ULP = 1.0;

  private static double ulps(double got, double ref) {
    if (got == ref) {
      return 0;
    }
    if (Double.isNaN(ref) || Double.isNaN(got) || Double.isInfinite(ref) || Double.isInfinite(got)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.abs(got - ref) / Math.ulp(ref);
  }

  private static void sweep(String name, DoubleUnaryOperator f, DoubleUnaryOperator ref, int n,
      DoubleSupplier inputs) {
    double worst = 0;
    double worstX = Double.NaN;
    for (int i = 0; i < n; i++) {
      double x = inputs.getAsDouble();
      double e = ulps(f.applyAsDouble(x), ref.applyAsDouble(x));
      if (!(e <= worst)) {
        worst = e;
        worstX = x;
      }
    }
    assertTrue(worst <= MAX_ULP, name + ": " + worst + " ulp from fdlibm at x = " + worstX + " ("
        + Double.toHexString(worstX) + "), over " + n + " inputs");
    System.out.printf("ScalarDoubleMath %s: max %.3f ulp from fdlibm over %d inputs%n", name, worst, n);
  }

  @Test
  void expIsWithinOneUlpOfFdlibm() {
    SplittableRandom r = new SplittableRandom(1101);
    DoubleUnaryOperator exp = ScalarDoubleMath::exp;
    DoubleUnaryOperator ref = StrictMath::exp;
    sweep("exp, uniform on [-746, 664]", exp, ref, 4_000_000, () -> r.nextDouble(-746, 664));
    sweep("exp, uniform on [-1, 1]", exp, ref, 3_000_000, () -> r.nextDouble(-1, 1));
    sweep("exp, |x| log-uniform on [2^-60, 1]", exp, ref, 2_000_000,
        () -> (r.nextBoolean() ? 1 : -1) * Math.scalb(1 + r.nextDouble(), -r.nextInt(1, 61)));
    sweep("exp, the top of its domain [600, 664]", exp, ref, 1_000_000, () -> r.nextDouble(600, 664));
    sweep("exp, subnormal and near-underflow results [-746, -700]", exp, ref, 1_000_000,
        () -> r.nextDouble(-746, -700));
    sweep("exp, the CTC's arguments, differences of log-probabilities [-60, 0]", exp, ref, 1_000_000,
        () -> -r.nextDouble(60));
  }

  @Test
  void expSpecialCases() {
    assertEquals(1d, ScalarDoubleMath.exp(0d));
    assertEquals(1d, ScalarDoubleMath.exp(-0d));
    assertEquals(0x0L, Double.doubleToRawLongBits(ScalarDoubleMath.exp(Double.NEGATIVE_INFINITY)), "exp(-inf) = +0");
    assertTrue(Double.isNaN(ScalarDoubleMath.exp(Double.NaN)));
    assertTrue(Double.isNaN(ScalarDoubleMath.exp(Double.longBitsToDouble(0xfff8000000000001L))));
    // the top of the specified domain (larger arguments, +inf included, are unspecified)
    assertEquals(664d, ScalarDoubleMath.EXP_MAX_ARGUMENT);
    assertEquals(StrictMath.exp(664d), ScalarDoubleMath.exp(664d), Math.ulp(StrictMath.exp(664d)));
    // the underflow threshold: the smallest subnormal, then +0
    assertEquals(Double.MIN_VALUE, ScalarDoubleMath.exp(-745.1332191019411));
    assertEquals(0d, ScalarDoubleMath.exp(-745.1332191019412));
    assertEquals(0d, ScalarDoubleMath.exp(-746d));
    assertEquals(0d, ScalarDoubleMath.exp(-1e300));
    assertEquals(0d, ScalarDoubleMath.exp(-Double.MAX_VALUE));
    // the smallest normal result and subnormal results rounded once
    assertEquals(StrictMath.exp(-708.3964185322641), ScalarDoubleMath.exp(-708.3964185322641));
    assertEquals(StrictMath.exp(-740d), ScalarDoubleMath.exp(-740d));
    assertEquals(1d, ScalarDoubleMath.exp(Double.MIN_VALUE));
    assertEquals(1d, ScalarDoubleMath.exp(-Double.MIN_VALUE));
    assertEquals(Math.E, ScalarDoubleMath.exp(1d), Math.ulp(Math.E));
  }

  @Test
  void log1pIsWithinOneUlpOfFdlibm() {
    SplittableRandom r = new SplittableRandom(1102);
    DoubleUnaryOperator log1p = ScalarDoubleMath::log1p;
    DoubleUnaryOperator ref = StrictMath::log1p;
    sweep("log1p, uniform on [0, 3] (the CTC's arguments lie in [0, 2])", log1p, ref, 4_000_000,
        () -> r.nextDouble(3));
    sweep("log1p, log-uniform on [2^-80, 2^60]", log1p, ref, 4_000_000,
        () -> Math.scalb(1 + r.nextDouble(), r.nextInt(-80, 60)));
    // w = 1 + u near the reduction's boundaries sqrt(1/2) 2^k, k = 1, 2, 3 (m switches between ~0.707 and ~1.414)
    sweep("log1p, near the reduction's boundaries", log1p, ref, 2_000_000, () -> {
      double boundary = Math.sqrt(0.5) * (1 << r.nextInt(1, 4)) - 1;
      return boundary + r.nextDouble(-1e-9, 1e-9);
    });
    sweep("log1p, tiny and subnormal", log1p, ref, 2_000_000,
        () -> r.nextBoolean() ? Double.longBitsToDouble(r.nextLong(1L, 0x0010000000000000L))
            : Math.scalb(1 + r.nextDouble(), r.nextInt(-1074, -52)));
  }

  @Test
  void log1pSpecialCases() {
    assertEquals(0x0L, Double.doubleToRawLongBits(ScalarDoubleMath.log1p(0d)), "log1p(+0) = +0");
    assertEquals(Math.log(2), ScalarDoubleMath.log1p(1d), Math.ulp(Math.log(2)));
    assertEquals(StrictMath.log1p(2d), ScalarDoubleMath.log1p(2d));
    assertEquals(Double.MIN_VALUE, ScalarDoubleMath.log1p(Double.MIN_VALUE));
    assertEquals(0x1p-54, ScalarDoubleMath.log1p(0x1p-54), "log1p(u) = u below 2^-53");
    assertEquals(StrictMath.log1p(0x1p-52), ScalarDoubleMath.log1p(0x1p-52));
    assertEquals(StrictMath.log1p(1e300), ScalarDoubleMath.log1p(1e300));
  }

  /** log(e^a + e^b + e^c) written independently: the terms sorted, the largest factored out, StrictMath. */
  private static double logSumExpReference(double a, double b, double c) {
    double[] t = {a, b, c};
    java.util.Arrays.sort(t); // t[2] is the largest
    if (t[2] == Double.NEGATIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    return t[2] + StrictMath.log1p(StrictMath.exp(t[0] - t[2]) + StrictMath.exp(t[1] - t[2]));
  }

  @Test
  void logAddExp3AgreesWithAnIndependentFormula() {
    SplittableRandom r = new SplittableRandom(1103);
    double worst = 0;
    for (int i = 0; i < 1_000_000; i++) {
      double scale = Math.scalb(1d, r.nextInt(-10, 12)); // log-probabilities from ~-0.001 to ~-4000
      double a = -scale * r.nextDouble();
      double b = r.nextInt(8) == 0 ? Double.NEGATIVE_INFINITY : a + r.nextDouble(-40, 40);
      double c = r.nextInt(3) == 0 ? Double.NEGATIVE_INFINITY : a + r.nextDouble(-40, 40);
      double got = ScalarDoubleMath.logAddExp3(a, b, c);
      double ref = logSumExpReference(a, b, c);
      // both round the log1p to an ulp of its value and the sum with the maximum to an ulp of the result
      double e = Math.abs(got - ref) / (Math.ulp(ref) + 0x1p-52);
      worst = Math.max(worst, e);
      assertTrue(e <= 2, "logAddExp3(" + a + ", " + b + ", " + c + ") = " + got + ", reference " + ref);
    }
    System.out.printf("ScalarDoubleMath logAddExp3: max %.3f (ulp + 2^-52) from the reference%n", worst);
  }

  @Test
  void logAddExp3SpecialCases() {
    double ninf = Double.NEGATIVE_INFINITY;
    assertEquals(ninf, ScalarDoubleMath.logAddExp3(ninf, ninf, ninf), "all -inf: -inf, not NaN");
    assertEquals(-3.5, ScalarDoubleMath.logAddExp3(-3.5, ninf, ninf), "one finite term is itself");
    assertEquals(-3.5, ScalarDoubleMath.logAddExp3(ninf, -3.5, ninf));
    assertEquals(-3.5, ScalarDoubleMath.logAddExp3(ninf, ninf, -3.5));
    assertEquals(Double.POSITIVE_INFINITY, ScalarDoubleMath.logAddExp3(1, Double.POSITIVE_INFINITY, ninf));
    assertTrue(Double.isNaN(ScalarDoubleMath.logAddExp3(1, Double.NaN, 2)));
    assertTrue(Double.isNaN(ScalarDoubleMath.logAddExp3(ninf, ninf, Double.NaN)));
    // ties: three equal terms are the term plus log 3, two equal ones plus log 2
    assertEquals(-2 + Math.log(3), ScalarDoubleMath.logAddExp3(-2, -2, -2), 1e-15);
    assertEquals(-2 + Math.log(2), ScalarDoubleMath.logAddExp3(-2, ninf, -2), 1e-15);
    assertEquals(-2 + Math.log(2), ScalarDoubleMath.logAddExp3(ninf, -2, -2), 1e-15);
    // far apart: the smaller terms vanish below half an ulp of the larger
    assertEquals(-1.0, ScalarDoubleMath.logAddExp3(-1, -800, -1000));
    assertEquals(-1000.0 + Math.log1p(Math.exp(-1)), ScalarDoubleMath.logAddExp3(-1001, ninf, -1000), 1e-12);
  }
}
