package io.simdloss;

import static io.simdloss.CTCLossTest.label;
import static io.simdloss.CTCLossTest.pred;
import static io.simdloss.CTCLossTest.randomLabel;
import static io.simdloss.CTCLossTest.randomLogits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.simdloss.internal.CtcRecursion;
import io.simdloss.internal.ScalarLossKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CTCLoss#forwardBackward}: the gradient of {@code sum_n loss[n]} with respect to pred, against
 * references written here in double (a brute force over every alignment giving the posterior occupancy
 * directly, and central finite differences of an independent log-space DP), TensorFlow's gradient table, every
 * option, the special cases, and the loss's bits against {@code forward}.
 *
 * <p>Tolerances. The library reads float scores (exact in double, so the references see the same inputs) and
 * computes in double except for two float steps: the per-frame log-sum-exp {@code lse_t} (a float, within about
 * one ulp of the true value: an absolute error up to about {@code 1.2e-7 * |lse_t|}, which shifts every
 * log-probability of the frame by that much) and the softmax term {@code exp(x - lse_t)} (float exp, under one
 * ulp), then one rounding of the result to float. Each perturbs a gradient component by at most a few float
 * ulps of the larger of the softmax and the occupancy, both in [0, 1]; with logits of magnitude up to about 4
 * (|lse_t| below 6) that is below {@code 1e-6} absolute, hence {@link #ABS} times the upstream factor. The
 * finite differences add their own error (step {@code 1e-4} in double: truncation about {@code h^2 f''' / 6},
 * below {@code 1e-8}).
 */
class CTCGradientTest {
  /** Absolute tolerance per unit of upstream factor; see the class comment. */
  private static final double ABS = 1e-6;

  // ---- references (double, independent of the library) ---------------------------------------------------------

  private static double[] softmax(double[] row) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : row) {
      max = Math.max(max, v);
    }
    double s = 0;
    for (double v : row) {
      s += Math.exp(v - max);
    }
    double[] p = new double[row.length];
    for (int c = 0; c < row.length; c++) {
      p[c] = Math.exp(row[c] - max) / s;
    }
    return p;
  }

  private static double[] toDouble(float[] row) {
    double[] d = new double[row.length];
    for (int i = 0; i < row.length; i++) {
      d[i] = row[i];
    }
    return d;
  }

  /**
   * d(-log p)/dx[t][c] by brute force: enumerate all C^frames alignments, keep those that collapse to the label,
   * p = the sum of their probabilities, occ[t][c] = the probability of those with class c at t, divided by p;
   * the gradient is softmax - occ. Null when p = 0.
   */
  static double[][] bruteForceGradient(float[][] x, int frames, int[] label) {
    int classes = x[0].length;
    double[][] prob = new double[frames][];
    for (int t = 0; t < frames; t++) {
      prob[t] = softmax(toDouble(x[t]));
    }
    double[] total = {0};
    double[][] occ = new double[frames][classes];
    CTCLossTest.forEachAlignment(frames, classes, label, path -> {
      double pp = 1;
      for (int t = 0; t < frames; t++) {
        pp *= prob[t][path[t]];
      }
      total[0] += pp;
      for (int t = 0; t < frames; t++) {
        occ[t][path[t]] += pp;
      }
    });
    if (total[0] == 0) {
      return null;
    }
    double[][] g = new double[frames][classes];
    for (int t = 0; t < frames; t++) {
      for (int c = 0; c < classes; c++) {
        g[t][c] = prob[t][c] - occ[t][c] / total[0];
      }
    }
    return g;
  }

  /** -log p(label | x[0..frames)) by a textbook log-space DP over the full lattice, in double, Math.exp/log. */
  static double nll(double[][] x, int frames, int[] label) {
    if (frames == 0) {
      return label.length == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
    int classes = x[0].length;
    int blank = classes - 1;
    int s = 2 * label.length + 1;
    int[] ext = new int[s];
    for (int i = 0; i < s; i++) {
      ext[i] = i % 2 == 0 ? blank : label[i / 2];
    }
    double[] a = new double[s];
    Arrays.fill(a, Double.NEGATIVE_INFINITY);
    double[] y = logSoftmax(x[0]);
    a[0] = y[blank];
    if (s > 1) {
      a[1] = y[ext[1]];
    }
    for (int t = 1; t < frames; t++) {
      y = logSoftmax(x[t]);
      double[] b = new double[s];
      for (int i = 0; i < s; i++) {
        double m = a[i];
        double sum;
        List<Double> terms = new ArrayList<>();
        terms.add(a[i]);
        if (i >= 1) {
          terms.add(a[i - 1]);
        }
        if (i >= 2 && ext[i] != blank && ext[i] != ext[i - 2]) {
          terms.add(a[i - 2]);
        }
        for (double v : terms) {
          m = Math.max(m, v);
        }
        if (m == Double.NEGATIVE_INFINITY) {
          sum = m;
        } else {
          double e = 0;
          for (double v : terms) {
            e += Math.exp(v - m);
          }
          sum = m + Math.log(e);
        }
        b[i] = sum + y[ext[i]];
      }
      a = b;
    }
    double end = s > 1 ? logAdd(a[s - 1], a[s - 2]) : a[0];
    return -end;
  }

  private static double[] logSoftmax(double[] row) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : row) {
      max = Math.max(max, v);
    }
    double s = 0;
    for (double v : row) {
      s += Math.exp(v - max);
    }
    double lse = max + Math.log(s);
    double[] y = new double[row.length];
    for (int c = 0; c < row.length; c++) {
      y[c] = row[c] - lse;
    }
    return y;
  }

  private static double logAdd(double a, double b) {
    double m = Math.max(a, b);
    return m == Double.NEGATIVE_INFINITY ? m : m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  }

  /** Central differences of -log p in double, step h, over x[0..frames); null when -log p is infinite. */
  static double[][] finiteDifferences(float[][] x, int frames, int[] label, double h) {
    int classes = x[0].length;
    double[][] d = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      d[t] = toDouble(x[t]);
    }
    if (Double.isInfinite(nll(d, frames, label))) {
      return null;
    }
    double[][] g = new double[frames][classes];
    for (int t = 0; t < frames; t++) {
      for (int c = 0; c < classes; c++) {
        double keep = d[t][c];
        d[t][c] = keep + h;
        double plus = nll(d, frames, label);
        d[t][c] = keep - h;
        double minus = nll(d, frames, label);
        d[t][c] = keep;
        g[t][c] = (plus - minus) / (2 * h);
      }
    }
    return g;
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  /** The index of (n, t, c) in a pred of layout NTC or TNC. */
  static int index(boolean ntc, int samples, int frames, int classes, int n, int t, int c) {
    return ntc ? (n * frames + t) * classes + c : (t * samples + n) * classes + c;
  }

  /**
   * grad[n][t][c] against {@code up[n] * expected[n][t][c]} for t below the sample's frames (0 beyond; a null
   * expected sample means an all-zero gradient), within {@code tol * |up[n]|}.
   */
  static void assertGradient(double[][][] expected, double[] up, int[] used, float[] grad, boolean ntc, int frames,
      int classes, double tol, String what) {
    int samples = expected.length;
    assertEquals(samples * frames * classes, grad.length, what + ": grad length");
    for (int n = 0; n < samples; n++) {
      for (int t = 0; t < frames; t++) {
        for (int c = 0; c < classes; c++) {
          float actual = grad[index(ntc, samples, frames, classes, n, t, c)];
          String at = what + " at (n=" + n + ", t=" + t + ", c=" + c + ")";
          if (t >= used[n] || expected[n] == null) {
            assertEquals(0f, actual, at + ": expected 0");
            continue;
          }
          double e = up[n] * expected[n][t][c];
          double err = Math.abs(actual - e);
          if (!(err <= tol * Math.abs(up[n]))) {
            fail(at + ": expected " + e + ", got " + actual + " (error " + err + ", tolerance "
                + tol * Math.abs(up[n]) + ")");
          }
        }
      }
    }
  }

  static float[] floats(int[] label) {
    float[] f = new float[label.length];
    for (int i = 0; i < label.length; i++) {
      f[i] = label[i];
    }
    return f;
  }

  /** Labels as an (N, width) float matrix padded with -1. */
  static float[][] padded(int[][] labels, int width) {
    float[][] rows = new float[labels.length][width];
    for (int n = 0; n < labels.length; n++) {
      Arrays.fill(rows[n], -1f);
      for (int i = 0; i < labels[n].length; i++) {
        rows[n][i] = labels[n][i];
      }
    }
    return rows;
  }

  private static float[] run(CTCLoss loss, Tensor pred, Tensor label, Tensor predLengths, Tensor labelLengths,
      Tensor sampleWeight, float[] lossOut) {
    float[] grad = new float[pred.size()];
    Arrays.fill(grad, 12345f); // every element must be written
    float[] returned = loss.forwardBackward(pred, label, predLengths, labelLengths, sampleWeight, lossOut, grad);
    assertSame(lossOut, returned);
    return grad;
  }

  private static boolean bitsEqual(float[] a, float[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
        return false;
      }
    }
    return true;
  }

  private static void assertBits(float[] expected, float[] actual, String what) {
    if (!bitsEqual(expected, actual)) {
      for (int i = 0; i < Math.min(expected.length, actual.length); i++) {
        if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
          fail(what + ": first difference at " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
      }
      fail(what + ": lengths " + expected.length + " and " + actual.length);
    }
  }

  // ---- (1) the brute-force posterior ------------------------------------------------------------------------------

  @Test
  void matchesBruteForcePosteriorOverAllAlignments() {
    Random r = new Random(101);
    int cases = 0;
    for (int classes = 1; classes <= 4; classes++) {
      for (int frames = 1; frames <= 5; frames++) {
        for (int trial = 0; trial < 3; trial++) {
          int samples = 3;
          float[][][] x = randomLogits(r, samples, frames, classes, 1.5);
          int[][] labels = new int[samples][];
          int[] used = new int[samples];
          for (int n = 0; n < samples; n++) {
            int maxLength = classes == 1 ? 0 : Math.min(3, frames);
            labels[n] = randomLabel(r, r.nextInt(maxLength + 1), Math.max(classes, 2));
            used[n] = 1 + r.nextInt(frames);
          }
          if (classes >= 3 && frames >= 3) {
            labels[0] = new int[] {1, 1}; // a repeated label needs a blank between
            used[0] = frames;
          }
          double[][][] expected = new double[samples][][];
          for (int n = 0; n < samples; n++) {
            expected[n] = bruteForceGradient(x[n], used[n], labels[n]);
          }
          for (boolean ntc : new boolean[] {true, false}) {
            CTCLoss loss = CTCLoss.builder().layout(ntc ? "NTC" : "TNC").build();
            float[] out = new float[samples];
            float[] grad = run(loss, pred(x, ntc, classes), label(padded(labels, 3), true),
                Tensor.of(floats(used), samples), null, null, out);
            assertGradient(expected, new double[] {1, 1, 1}, used, grad, ntc, frames, classes, ABS,
                "brute force C=" + classes + " T=" + frames + " " + (ntc ? "NTC" : "TNC"));
            cases++;
          }
        }
      }
    }
    assertEquals(4 * 5 * 3 * 2, cases);
  }

  // ---- (2) central finite differences -----------------------------------------------------------------------------

  @Test
  void matchesCentralFiniteDifferences() {
    Random r = new Random(202);
    for (int trial = 0; trial < 6; trial++) {
      int samples = 3;
      int frames = 6 + r.nextInt(10);
      int classes = 2 + r.nextInt(7);
      float[][][] x = randomLogits(r, samples, frames, classes, 2);
      int[][] labels = new int[samples][];
      int[] used = new int[samples];
      for (int n = 0; n < samples; n++) {
        used[n] = frames - r.nextInt(3);
        labels[n] = randomLabel(r, r.nextInt(Math.min(5, used[n] / 2) + 1), classes);
      }
      float[] weights = {0.5f, 3f, -1.25f};
      float global = 0.75f;
      double[] up = new double[samples];
      double[][][] expected = new double[samples][][];
      for (int n = 0; n < samples; n++) {
        up[n] = (double) weights[n] * global;
        expected[n] = finiteDifferences(x[n], used[n], labels[n], 1e-4);
      }
      for (boolean ntc : new boolean[] {true, false}) {
        for (boolean nt : new boolean[] {true, false}) {
          CTCLoss loss = CTCLoss.builder().layout(ntc ? "NTC" : "TNC").labelLayout(nt ? "NT" : "TN")
              .weight(global).build();
          float[] out = new float[samples];
          float[] grad = run(loss, pred(x, ntc), label(padded(labels, 5), nt), Tensor.of(floats(used), samples),
              null, Tensor.of(weights, samples), out);
          assertGradient(expected, up, used, grad, ntc, frames, classes, ABS,
              "finite differences trial " + trial + (ntc ? " NTC" : " TNC") + (nt ? " NT" : " TN"));
        }
      }
    }
  }

  /** Longer sequences (T = 40, L up to 12, C = 10) against finite differences, a few components per sample. */
  @Test
  void longerSequencesAgainstFiniteDifferences() {
    Random r = new Random(303);
    int samples = 2;
    int frames = 40;
    int classes = 10;
    float[][][] x = randomLogits(r, samples, frames, classes, 2);
    int[][] labels = {randomLabel(r, 12, classes), {3, 3, 3, 4, 4, 1}};
    float[] grad = run(new CTCLoss(), pred(x, true), label(padded(labels, 12), true), null, null, null,
        new float[samples]);
    for (int n = 0; n < samples; n++) {
      double[][] d = new double[frames][];
      for (int t = 0; t < frames; t++) {
        d[t] = toDouble(x[n][t]);
      }
      for (int k = 0; k < 60; k++) {
        int t = r.nextInt(frames);
        int c = r.nextInt(classes);
        double keep = d[t][c];
        d[t][c] = keep + 1e-4;
        double plus = nll(d, frames, labels[n]);
        d[t][c] = keep - 1e-4;
        double minus = nll(d, frames, labels[n]);
        d[t][c] = keep;
        double e = (plus - minus) / 2e-4;
        float actual = grad[index(true, samples, frames, classes, n, t, c)];
        assertTrue(Math.abs(actual - e) <= ABS, "n=" + n + " t=" + t + " c=" + c + ": expected " + e + ", got "
            + actual);
      }
    }
  }

  // ---- (3) TensorFlow's table ---------------------------------------------------------------------------------------

  /**
   * TensorFlow's {@code tensorflow/python/kernel_tests/nn_ops/ctc_loss_op_test.py}, {@code CTCLossTest.testBasic}
   * (also in MXNet's CTC tests and warp-ctc's): two sequences, 5 frames of 7 (the last two are NaN and lie beyond
   * the sequence lengths), C = 6 with the blank last; the inputs are the logs of the probability tables below and
   * {@code grad_truth} is the gradient of the sum of the losses with respect to those logits (0 beyond the
   * lengths). Numbers entered verbatim. The table has 6 significant digits (half a unit is at most 5e-7 here) and
   * its probability rows sum to 1 only within about 1e-6, so softmax(log p) differs from p by that much: the
   * tolerance is 2e-6.
   */
  @Test
  void tensorflowGradientTable() {
    float[][] prob0 = {
        {0.633766f, 0.221185f, 0.0917319f, 0.0129757f, 0.0142857f, 0.0260553f},
        {0.111121f, 0.588392f, 0.278779f, 0.0055756f, 0.00569609f, 0.010436f},
        {0.0357786f, 0.633813f, 0.321418f, 0.00249248f, 0.00272882f, 0.0037688f},
        {0.0663296f, 0.643849f, 0.280111f, 0.00283995f, 0.0035545f, 0.00331533f},
        {0.458235f, 0.396634f, 0.123377f, 0.00648837f, 0.00903441f, 0.00623107f}};
    float[][] grad0 = {
        {-0.366234f, 0.221185f, 0.0917319f, 0.0129757f, 0.0142857f, 0.0260553f},
        {0.111121f, -0.411608f, 0.278779f, 0.0055756f, 0.00569609f, 0.010436f},
        {0.0357786f, 0.633813f, -0.678582f, 0.00249248f, 0.00272882f, 0.0037688f},
        {0.0663296f, -0.356151f, 0.280111f, 0.00283995f, 0.0035545f, 0.00331533f},
        {-0.541765f, 0.396634f, 0.123377f, 0.00648837f, 0.00903441f, 0.00623107f}};
    float[][] prob1 = {
        {0.30176f, 0.28562f, 0.0831517f, 0.0862751f, 0.0816851f, 0.161508f},
        {0.24082f, 0.397533f, 0.0557226f, 0.0546814f, 0.0557528f, 0.19549f},
        {0.230246f, 0.450868f, 0.0389607f, 0.038309f, 0.0391602f, 0.202456f},
        {0.280884f, 0.429522f, 0.0326593f, 0.0339046f, 0.0326856f, 0.190345f},
        {0.423286f, 0.315517f, 0.0338439f, 0.0393744f, 0.0339315f, 0.154046f}};
    float[][] grad1 = {
        {-0.69824f, 0.28562f, 0.0831517f, 0.0862751f, 0.0816851f, 0.161508f},
        {0.24082f, -0.602467f, 0.0557226f, 0.0546814f, 0.0557528f, 0.19549f},
        {0.230246f, 0.450868f, 0.0389607f, 0.038309f, 0.0391602f, -0.797544f},
        {0.280884f, -0.570478f, 0.0326593f, 0.0339046f, 0.0326856f, 0.190345f},
        {-0.576714f, 0.315517f, 0.0338439f, 0.0393744f, 0.0339315f, 0.154046f}};
    double[] lossTruth = {3.34211, 5.42262};
    int samples = 2;
    int frames = 7;
    int classes = 6;
    float[][][] x = new float[samples][frames][classes];
    double[][][] expected = new double[samples][5][];
    for (int t = 0; t < frames; t++) {
      for (int c = 0; c < classes; c++) {
        x[0][t][c] = t < 5 ? (float) Math.log(prob0[t][c]) : Float.NaN;
        x[1][t][c] = t < 5 ? (float) Math.log(prob1[t][c]) : Float.NaN;
      }
      if (t < 5) {
        expected[0][t] = toDouble(grad0[t]);
        expected[1][t] = toDouble(grad1[t]);
      }
    }
    float[][] labels = {{0, 1, 2, 1, 0}, {0, 1, 1, 0, -1}};
    for (boolean ntc : new boolean[] {false, true}) { // TensorFlow's layout is time-major (TNC)
      CTCLoss loss = CTCLoss.builder().layout(ntc ? "NTC" : "TNC").build();
      float[] out = new float[samples];
      float[] grad = run(loss, pred(x, ntc), label(labels, true), Tensor.of(new float[] {5, 5}, 2), null, null,
          out);
      for (int n = 0; n < samples; n++) {
        assertEquals(lossTruth[n], out[n], 1e-5, "TensorFlow loss n=" + n);
      }
      assertGradient(expected, new double[] {1, 1}, new int[] {5, 5}, grad, ntc, frames, classes, 2e-6,
          "TensorFlow table " + (ntc ? "NTC" : "TNC"));
    }
  }

  // ---- (4) options and special cases ------------------------------------------------------------------------------

  /** The four layout combinations give the same bits, permuted: each sample's arithmetic is layout-free. */
  @Test
  void layoutsGiveTheSameBits() {
    Random r = new Random(404);
    int samples = 4;
    int frames = 17;
    int classes = 9;
    float[][][] x = randomLogits(r, samples, frames, classes, 2);
    int[][] labels = {{1, 2, 3}, {}, {4, 4, 0, 7, 7}, {5}};
    float[] used = {17, 12, 16, 0};
    float[] weights = {1f, 2.5f, -0.5f, 3f};
    float[] reference = null;
    float[] referenceLoss = null;
    for (boolean ntc : new boolean[] {true, false}) {
      for (boolean nt : new boolean[] {true, false}) {
        CTCLoss loss = CTCLoss.builder().layout(ntc ? "NTC" : "TNC").labelLayout(nt ? "NT" : "TN").weight(1.5f)
            .build();
        float[] out = new float[samples];
        float[] grad = run(loss, pred(x, ntc), label(padded(labels, 6), nt), Tensor.of(used, samples), null,
            Tensor.of(weights, samples), out);
        float[] canonical = new float[grad.length]; // NTC order
        for (int n = 0; n < samples; n++) {
          for (int t = 0; t < frames; t++) {
            for (int c = 0; c < classes; c++) {
              canonical[index(true, samples, frames, classes, n, t, c)] =
                  grad[index(ntc, samples, frames, classes, n, t, c)];
            }
          }
        }
        if (reference == null) {
          reference = canonical;
          referenceLoss = out;
        } else {
          assertBits(reference, canonical, "layout " + ntc + " " + nt);
          assertBits(referenceLoss, out, "loss, layout " + ntc + " " + nt);
        }
      }
    }
    // sample 3 has 0 frames and a non-empty label: infeasible, all 0
    for (int i = 3 * frames * classes; i < 4 * frames * classes; i++) {
      assertEquals(0f, reference[i]);
    }
  }

  /**
   * predLengths and labelLengths: the used frames' gradient is the bits of the gradient of the truncated pred, the
   * rest 0; padding with -1 and labelLengths give the same bits; garbage after the label is ignored.
   */
  @Test
  void lengthsTruncateExactly() {
    Random r = new Random(505);
    int samples = 3;
    int frames = 11;
    int classes = 5;
    float[][][] x = randomLogits(r, samples, frames, classes, 1);
    int[][] labels = {{0, 1, 2}, {3, 3}, {2}};
    int[] used = {11, 7, 4};
    CTCLoss loss = new CTCLoss();
    float[] padded = run(loss, pred(x, true), label(padded(labels, 4), true), Tensor.of(floats(used), samples),
        null, null, new float[samples]);
    float[][] garbage = padded(labels, 4);
    garbage[0][3] = 7f;
    garbage[1][2] = 9f;
    garbage[1][3] = -1f;
    garbage[2][1] = 2.5f;
    float[] withLengths = run(loss, pred(x, true), label(garbage, true), Tensor.of(floats(used), samples),
        Tensor.of(new float[] {3, 2, 1}, samples), null, new float[samples]);
    assertBits(padded, withLengths, "labelLengths against -1 padding");
    for (int n = 0; n < samples; n++) {
      float[][][] one = {Arrays.copyOf(x[n], used[n])};
      float[] alone = used[n] == 0 ? new float[0] : run(loss, pred(one, true, classes),
          label(padded(new int[][] {labels[n]}, 4), true), null, null, null, new float[1]);
      float[] slice = Arrays.copyOfRange(padded, n * frames * classes, n * frames * classes + used[n] * classes);
      assertBits(alone, slice, "sample " + n + " truncated");
      for (int i = (n * frames + used[n]) * classes; i < (n + 1) * frames * classes; i++) {
        assertEquals(0f, padded[i], "beyond predLengths at " + i);
      }
    }
  }

  /**
   * sampleWeight of shape (), (1,) and (N,) and the global weight: powers of two scale every bit exactly (the
   * float and the double upstream factor are then exact), so the gradient is exactly the scaled unweighted one;
   * other weights are checked within the tolerance.
   */
  @Test
  void weightsScaleTheGradient() {
    Random r = new Random(606);
    int samples = 3;
    int frames = 9;
    int classes = 6;
    float[][][] x = randomLogits(r, samples, frames, classes, 1.5);
    Tensor pred = pred(x, true);
    Tensor label = label(padded(new int[][] {{0, 1}, {2, 2, 3}, {4}}, 3), true);
    float[] plain = run(new CTCLoss(), pred, label, null, null, null, new float[samples]);
    float[][] weightSets = {{4f}, {0.25f}, {2f, -0.5f, 8f}};
    int[][] shapes = {{}, {1}, {3}};
    for (int k = 0; k < weightSets.length; k++) {
      for (float global : new float[] {1f, 0.125f, -2f}) {
        CTCLoss loss = CTCLoss.builder().weight(global).build();
        float[] grad = run(loss, pred, label, null, null, Tensor.of(weightSets[k], shapes[k]), new float[samples]);
        for (int n = 0; n < samples; n++) {
          float w = weightSets[k].length == 1 ? weightSets[k][0] : weightSets[k][n];
          for (int i = n * frames * classes; i < (n + 1) * frames * classes; i++) {
            assertEquals(plain[i] * w * global, grad[i], 0f, "weights " + Arrays.toString(weightSets[k]) + " global "
                + global + " at " + i);
          }
        }
      }
    }
    float[] odd = {0.3f, 1.7f, -0.9f};
    float global = 0.6f;
    float[] grad = run(CTCLoss.builder().weight(global).build(), pred, label, null, null, Tensor.of(odd, 3),
        new float[samples]);
    for (int n = 0; n < samples; n++) {
      double up = (double) odd[n] * global;
      for (int i = n * frames * classes; i < (n + 1) * frames * classes; i++) {
        assertEquals(plain[i] * up, grad[i], 2e-7 * Math.abs(up) + 1e-7 * Math.abs(plain[i] * up), "odd at " + i);
      }
    }
    // a zero weight gives a zero gradient
    float[] zero = run(new CTCLoss(), pred, label, null, null, Tensor.of(new float[] {0f}), new float[samples]);
    for (float g : zero) {
      assertEquals(0f, Math.abs(g));
    }
  }

  /**
   * Infeasible samples get 0 whatever zeroInfinity says, with the loss forward gives (+inf, 0 with zeroInfinity,
   * NaN when +inf meets a zero weight); the other samples are untouched.
   */
  @Test
  void infeasibleSamplesGetZero() {
    Random r = new Random(707);
    int samples = 3;
    int frames = 4;
    int classes = 3;
    float[][][] x = randomLogits(r, samples, frames, classes, 1);
    float[][] rows = {{0, 1, 0, 1, 0}, {1, 1, 1, -1, 9}, {0, 1, 0, -1, -1}};
    double[][] feasible = bruteForceGradient(x[2], frames, new int[] {0, 1, 0});
    for (boolean zeroInfinity : new boolean[] {false, true}) {
      CTCLoss loss = CTCLoss.builder().zeroInfinity(zeroInfinity).build();
      for (Tensor sw : new Tensor[] {null, Tensor.of(new float[] {1f, 0f, 2f}, 3)}) {
        float[] out = new float[samples];
        float[] grad = run(loss, pred(x, true), label(rows, true), null, null, sw, out);
        assertBits(loss.forward(pred(x, true), label(rows, true), null, null, sw), out, "loss");
        double w2 = sw == null ? 1 : 2;
        assertGradient(new double[][][] {null, null, feasible}, new double[] {1, 1, w2},
            new int[] {frames, frames, frames}, grad, true, frames, classes, ABS, "infeasible " + zeroInfinity);
      }
    }
    // -inf scores make a feasible label impossible: +inf loss, 0 gradient
    float[][][] y = randomLogits(r, 1, 3, 3, 1);
    for (float[] frame : y[0]) {
      frame[1] = Float.NEGATIVE_INFINITY;
    }
    float[] out = new float[1];
    float[] grad = run(new CTCLoss(), pred(y, true), label(new float[][] {{1}}, true), null, null, null, out);
    assertEquals(Float.POSITIVE_INFINITY, out[0]);
    assertArrayEquals(new float[9], grad);
    // while a -inf score of a class the label does not need is harmless: softmax 0 there
    float[] ok = run(new CTCLoss(), pred(y, true), label(new float[][] {{0}}, true), null, null, null, out);
    assertTrue(Float.isFinite(out[0]));
    for (int t = 0; t < 3; t++) {
      assertEquals(0f, ok[t * 3 + 1]);
    }
  }

  /** NaN scores give a NaN loss and a NaN gradient over that sample's used frames, and only there. */
  @Test
  void nanScoresStayInTheirSample() {
    Random r = new Random(808);
    int samples = 3;
    int frames = 6;
    int classes = 4;
    float[][][] x = randomLogits(r, samples, frames, classes, 1);
    float[][] rows = {{0, 1}, {2, -1}, {1, 1}};
    Tensor lengths = Tensor.of(new float[] {6, 4, 6}, 3);
    CTCLoss loss = CTCLoss.builder().layout("TNC").zeroInfinity(true).build();
    float[] clean = run(loss, pred(x, false), label(rows, true), lengths, null, null, new float[samples]);
    x[1][2][3] = Float.NaN;
    x[1][5][0] = Float.NaN; // beyond predLengths[1] = 4: never read
    float[] out = new float[samples];
    float[] grad = run(loss, pred(x, false), label(rows, true), lengths, null, null, out);
    assertTrue(Float.isNaN(out[1]));
    for (int t = 0; t < frames; t++) {
      for (int c = 0; c < classes; c++) {
        for (int n = 0; n < samples; n++) {
          int i = index(false, samples, frames, classes, n, t, c);
          if (n == 1) {
            assertTrue(t < 4 ? Float.isNaN(grad[i]) : grad[i] == 0f, "n=1 t=" + t + " c=" + c + ": " + grad[i]);
          } else {
            assertEquals(clean[i], grad[i], 0f);
          }
        }
      }
    }
  }

  /** Empty labels (the all-blank path), C = 1 (blank only: probability 1, gradient 0) and T = 0. */
  @Test
  void emptyLabelsBlankOnlyAndNoFrames() {
    Random r = new Random(909);
    float[][][] x = randomLogits(r, 2, 5, 4, 1);
    float[] grad = run(new CTCLoss(), pred(x, true), label(new float[][] {{-1, -1}, {-1, 0}}, true), null, null,
        null, new float[2]);
    // -log p = -sum_t y[t, blank]: the gradient is softmax minus the one-hot blank
    for (int n = 0; n < 2; n++) {
      for (int t = 0; t < 5; t++) {
        double[] p = softmax(toDouble(x[n][t]));
        for (int c = 0; c < 4; c++) {
          double e = p[c] - (c == 3 ? 1 : 0);
          assertEquals(e, grad[index(true, 2, 5, 4, n, t, c)], ABS, "empty label n=" + n + " t=" + t + " c=" + c);
        }
      }
    }
    float[] blankOnly = new float[3 * 7];
    for (int i = 0; i < blankOnly.length; i++) {
      blankOnly[i] = (float) r.nextGaussian() * 5;
    }
    float[] out = new float[3];
    float[] g = run(new CTCLoss(), Tensor.of(blankOnly, 3, 7, 1), Tensor.of(new float[] {-1, -1, -1}, 3, 1),
        Tensor.of(new float[] {7, 0, 3}, 3), null, null, out);
    assertArrayEquals(new float[3], out);
    for (float v : g) {
      assertEquals(0f, Math.abs(v));
    }
    float[] none = new float[2];
    float[] empty = new CTCLoss().forwardBackward(Tensor.of(new float[0], 2, 0, 3),
        Tensor.of(new float[] {-1, 0}, 2, 1), null, null, null, none, new float[0]);
    assertArrayEquals(new float[] {0f, Float.POSITIVE_INFINITY}, empty);
  }

  /**
   * A loss clamped at 0: with scores (100, 0), the float lse_t rounds to 100, so y = (0, -100) and the three
   * alignments of label [0] in two frames sum to 1 + 2e-44 > 1; forward clamps the loss to 0 and the gradient
   * keeps the formula with the unclamped log p (finite, and within the tolerance of the exact gradient, which
   * is about 1e-44 here).
   */
  @Test
  void clampedLossKeepsTheFormula() {
    float[][][] x = {{{100f, 0f}, {100f, 0f}}};
    float[] out = new float[1];
    float[] grad = run(new CTCLoss(), pred(x, true), label(new float[][] {{0}}, true), null, null, null, out);
    assertEquals(0f, out[0]);
    assertBits(new CTCLoss().forward(pred(x, true), label(new float[][] {{0}}, true)), out, "clamped loss");
    assertGradient(new double[][][] {bruteForceGradient(x[0], 2, new int[] {0})}, new double[] {1}, new int[] {2},
        grad, true, 2, 2, ABS, "clamped");
  }

  /** Repeated labels: the mandatory blank between equal labels, at the minimum length and above it. */
  @Test
  void repeatedLabelsAtTheMinimumLength() {
    Random r = new Random(1010);
    int classes = 3;
    int[][] labels = {{0, 0}, {1, 1, 1}, {0, 0, 1}};
    int frames = 5;
    float[][][] x = randomLogits(r, labels.length, frames, classes, 1.5);
    int[] used = {3, 5, 4}; // 3 = minimum for [0, 0]; 5 = minimum for [1, 1, 1]; 4 = minimum for [0, 0, 1]
    double[][][] expected = new double[labels.length][][];
    for (int n = 0; n < labels.length; n++) {
      expected[n] = bruteForceGradient(x[n], used[n], labels[n]);
    }
    float[] grad = run(new CTCLoss(), pred(x, true), label(padded(labels, 3), true), Tensor.of(floats(used), 3),
        null, null, new float[3]);
    assertGradient(expected, new double[] {1, 1, 1}, used, grad, true, frames, classes, ABS, "repeated");
  }

  // ---- (5) the loss is forward's, bit for bit ---------------------------------------------------------------------

  @Test
  void lossIsForwardsBits() {
    Random r = new Random(1111);
    for (int trial = 0; trial < 20; trial++) {
      int samples = 1 + r.nextInt(4);
      int frames = r.nextInt(30);
      int classes = 1 + r.nextInt(12);
      boolean ntc = r.nextBoolean();
      boolean nt = r.nextBoolean();
      float[][][] x = randomLogits(r, samples, frames, classes, 1 + r.nextInt(8));
      int width = 1 + r.nextInt(8);
      int[][] labels = new int[samples][];
      float[] used = new float[samples];
      for (int n = 0; n < samples; n++) {
        labels[n] = classes == 1 ? new int[0] : randomLabel(r, r.nextInt(width + 1), classes);
        used[n] = r.nextInt(frames + 1);
      }
      CTCLoss loss = CTCLoss.builder().layout(ntc ? "NTC" : "TNC").labelLayout(nt ? "NT" : "TN")
          .zeroInfinity(r.nextBoolean()).weight(r.nextFloat() * 3).build();
      Tensor p = pred(x, ntc, classes);
      Tensor l = label(padded(labels, width), nt);
      Tensor pl = Tensor.of(used, samples);
      Tensor sw = r.nextBoolean() ? null : Tensor.of(new float[] {r.nextFloat() * 2});
      float[] expected = loss.forward(p, l, pl, null, sw);
      float[] out = new float[samples];
      run(loss, p, l, pl, null, sw, out);
      assertBits(expected, out, "trial " + trial);
    }
  }

  // ---- (6) bad input ------------------------------------------------------------------------------------------------

  @Test
  void rejectsBadGradAndLossBuffers() {
    CTCLoss loss = new CTCLoss();
    float[] data = new float[2 * 3 * 4];
    Tensor pred = Tensor.of(data, 2, 3, 4);
    Tensor label = Tensor.of(new float[] {0, 1, 2, -1}, 2, 2);
    float[] out = {7f, 7f};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> loss.forwardBackward(pred, label, null, null, null, out, null));
    assertTrue(e.getMessage().startsWith("grad: expected a float[24], got null"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> loss.forwardBackward(pred, label, null, null, null, out, new float[23]));
    assertEquals("grad: expected length 24, got length 23", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> loss.forwardBackward(pred, label, null, null, null, out, data));
    assertTrue(e.getMessage().startsWith("grad: "), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> loss.forwardBackward(pred, label, null, null, null, new float[3], new float[24]));
    assertEquals("loss: expected length 2, got length 3", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> loss.forwardBackward(pred, label, null, null, null, null, new float[24]));
    assertTrue(e.getMessage().startsWith("loss: "), e.getMessage());
    float[] one = new float[1];
    e = assertThrows(IllegalArgumentException.class, () -> loss.forwardBackward(Tensor.of(new float[1], 1, 1, 1),
        Tensor.of(new float[] {-1}, 1, 1), null, null, null, one, one));
    assertTrue(e.getMessage().startsWith("grad: "), e.getMessage());
    // nothing is written when validation fails (here: a label value out of range, checked after the buffers)
    float[] grad = new float[24];
    Arrays.fill(grad, 5f);
    e = assertThrows(IllegalArgumentException.class, () -> loss.forwardBackward(pred,
        Tensor.of(new float[] {0, 3, 2, -1}, 2, 2), null, null, null, out, grad));
    assertTrue(e.getMessage().startsWith("label: "), e.getMessage());
    assertArrayEquals(new float[] {7f, 7f}, out);
    for (float g : grad) {
      assertEquals(5f, g);
    }
    e = assertThrows(IllegalArgumentException.class, () -> loss.forwardBackward(pred, label,
        Tensor.of(new float[] {3, 4}, 2), null, null, out, grad));
    assertTrue(e.getMessage().startsWith("predLengths: "), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> loss.forwardBackward(pred, label, null, null,
        Tensor.of(new float[] {1, 2, 3}, 3), out, grad));
    assertTrue(e.getMessage().startsWith("sampleWeight: "), e.getMessage());
    assertArrayEquals(new float[] {7f, 7f}, out);
  }

  @Test
  void inputsAreNotModified() {
    Random r = new Random(1212);
    float[][][] x = randomLogits(r, 2, 6, 5, 1);
    Tensor pred = pred(x, true);
    float[] predCopy = pred.data().clone();
    Tensor label = label(new float[][] {{0, 1, -1}, {3, 3, 2}}, true);
    float[] labelCopy = label.data().clone();
    Tensor lengths = Tensor.of(new float[] {6, 5}, 2);
    Tensor sw = Tensor.of(new float[] {0.5f, 2f}, 2);
    run(new CTCLoss(), pred, label, lengths, null, sw, new float[2]);
    assertArrayEquals(predCopy, pred.data());
    assertArrayEquals(labelCopy, label.data());
    assertArrayEquals(new float[] {6, 5}, lengths.data());
    assertArrayEquals(new float[] {0.5f, 2f}, sw.data());
  }

  // ---- (7) the backend ----------------------------------------------------------------------------------------------

  /**
   * The active backend (vector or scalar, whichever this execution runs) gives the bits of the scalar kernels
   * called directly: the gradient depends on the backend only through logSumExp and softmaxGradient.
   */
  @Test
  void activeBackendMatchesScalarKernelsBitForBit() {
    Random r = new Random(1313);
    for (int trial = 0; trial < 10; trial++) {
      int samples = 1 + r.nextInt(3);
      int frames = 1 + r.nextInt(40);
      int classes = 2 + r.nextInt(trial < 5 ? 20 : 300);
      float[][][] x = randomLogits(r, samples, frames, classes, 1 + r.nextInt(6));
      int[][] labels = new int[samples][];
      for (int n = 0; n < samples; n++) {
        labels[n] = randomLabel(r, r.nextInt(Math.min(frames, 10) + 1), classes);
      }
      int width = 10;
      float[] grad = run(new CTCLoss(), pred(x, true, classes), label(padded(labels, width), true), null, null,
          null, new float[samples]);
      float[] flat = pred(x, true, classes).data();
      float[] labelData = label(padded(labels, width), true).data();
      float[] scalar = new float[grad.length];
      CtcRecursion.Scratch scratch = CtcRecursion.Scratch.get();
      for (int n = 0; n < samples; n++) {
        CtcRecursion.negLogLikelihoodWithGradient(ScalarLossKernels.INSTANCE, flat, n * frames * classes, classes,
            classes, frames, labelData, n * width, 1, labels[n].length, 1d, scalar, scratch);
      }
      assertBits(scalar, grad, "trial " + trial + " (" + Loss.kernels().describe() + ")");
    }
  }

  /**
   * Threads running forwardBackward on different shapes at once get the bits of a single-threaded run: each has
   * its own scratch (and the bits do not depend on the JIT tier a thread happens to run in).
   */
  @Test
  void threadsShareNothing() throws Exception {
    Random r = new Random(1515);
    int samples = 3;
    Tensor[] preds = new Tensor[6];
    Tensor label = label(new float[][] {{1, 2, 3, 1, -1}, {0, 0, -1, 9, 9}, {5, 4, 3, 2, 1}}, true);
    float[][] expectedLoss = new float[preds.length][];
    float[][] expectedGrad = new float[preds.length][];
    CTCLoss loss = new CTCLoss();
    for (int j = 0; j < preds.length; j++) {
      preds[j] = pred(randomLogits(r, samples, 5 + 9 * j, 7 + 3 * j, 1), true);
      expectedLoss[j] = new float[samples];
      expectedGrad[j] = run(loss, preds[j], label, null, null, null, expectedLoss[j]);
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<String>> results = new ArrayList<>();
      for (int task = 0; task < 8; task++) {
        int first = task;
        results.add(pool.submit(() -> {
          for (int k = 0; k < 30; k++) {
            int j = (first + k) % preds.length;
            float[] out = new float[samples];
            float[] grad = new float[preds[j].size()];
            loss.forwardBackward(preds[j], label, null, null, null, out, grad);
            if (!bitsEqual(expectedLoss[j], out) || !bitsEqual(expectedGrad[j], grad)) {
              return "task " + first + " shape " + j + " differs";
            }
          }
          return "";
        }));
      }
      for (java.util.concurrent.Future<String> f : results) {
        assertEquals("", f.get());
      }
    } finally {
      pool.shutdown();
    }
  }
}
