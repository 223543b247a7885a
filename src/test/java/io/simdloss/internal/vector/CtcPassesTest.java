package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaVectorConstants.DOUBLE_LANES;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.simdloss.internal.ScalarDoubleMath;
import io.simdloss.internal.ScalarLossKernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The vector passes of {@link CtcPasses} (the CTC kernels of {@link PanamaLossKernels}) are the lanewise twins of
 * {@link ScalarDoubleMath} and the CTC kernels of {@link ScalarLossKernels}: every element must be bit-identical
 * (all NaNs count as equal). About 900,000 inputs per pass: ordinary values, random bit patterns, ordinary values with
 * special ones sprinkled in, and every special value at every lane position; lengths that are not a multiple
 * of the lane count, so the scalar tails run too; several rounds, so interpreted, C1 and C2 code are compared.
 */
@Tag("needs-vector-module")
class CtcPassesTest {

  private static final int ROUNDS = 3;
  private static final double NINF = Double.NEGATIVE_INFINITY;

  private static final double[] SPECIALS = {
    0d, -0d, 1d, -1d, 0.5d, 2d, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL,
    Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, NINF, Double.NaN,
    Double.longBitsToDouble(0xfff8000000000000L), Double.longBitsToDouble(0x7ff0000000000001L),
    709.782712893384, Math.nextUp(709.782712893384), 710d, 711d, -708.3964185322641, -745.1332191019411,
    -745.1332191019412, -746d, -747d, -1e300, 1e300, 0x1p-54, 0x1p-52, Math.sqrt(2) - 1, Math.sqrt(0.5) - 1,
    Math.sqrt(8) - 1, 1e-300, -1e-300, 3d, 664d, 665d
  };

  private static final PanamaLossKernels VECTOR = new PanamaLossKernels();
  private static final ScalarLossKernels SCALAR = ScalarLossKernels.INSTANCE;

  /** Ordinary inputs from {@code ordinary}, then random bit patterns, sprinkled specials, placed specials. */
  private static double[] inputs(long seed, java.util.function.ToDoubleFunction<SplittableRandom> ordinary) {
    SplittableRandom r = new SplittableRandom(seed);
    int section = 300_000;
    int placed = SPECIALS.length * DOUBLE_LANES * DOUBLE_LANES;
    double[] all = new double[3 * section + placed + SPECIALS.length + 5]; // + 5: not a whole number of vectors
    for (int i = 0; i < all.length; i++) {
      all[i] = ordinary.applyAsDouble(r);
    }
    for (int i = section; i < 2 * section; i++) {
      all[i] = Double.longBitsToDouble(r.nextLong());
    }
    for (int i = 2 * section; i < 3 * section; i++) {
      if (r.nextInt(8) == 0) {
        all[i] = SPECIALS[r.nextInt(SPECIALS.length)];
      }
    }
    for (int s = 0; s < SPECIALS.length; s++) {
      for (int lane = 0; lane < DOUBLE_LANES; lane++) {
        all[3 * section + (s * DOUBLE_LANES + lane) * DOUBLE_LANES + lane] = SPECIALS[s];
      }
    }
    System.arraycopy(SPECIALS, 0, all, 3 * section + placed, SPECIALS.length);
    return all;
  }

  private static void assertSameBits(String what, int round, double[] expected, double[] actual) {
    for (int i = 0; i < expected.length; i++) {
      boolean same = Double.isNaN(expected[i])
          ? Double.isNaN(actual[i])
          : Double.doubleToRawLongBits(expected[i]) == Double.doubleToRawLongBits(actual[i]);
      if (!same) {
        assertEquals(expected[i], actual[i], what + " round " + round + " (" + DOUBLE_LANES + " lanes): element " + i
            + " differs: scalar " + Double.toHexString(expected[i]) + ", vector " + Double.toHexString(actual[i]));
      }
    }
  }

