package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaVectorConstants.FLOATS;
import static io.simdloss.internal.vector.PanamaVectorConstants.LANES;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.simdloss.internal.ScalarMath;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorMath} is the lanewise twin of {@link ScalarMath}: every lane must be bit-identical to the
 * scalar result (all NaNs count as equal). Each function gets over a million inputs: ordinary values (the
 * vector fast path), random bit patterns, ordinary values with special ones sprinkled in (the cold paths
 * must compute ordinary lanes identically), and every special value at every lane position. The inputs are
 * processed several times so that interpreted, C1 and C2 code all get compared.
 */
@Tag("needs-vector-module")
class VectorMathTest {

  private static final int ROUNDS = 3;
  private static final int SECTION = 340_000;

  interface FloatFn {
    float apply(float x);
  }

  /** Values where a special case, a path switch or a threshold sits, for all four functions. */
  private static final float[] SPECIALS = {
    0f, -0f, 1f, -1f, 2f, -2f, 0.5f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
    0x1p-130f, -0x1p-130f, Math.nextDown(Float.MIN_NORMAL), 0x1p-25f, -0x1p-25f, 1e-4f, -1e-4f, 1e-8f,
    Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
    Float.NaN, Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffffffff),
    86.99f, 87f, Math.nextUp(87f), -87f, Math.nextDown(-87f), -87.33655f, -87.5f, -100f, -103.27893f, -103.97f,
    -103.98f, -104f, -105f, 88.5f, 0x1.62e42ep6f, 0x1.62e430p6f, 89f, 100f, 1e30f, -1e30f,
    Math.nextDown(-1f), Math.nextUp(-1f), -0.99999f, 0.70710677f, 1.4142135f, Math.nextUp(1f), Math.nextDown(1f),
    16.6f, 17f, 20f, -20f, 1e7f, 3e38f
  };

  private static float[] ordinary(String fn, long seed, int n) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      switch (fn) {
        case "exp":
          a[i] = (float) rnd.nextDouble(-87.0, 87.0);
          break;
        case "log": // positive normal floats, all binades, and dense around 1
          a[i] = rnd.nextBoolean()
              ? Float.intBitsToFloat(rnd.nextInt(0x00800000, 0x7f800000))
              : (float) rnd.nextDouble(0.5, 2.0);
          break;
        case "log1p":
          if (rnd.nextBoolean()) {
            a[i] = (float) rnd.nextDouble(-0.999, 3.0);
          } else { // |x| from 2^-40 to 2^100; negative ones only above -1/2
            int e = rnd.nextInt(-40, 100);
            double m = Math.scalb(1.0 + rnd.nextDouble(), e);
            a[i] = (float) (e < -1 && rnd.nextBoolean() ? -m : m);
          }
          break;
        default: // softplus
          a[i] = (float) rnd.nextDouble(-80.0, 80.0);
          break;
      }
    }
    return a;
  }

  /** The four sections of inputs described in the class comment, padded to a whole number of vectors. */
  private static float[] inputs(String fn) {
    SplittableRandom rnd = new SplittableRandom(fn.hashCode());
    float[] ord = ordinary(fn, 11, SECTION);
    float[] bits = new float[SECTION];
    for (int i = 0; i < SECTION; i++) {
      bits[i] = Float.intBitsToFloat(rnd.nextInt());
    }
    float[] sprinkled = ordinary(fn, 12, SECTION);
    for (int i = 0; i < SECTION; i++) {
      if (rnd.nextInt(16) == 0) {
        sprinkled[i] = SPECIALS[rnd.nextInt(SPECIALS.length)];
      }
    }
    // each special at each lane position of a vector of ordinary values
    float[] placed = ordinary(fn, 13, SPECIALS.length * LANES * LANES);
    for (int s = 0; s < SPECIALS.length; s++) {
      for (int lane = 0; lane < LANES; lane++) {
        placed[(s * LANES + lane) * LANES + lane] = SPECIALS[s];
      }
    }
    int n = ord.length + bits.length + sprinkled.length + placed.length + SPECIALS.length;
    float[] all = ordinary(fn, 14, (n + LANES - 1) / LANES * LANES);
    int p = 0;
    for (float[] part : new float[][] {ord, bits, sprinkled, placed, SPECIALS}) {
      System.arraycopy(part, 0, all, p, part.length);
      p += part.length;
    }
    return all;
  }

  private static void assertTwins(String name, FloatFn scalar, UnaryOperator<FloatVector> vector) {
    float[] in = inputs(name);
    float[] expected = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      expected[i] = scalar.apply(in[i]);
    }
    float[] actual = new float[in.length];
    for (int round = 0; round < ROUNDS; round++) {
      Arrays.fill(actual, 42f);
      for (int i = 0; i < in.length; i += LANES) {
        vector.apply(FloatVector.fromArray(FLOATS, in, i)).intoArray(actual, i);
      }
      int mismatches = 0;
      int first = -1;
      for (int i = 0; i < in.length; i++) {
        boolean same = Float.isNaN(expected[i])
            ? Float.isNaN(actual[i])
            : Float.floatToRawIntBits(expected[i]) == Float.floatToRawIntBits(actual[i]);
        if (!same) {
          mismatches++;
          if (first < 0) {
            first = i;
          }
        }
      }
      if (mismatches > 0) {
        float x = in[first];
        assertEquals(0, mismatches, String.format(
            "%s round %d (%d lanes): %d lanes differ; first x = %s (%a): scalar %s (%a), vector %s (%a)",
            name, round, LANES, mismatches, x, x, expected[first], expected[first], actual[first], actual[first]));
      }
    }
    System.out.printf("VectorMath.%s: %d inputs x %d rounds bit-identical to ScalarMath (%d lanes)%n",
        name, in.length, ROUNDS, LANES);
  }

  @Test
  void expMatchesScalar() {
    assertTwins("exp", ScalarMath::exp, VectorMath::exp);
  }

  @Test
  void logMatchesScalar() {
    assertTwins("log", ScalarMath::log, VectorMath::log);
  }

  @Test
  void log1pMatchesScalar() {
    assertTwins("log1p", ScalarMath::log1p, VectorMath::log1p);
  }

  @Test
  void softplusMatchesScalar() {
    assertTwins("softplus", ScalarMath::softplus, VectorMath::softplus);
  }
}
