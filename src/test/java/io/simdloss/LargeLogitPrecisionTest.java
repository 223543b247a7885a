package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Softmax is invariant under adding a constant to every logit of a row, and Gluon's {@code log_softmax}
 * ({@code x - max - log(sum(exp(x - max)))}) keeps that invariance to float32 precision: the loss of
 * {@code x + s} equals the loss of {@code x}. The logits here are multiples of 1/16 in [-4, 4] and the shifts
 * keep {@code x + s} exact in float32, so the float64 value of the unshifted row is the exact expectation.
 *
 * <p>Tolerance: 1e-5 of the loss plus 1e-6; the losses are about log C, so this is far above float32 rounding
 * of the quantities involved (which are of the size of the loss, not of the shift, when the shift is taken
 * out before rounding).
 */
class LargeLogitPrecisionTest {
  static final float[] SHIFTS = {0f, 1e4f, -1e4f, 1e6f, -1e6f};
  static final int N = 16;
  static final int C = 7;

  static float[] logits(Random r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (r.nextInt(129) - 64) / 16f;
    }
    return x;
  }

  static double logSumExp(float[] x, int from, int count) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < count; i++) {
      max = Math.max(max, x[from + i]);
    }
    double s = 0;
    for (int i = 0; i < count; i++) {
      s += Math.exp(x[from + i] - max);
    }
    return max + Math.log(s);
  }

  static float[] shifted(float[] x, float s) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] + s;
      if ((double) y[i] - s != x[i]) {
        throw new AssertionError("test bug: not exact");
      }
    }
    return y;
  }

  static void assertNear(double expected, float actual, String what) {
    assertEquals(expected, actual, 1e-5 * Math.abs(expected) + 1e-6, what);
  }

  @Test
  void softmaxCrossEntropyIsShiftInvariant() {
    Random r = new Random(1);
    float[] x = logits(r, N * C);
    float[] sparse = new float[N];
    float[] dense = new float[N * C];
    for (int n = 0; n < N; n++) {
      sparse[n] = r.nextInt(C);
      for (int c = 0; c < C; c++) {
        dense[n * C + c] = r.nextInt(4) / 4f;
      }
    }
    for (float s : SHIFTS) {
      float[] y = shifted(x, s);
      float[] outSparse = new SoftmaxCrossEntropyLoss().forward(Tensor.of(y, N, C), Tensor.of(sparse, N));
      float[] outDense = SoftmaxCrossEntropyLoss.builder().sparseLabel(false).build()
          .forward(Tensor.of(y, N, C), Tensor.of(dense, N, C));
      for (int n = 0; n < N; n++) {
        double lse = logSumExp(x, n * C, C);
        assertNear(lse - x[n * C + (int) sparse[n]], outSparse[n], "sparse, shift " + s + ", n=" + n);
        double d = 0;
        for (int c = 0; c < C; c++) {
          d -= dense[n * C + c] * (x[n * C + c] - lse);
        }
        assertNear(d, outDense[n], "dense, shift " + s + ", n=" + n);
      }
    }
    // equal logits of any size: log C (the float lse of three -3e38 rounds to -3e38, so the loss comes out 0)
    for (float v : new float[] {0f, 1e8f, -3e38f}) {
      float[] out = new SoftmaxCrossEntropyLoss().forward(Tensor.of(new float[] {v, v, v}, 1, 3),
          Tensor.of(new float[] {2}, 1));
      assertNear(Math.log(3), out[0], "three logits equal to " + v);
    }
  }

  @Test
  void klDivergenceWithSoftmaxIsShiftInvariant() {
    Random r = new Random(2);
    float[] x = logits(r, N * C);
    float[] z = new float[N * C];
    for (int i = 0; i < z.length; i++) {
      z[i] = (1 + r.nextInt(8)) / 8f;
    }
    for (float s : SHIFTS) {
      float[] out = KLDivLoss.builder().fromLogits(false).build().forward(Tensor.of(shifted(x, s), N, C),
          Tensor.of(z, N, C));
      for (int n = 0; n < N; n++) {
        double lse = logSumExp(x, n * C, C);
        double sum = 0;
        for (int c = 0; c < C; c++) {
          double zc = z[n * C + c];
          sum += zc * (Math.log(zc + 1e-12) - (x[n * C + c] - lse));
        }
        // the terms partly cancel: tolerance against their magnitude, about 1 per class
        assertEquals(sum / C, out[n], 1e-5 * 2, "shift " + s + ", n=" + n);
      }
    }
  }

  @Test
  void ctcIsShiftInvariant() {
    Random r = new Random(3);
    int t = 12;
    int c = 5;
    float[] x = logits(r, t * c);
    float[] label = {0, 1, 3};
    // the float64 dynamic programme of CTCLossTest on the unshifted scores
    float[][] frames = new float[t][];
    for (int i = 0; i < t; i++) {
      frames[i] = java.util.Arrays.copyOfRange(x, i * c, i * c + c);
    }
    double expected = CTCLossTest.logSpaceDp(frames, t, new int[] {0, 1, 3});
    for (float s : SHIFTS) {
      float[] out = new CTCLoss().forward(Tensor.of(shifted(x, s), 1, t, c), Tensor.of(label, 1, 3));
      assertEquals(expected, out[0], 1e-5 * Math.abs(expected) + 1e-6 * t, "shift " + s);
    }
  }
}