  /**
   * The exp inside the passes, swept through {@code occupancy} with beta, emit and logLikelihood 0, so that its
   * exponent is {@code min(x, 0)}: the passes take exponentials of arguments at most 0 only (differences from a
   * maximum, log posteriors clamped at 0), so [-750, 0] and the specials are the whole range they see. Compared
   * with {@link ScalarDoubleMath#exp} directly.
   */
  @Test
  void theExpOfThePassesMatchesScalarDoubleMath() {
    double[] x = inputs(21, r -> r.nextDouble(-750, 0));
    double[] zeros = new double[x.length];
    double[] expected = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      expected[i] = x[i] == NINF ? 0d : ScalarDoubleMath.exp(Math.min(x[i], 0d));
    }
    double[] actual = new double[x.length];
    for (int round = 0; round < ROUNDS; round++) {
      Arrays.fill(actual, 42d);
      for (int from = 0; from < x.length; from += 1000) { // calls of 1000 (and one shorter): tails included
        int n = Math.min(1000 - round, x.length - from);
        CtcPasses.occupancy(x, from, zeros, from, zeros, from, 0d, actual, from, n);
        for (int j = from + n; j < Math.min(from + 1000, x.length); j++) {
          actual[j] = expected[j];
        }
      }
      assertSameBits("exp", round, expected, actual);
    }
  }

  @Test
  void logAddExpFinishMatchesScalar() {
    double[] m = inputs(22, r -> -r.nextDouble(1000));
    double[] e1 = inputs(23, r -> r.nextDouble());
    double[] e2 = inputs(24, r -> r.nextInt(4) == 0 ? 0d : r.nextDouble());
    double[] emit = inputs(25, r -> -r.nextDouble(30));
    int n = m.length;
    double[] e = new double[2 * n];
    System.arraycopy(e1, 0, e, 0, n);
    System.arraycopy(e2, 0, e, n, n);
    double[] expected = new double[n];
    for (int i = 0; i < n; i++) {
      expected[i] = ScalarDoubleMath.logAddExpFinish(m[i], e1[i], e2[i]) + emit[i];
    }
    double[] actual = new double[n];
    for (int round = 0; round < ROUNDS; round++) {
      Arrays.fill(actual, 42d);
      CtcPasses.logAddExpFinish(m, 0, e, 0, n, emit, 0, actual, 0, n - round);
      for (int j = n - round; j < n; j++) {
        actual[j] = ScalarDoubleMath.logAddExpFinish(m[j], e1[j], e2[j]) + emit[j];
      }
      assertSameBits("logAddExpFinish", round, expected, actual);
    }
  }

  /** Log-probability-like values with ties, -inf and the specials mixed in. */
  private static double[] cells(long seed) {
    return inputs(seed, r -> {
      switch (r.nextInt(6)) {
        case 0:
          return NINF;
        case 1:
          return -1.5; // ties between neighbours
        default:
          return -r.nextDouble(200);
      }
    });
  }

  @Test
  void logAddExpSelectExpMatchesScalar() {
    double[] x = cells(26);
    SplittableRandom r = new SplittableRandom(27);
    double[] flags = new double[x.length];
    for (int i = 0; i < flags.length; i++) {
      flags[i] = r.nextBoolean() ? 1d : 0d;
    }
    int n = x.length - 2;
    for (int round = 0; round < ROUNDS; round++) {
      double[][] results = new double[2][];
      for (int k = 0; k < 2; k++) {
        double[] max = new double[n];
        double[] e = new double[2 * n + 3];
        Arrays.fill(e, 42d);
        (k == 0 ? SCALAR : VECTOR).logAddExpSelectExp(x, 2, 1, 0, flags, round, max, 0, e, 1, n + 2, n - round);
        results[k] = new double[3 * n + 3];
        System.arraycopy(max, 0, results[k], 0, n);
        System.arraycopy(e, 0, results[k], n, e.length);
      }
      assertSameBits("logAddExpSelectExp", round, results[0], results[1]);
    }
  }

  @Test
  void occupancyMatchesScalar() {
    double[] alpha = cells(28);
    double[] beta = cells(29);
    double[] emit = inputs(30, r -> -r.nextDouble(30));
    int n = alpha.length;
    for (int round = 0; round < ROUNDS; round++) {
      double[] expected = new double[n];
      double[] actual = new double[n];
      SCALAR.occupancy(alpha, 0, beta, 0, emit, 0, -123.25 * round, expected, 0, n - round);
      VECTOR.occupancy(alpha, 0, beta, 0, emit, 0, -123.25 * round, actual, 0, n - round);
      assertSameBits("occupancy", round, expected, actual);
    }
  }
}
