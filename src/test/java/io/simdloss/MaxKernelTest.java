package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simdloss.internal.KernelProvider;
import io.simdloss.internal.LossKernels;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LossKernels#max} of both backends against a sequential {@code Math.max} fold written here, bit for bit:
 * rows drawn from values that stress an implementation on the float bits (+-0 in either order, infinities,
 * subnormals, the extremes, negative rows only) at lengths around the unrolling and the vector width, at nonzero
 * offsets. A row holding a NaN, of any sign and payload, anywhere, must give a NaN (which NaN is not part of
 * the contract: {@code Math.max}'s own differs between the interpreter and C2).
 */
class MaxKernelTest {

  static final float[] SPECIAL = {
    0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE,
    Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 0x1.fffffep-1f, -0x1.000002p0f
  };

  static IntStream lengths() {
    return IntStream.concat(IntStream.rangeClosed(0, 40), IntStream.of(63, 64, 65, 1021));
  }

  static LossKernels[] kernels() {
    return new LossKernels[] {KernelProvider.scalar(), KernelProvider.get()};
  }

  /** Math.max's own fold, from -inf in index order (max is exact and, without NaN, order-independent). */
  static float reference(float[] a, int ao, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      m = Math.max(m, a[ao + i]);
    }
    return m;
  }

  static float draw(Random r, int kind) {
    switch (kind) {
      case 0:
        return SPECIAL[r.nextInt(SPECIAL.length)];
      case 1:
        return (float) r.nextGaussian() * 100f;
      case 2: // only zeros and negatives: -0 against +0 decides the answer
        return r.nextBoolean() ? (r.nextBoolean() ? -0f : 0f) : -Math.abs((float) r.nextGaussian());
      default: // subnormals of both signs
        return Float.intBitsToFloat(r.nextInt(0x007fffff) + 1) * (r.nextBoolean() ? 1f : -1f);
    }
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("lengths")
  void maxMatchesMathMaxBitForBit(int n) {
    Random r = new Random(7919L * n + 1);
    for (LossKernels k : kernels()) {
      for (int trial = 0; trial < 200; trial++) {
        int kind = trial % 4;
        int ao = 1 + r.nextInt(5);
        float[] a = new float[ao + n + 3];
        for (int i = 0; i < a.length; i++) {
          a[i] = i >= ao && i < ao + n ? draw(r, kind) : Float.POSITIVE_INFINITY; // outside: must not be read
        }
        float expected = reference(a, ao, n);
        float actual = k.max(a, ao, n);
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
            () -> k.describe() + " n=" + n + " kind=" + kind + ": expected " + expected + ", got " + actual);
      }
    }
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("lengths")
  void aNaNAnywhereGivesNaN(int n) {
    if (n == 0) {
      return;
    }
    Random r = new Random(31L * n);
    int payloadNaN = 0x7fc01234;
    int negativeNaN = 0xffc00321;
    for (LossKernels k : kernels()) {
      for (int at = 0; at < n; at++) {
        for (int nanBits : new int[] {payloadNaN, negativeNaN}) {
          float[] a = new float[n + 2];
          for (int i = 0; i < a.length; i++) {
            a[i] = draw(r, i % 4);
          }
          a[1 + at] = Float.intBitsToFloat(nanBits);
          float actual = k.max(a, 1, n);
          assertTrue(Float.isNaN(actual), k.describe() + " n=" + n + " NaN at " + at + ": got " + actual);
        }
      }
    }
  }
}
