package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.simdloss.internal.KernelProvider;
import io.simdloss.internal.LossKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gradient kernels of the active backend against the scalar ones, bit for bit, on inputs salted with the
 * values where the formulas branch: NaN, +-Infinity, +-0, subnormals, +-3e38, the kinks (pred == label,
 * margin - pred*label == 0, |pred - label| == rho), probabilities 0 and 1, and logits beyond the exp fast path
 * (|x| > 87). Lengths 0..70 and 1021 at unequal offsets, with sentinels around every output. The values
 * themselves are checked against float64 formulas by {@code GradientTest}; this test pins that both backends
 * run the same operations per element (the vector comparison is skipped when the scalar backend is active).
 */
class GradientKernelParityTest {

  static final float SENTINEL = -777.25f;
  static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
      Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, 3e38f, -3e38f, 1f, -1f, 0.5f, 88f, -88f, 100f, -100f, 87.5f, 1e-12f,
      1 - 1e-7f};

  static IntStream lengths() {
    return IntStream.concat(IntStream.rangeClosed(0, 70), IntStream.of(1021));
  }

  /** One kernel call over n elements with inputs at offset 3 and outputs at offset 1. */
  interface Call {
    void run(LossKernels k, float[][] in, float[] dst, float[] grad, int n);
  }

  static List<Object[]> calls() {
    List<Object[]> c = new ArrayList<>();
    c.add(new Object[] {"squaredError", (Call) (k, x, d, g, n) ->
        k.squaredErrorWithGradient(x[0], 3, x[1], 3, x[2], 3, d, 1, g, 1, n)});
    c.add(new Object[] {"absoluteError", (Call) (k, x, d, g, n) ->
        k.absoluteErrorWithGradient(x[0], 3, x[1], 3, x[2], 3, d, 1, g, 1, n)});
    c.add(new Object[] {"huber", (Call) (k, x, d, g, n) ->
        k.huberWithGradient(0.5f, x[0], 3, x[1], 3, x[2], 3, d, 1, g, 1, n)});
    c.add(new Object[] {"hinge", (Call) (k, x, d, g, n) ->
        k.hingeWithGradient(1f, x[0], 3, x[1], 3, x[2], 3, d, 1, g, 1, n)});
    c.add(new Object[] {"squaredHinge", (Call) (k, x, d, g, n) ->
        k.squaredHingeWithGradient(0.5f, x[0], 3, x[1], 3, x[2], 3, d, 1, g, 1, n)});
    c.add(new Object[] {"logistic", (Call) (k, x, d, g, n) ->
        k.logisticWithGradient(x[0], 3, x[1], 3, x[2], 3, d, 1, g, 1, n)});
    c.add(new Object[] {"sigmoidBce", (Call) (k, x, d, g, n) ->
        k.sigmoidBceWithGradient(x[0], 3, x[1], 3, x[2], 3, d, 1, g, 1, n)});
    c.add(new Object[] {"sigmoidBceFromProbability", (Call) (k, x, d, g, n) ->
        k.sigmoidBceFromProbabilityWithGradient(x[0], 3, x[1], 3, x[2], 3, d, 1, g, 1, n)});
    c.add(new Object[] {"klDivergence", (Call) (k, x, d, g, n) ->
        k.klDivergenceWithGradient(x[1], 3, x[0], 3, x[2], 3, d, 1, g, 1, n)});
    c.add(new Object[] {"klDivergenceSoftmax", (Call) (k, x, d, g, n) ->
        k.klDivergenceSoftmaxWithGradient(x[1], 3, x[0], 3, 2.5f, 0.5f, 0.75f, x[2], 3, d, 1, g, 1, n)});
    c.add(new Object[] {"klDivergenceSoftmaxShifted", (Call) (k, x, d, g, n) ->
        k.klDivergenceSoftmaxShiftedWithGradient(x[1], 3, x[0], 3, x[3], x[6], 3, x[4], 3, x[2], 3, d, 1, g, 1, n)});
    c.add(new Object[] {"softmaxGradient", (Call) (k, x, d, g, n) ->
        k.softmaxGradient(x[0], 3, 1.5f, 0.125f, 0.25f, null, 0, 0f, g, 1, n)});
    c.add(new Object[] {"softmaxGradient/label", (Call) (k, x, d, g, n) ->
        k.softmaxGradient(x[0], 3, -2f, 3f, 0.25f, x[1], 3, 0.5f, g, 1, n)});
    c.add(new Object[] {"softmaxGradientShifted", (Call) (k, x, d, g, n) ->
        k.softmaxGradientShifted(x[0], 3, x[3], x[6], 3, x[4], 3, null, 0, null, 0, g, 1, n)});
    c.add(new Object[] {"softmaxGradientShifted/label", (Call) (k, x, d, g, n) ->
        k.softmaxGradientShifted(x[0], 3, x[3], x[6], 3, x[4], 3, x[1], 3, x[2], 3, g, 1, n)});
    c.add(new Object[] {"scale", (Call) (k, x, d, g, n) -> k.scale(x[0], 3, -0.3f, g, 1, n)});
    c.add(new Object[] {"scaleSubtract", (Call) (k, x, d, g, n) -> k.scaleSubtract(x[0], 3, -0.3f, x[1], 3, 1.7f, g, 1,
        n)});
    c.add(new Object[] {"expSum", (Call) (k, x, d, g, n) -> {
      if (n > 0) {
        d[1] = k.expSum(x[0], 3, n, 2.5f, g, 1); // the sum, and the exps in g
      }
    }});
    c.add(new Object[] {"expSum/no dst", (Call) (k, x, d, g, n) -> {
      if (n > 0) {
        d[1] = k.expSum(x[0], 3, n, -1f, null, 0);
      }
    }});
    c.add(new Object[] {"sumStrided", (Call) (k, x, d, g, n) -> k.sumStrided(x[0], 3, 3, n + 1, g, 1, n)});
    c.add(new Object[] {"dotStrided", (Call) (k, x, d, g, n) -> k.dotStrided(x[0], 3, x[1], 3, 3, n + 1, g, 1, n)});
    c.add(new Object[] {"tripletGradient", (Call) (k, x, d, g, n) ->
        k.tripletGradient(0.75f, x[0], 3, x[1], 3, x[2], 3, g, d, x[5], 1, n)});
    List<Object[]> out = new ArrayList<>();
    for (Object[] call : c) {
      lengths().forEach(n -> out.add(new Object[] {call[0], call[1], n}));
    }
    return out;
  }

  static float[][] inputs(String name, int n) {
    SplittableRandom r = new SplittableRandom(name.hashCode() * 1000L + n);
    int length = 3 + 4 * (n + 1) + 8; // room for the strided kernels (3 classes, stride n + 1)
    float[][] x = new float[7][length];
    for (int k = 0; k < 5; k++) {
      for (int i = 0; i < length; i++) {
        double u = r.nextDouble();
        x[k][i] = u < 0.3 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) (r.nextDouble() * 8 - 4);
      }
    }
    // kinks: a share of labels equal to pred, and pred*label == margin for the hinges
    for (int i = 0; i < length; i += 5) {
      x[1][i] = x[0][i];
    }
    for (int i = 2; i < length; i += 7) {
      x[0][i] = 1f;
      x[1][i] = 1f;
    }
    Arrays.fill(x[5], SENTINEL);
    for (int i = 0; i < length; i++) {
      x[6][i] = (float) (r.nextDouble() * 3); // a log-sum: log of a sum of exps, at least 0
    }
    return x;
  }

  @ParameterizedTest(name = "{0} n={2}")
  @MethodSource("calls")
  void vectorGradientKernelsEqualScalarBitForBit(String name, Call call, int n) {
    assumeTrue(!KernelProvider.get().describe().startsWith("scalar"), "the active backend is the scalar one");
    float[][] vx = inputs(name, n);
    float[][] sx = inputs(name, n);
    float[][] before = inputs(name, n);
    int outLength = 1 + 4 * (n + 1) + 8;
    float[] vd = sentinels(outLength);
    float[] vg = sentinels(outLength);
    float[] sd = sentinels(outLength);
    float[] sg = sentinels(outLength);
    call.run(KernelProvider.get(), vx, vd, vg, n);
    call.run(KernelProvider.scalar(), sx, sd, sg, n);
    for (int k : new int[] {0, 1, 2, 3, 4, 6}) {
      assertArrayEquals(before[k], vx[k], name + ": input " + k + " modified");
    }
    for (float[][] pair : new float[][][] {{vd, sd}, {vg, sg}, {vx[5], sx[5]}}) {
      for (int i = 0; i < pair[0].length; i++) {
        int a = Float.floatToIntBits(pair[0][i]);
        int b = Float.floatToIntBits(pair[1][i]);
        if (a != b) {
          fail(name + " n=" + n + " [" + i + "]: vector " + pair[0][i] + ", scalar " + pair[1][i]);
        }
      }
    }
    // nothing written outside [1, 1+n)
    for (float[] out : new float[][] {vd, vg}) {
      for (int i = 0; i < out.length; i++) {
        if ((i < 1 || i >= 1 + n) && out[i] != SENTINEL) {
          fail(name + " n=" + n + ": wrote outside its range at " + i);
        }
      }
    }
  }

  static float[] sentinels(int n) {
    float[] a = new float[n];
    Arrays.fill(a, SENTINEL);
    return a;
  }
}
