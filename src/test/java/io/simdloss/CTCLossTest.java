package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * CTCLoss against two references written here in double: a brute force over every alignment (tiny T and C)
 * and a straightforward log-space dynamic program (larger shapes); plus hand-derived values, MXNet's own test
 * values, weights, zeroInfinity, and every kind of bad input.
 */
class CTCLossTest {
  private static final double REL = 1e-5;
  private static final double ABS = 1e-6;

  // ---- references (double) -------------------------------------------------------------------------------

  /** log_softmax of one frame, in double. */
  private static double[] logSoftmax(float[] frame) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : frame) {
      max = Math.max(max, v);
    }
    double s = 0;
    for (float v : frame) {
      s += Math.exp(v - max);
    }
    double lse = max + Math.log(s);
    double[] y = new double[frame.length];
    for (int c = 0; c < frame.length; c++) {
      y[c] = frame[c] - lse;
    }
    return y;
  }

  /**
   * Brute force: enumerate all C^T alignments of x[0..frames), collapse each (merge repeats, drop blank C-1),
   * sum the probabilities of those equal to the label.
   */
  static double bruteForce(float[][] x, int frames, int[] label) {
    int classes = x.length > 0 ? x[0].length : 1;
    double[][] p = new double[frames][];
    for (int t = 0; t < frames; t++) {
      double[] y = logSoftmax(x[t]);
      p[t] = new double[classes];
      for (int c = 0; c < classes; c++) {
        p[t][c] = Math.exp(y[c]);
      }
    }
    double[] total = {0};
    forEachAlignment(frames, classes, label, path -> {
      double prob = 1;
      for (int t = 0; t < frames; t++) {
        prob *= p[t][path[t]];
      }
      total[0] += prob;
    });
    return -Math.log(total[0]);
  }

  /**
   * Calls {@code onPath} with each of the C^frames alignments (class per frame, blank C-1) that collapses (merge
   * repeats, drop blanks) to {@code label}, in increasing order of the alignment read as a base-C number.
   */
  static void forEachAlignment(int frames, int classes, int[] label, java.util.function.Consumer<int[]> onPath) {
    int blank = classes - 1;
    long count = 1;
    for (int t = 0; t < frames; t++) {
      count *= classes;
    }
    int[] path = new int[frames];
    List<Integer> collapsed = new ArrayList<>();
    for (long code = 0; code < count; code++) {
      long r = code;
      for (int t = 0; t < frames; t++) {
        path[t] = (int) (r % classes);
        r /= classes;
      }
      collapsed.clear();
      int previous = -1;
      for (int t = 0; t < frames; t++) {
        if (path[t] != previous && path[t] != blank) {
          collapsed.add(path[t]);
        }
        previous = path[t];
      }
      boolean equal = collapsed.size() == label.length;
      for (int i = 0; equal && i < label.length; i++) {
        equal = collapsed.get(i) == label[i];
      }
      if (equal) {
        onPath.accept(path);
      }
    }
  }

  /** Log-space DP over the full (T, 2L+1) lattice with an n-ary log-sum-exp: the textbook formulation. */
  static double logSpaceDp(float[][] x, int frames, int[] label) {
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
    double[][] a = new double[frames][s];
    for (double[] row : a) {
      Arrays.fill(row, Double.NEGATIVE_INFINITY);
    }
    double[] y0 = logSoftmax(x[0]);
    a[0][0] = y0[blank];
    if (s > 1) {
      a[0][1] = y0[ext[1]];
    }
    for (int t = 1; t < frames; t++) {
      double[] y = logSoftmax(x[t]);
      for (int i = 0; i < s; i++) {
        List<Double> terms = new ArrayList<>();
        terms.add(a[t - 1][i]);
        if (i >= 1) {
          terms.add(a[t - 1][i - 1]);
        }
        if (i >= 2 && ext[i] != blank && ext[i] != ext[i - 2]) {
          terms.add(a[t - 1][i - 2]);
        }
        a[t][i] = logSumExp(terms) + y[ext[i]];
      }
    }
    List<Double> end = new ArrayList<>();
    end.add(a[frames - 1][s - 1]);
    if (s > 1) {
      end.add(a[frames - 1][s - 2]);
    }
    return -logSumExp(end);
  }

  private static double logSumExp(List<Double> terms) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : terms) {
      max = Math.max(max, v);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double s = 0;
    for (double v : terms) {
      s += Math.exp(v - max);
    }
    return max + Math.log(s);
  }

  // ---- building inputs --------------------------------------------------------------------------------------

  /** x[n][t][c] as a tensor in layout NTC or TNC. */
  static Tensor pred(float[][][] x, boolean ntc) {
    int n = x.length;
    int t = n == 0 ? 0 : x[0].length;
    int c = n == 0 || t == 0 ? 0 : x[0][0].length;
    return pred(x, ntc, c);
  }

  static Tensor pred(float[][][] x, boolean ntc, int classes) {
    int n = x.length;
    int t = n == 0 ? 0 : x[0].length;
    float[] data = new float[n * t * classes];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < t; j++) {
        for (int c = 0; c < classes; c++) {
          int index = ntc ? (i * t + j) * classes + c : (j * n + i) * classes + c;
          data[index] = x[i][j][c];
        }
      }
    }
    return ntc ? Tensor.of(data, n, t, classes) : Tensor.of(data, t, n, classes);
  }

  /** lab[n][l] as a tensor in label layout NT or TN. */
  static Tensor label(float[][] lab, boolean nt) {
    int n = lab.length;
    int l = n == 0 ? 0 : lab[0].length;
    float[] data = new float[n * l];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < l; j++) {
        data[nt ? i * l + j : j * n + i] = lab[i][j];
      }
    }
    return nt ? Tensor.of(data, n, l) : Tensor.of(data, l, n);
  }

  static float[][][] randomLogits(Random r, int n, int t, int c, double scale) {
    float[][][] x = new float[n][t][c];
    for (float[][] a : x) {
      for (float[] b : a) {
        for (int k = 0; k < c; k++) {
          b[k] = (float) (r.nextGaussian() * scale);
        }
      }
    }
    return x;
  }

  static int[] randomLabel(Random r, int length, int classes) {
    int[] l = new int[length];
    for (int i = 0; i < length; i++) {
      l[i] = r.nextInt(classes - 1);
    }
    return l;
  }

  private static final float[] GARBAGE = {17f, -5f, 2.5f, Float.NaN, -1f, 0f, 1e9f, Float.POSITIVE_INFINITY};

  /** A padded label row: the label, then -1 (if room) and garbage (padding form) or garbage (length form). */
  static float[] row(Random r, int[] label, int width, boolean padded) {
    float[] row = new float[width];
    for (int i = 0; i < width; i++) {
      row[i] = GARBAGE[r.nextInt(GARBAGE.length)];
    }
    for (int i = 0; i < label.length; i++) {
      row[i] = label[i];
    }
    if (padded && label.length < width) {
      row[label.length] = -1f;
    }
    return row;
  }

  static float[][] frames(float[][] x, int frames) {
    return Arrays.copyOf(x, frames);
  }

  /**
   * Relative error at most {@code rel}, with an absolute floor of {@link #ABS} for losses near 0: the loss is a
   * sum of per-frame log-softmax terms whose float log-sum-exp is exact to about 1e-7 absolute, so a loss of
   * 0.007 (a nearly certain label) cannot be relatively exact to 1e-5.
   */
  static void assertClose(double expected, float actual, double rel, String what) {
    if (Double.isInfinite(expected) || Double.isNaN(expected)) {
      assertEquals((float) expected, actual, what);
      return;
    }
    double err = Math.abs(actual - expected);
    if (err > rel * Math.abs(expected) + ABS) {
      fail(what + ": expected " + expected + ", got " + actual + " (relative error " + err / Math.abs(expected)
          + ")");
    }
  }

  static int required(int[] label) {
    int r = label.length;
    for (int i = 1; i < label.length; i++) {
      if (label[i] == label[i - 1]) {
        r++;
      }
    }
    return r;
  }

  // ---- brute force ------------------------------------------------------------------------------------------

  @Test
  void matchesBruteForceOverAllAlignments() {
    Random r = new Random(42);
    int checked = 0;
    int infeasible = 0;
    for (int classes = 2; classes <= 4; classes++) {
      for (int maxT = 1; maxT <= 6; maxT++) {
        if (Math.pow(classes, maxT) > 4096) {
          continue;
        }
        for (int layoutCase = 0; layoutCase < 4; layoutCase++) {
          boolean ntc = (layoutCase & 1) == 0;
          boolean nt = (layoutCase & 2) == 0;
          for (int lengthsCase = 0; lengthsCase < 4; lengthsCase++) {
            boolean withPredLengths = (lengthsCase & 1) != 0;
            boolean withLabelLengths = (lengthsCase & 2) != 0;
            int n = 4;
            int width = maxT + 1; // labels up to T+1 long: some infeasible
            float[][][] x = randomLogits(r, n, maxT, classes, 1.5);
            int[][] labels = new int[n][];
            float[][] rows = new float[n][];
            float[] predLengths = new float[n];
            float[] labelLengths = new float[n];
            for (int i = 0; i < n; i++) {
              int len = i == 0 ? 0 : r.nextInt(width + 1);
              labels[i] = randomLabel(r, len, classes);
              if (i == 1 && len >= 2) {
                labels[i][1] = labels[i][0]; // a repeat: needs a blank between
              }
              rows[i] = row(r, labels[i], width, !withLabelLengths);
              labelLengths[i] = len;
              predLengths[i] = withPredLengths ? r.nextInt(maxT + 1) : maxT;
            }
            CTCLoss loss = CTCLoss.builder().layout(ntc ? "NTC" : "TNC").labelLayout(nt ? "NT" : "TN").build();
            float[] out = loss.forward(pred(x, ntc), label(rows, nt),
                withPredLengths ? Tensor.of(predLengths, n) : null,
                withLabelLengths ? Tensor.of(labelLengths, n) : null, null);
            for (int i = 0; i < n; i++) {
              int frames = (int) predLengths[i];
              double expected = bruteForce(frames(x[i], frames), frames, labels[i]);
              String what = "C=" + classes + " T=" + maxT + " ntc=" + ntc + " nt=" + nt + " predLengths="
                  + withPredLengths + " labelLengths=" + withLabelLengths + " n=" + i + " frames=" + frames
                  + " label=" + Arrays.toString(labels[i]);
              assertClose(expected, out[i], REL, what);
              assertEquals(required(labels[i]) > frames, Double.isInfinite(expected), what);
              if (Double.isInfinite(expected)) {
                infeasible++;
              }
              checked++;
            }
          }
        }
      }
    }
    assertTrue(checked > 500 && infeasible > 20, "checked " + checked + ", infeasible " + infeasible);
  }

  // ---- log-space DP reference, larger shapes -------------------------------------------------------------------

  @Test
  void matchesDoubleDpOnLargerShapes() {
    Random r = new Random(7);
    int[] classCounts = {2, 3, 7, 17, 30, 33, 70};
    int cases = 0;
    for (int classes : classCounts) {
      for (int rep = 0; rep < 4; rep++) {
        boolean ntc = rep % 2 == 0;
        boolean nt = rep / 2 == 0;
        int n = 5;
        int maxT = 1 + r.nextInt(60);
        int width = 15;
        float[][][] x = randomLogits(r, n, maxT, classes, rep == 3 ? 4 : 1);
        int[][] labels = new int[n][];
        float[][] rows = new float[n][];
        float[] predLengths = new float[n];
        float[] labelLengths = new float[n];
        for (int i = 0; i < n; i++) {
          predLengths[i] = i == 0 ? maxT : 1 + r.nextInt(maxT);
          int len = Math.min(r.nextInt(width + 1), (int) predLengths[i]);
          labels[i] = randomLabel(r, len, classes);
          labelLengths[i] = len;
          rows[i] = row(r, labels[i], width, false);
        }
        CTCLoss loss = CTCLoss.builder().layout(ntc ? "NTC" : "TNC").labelLayout(nt ? "NT" : "TN").build();
        float[] out = loss.forward(pred(x, ntc), label(rows, nt), Tensor.of(predLengths, n),
            Tensor.of(labelLengths, n), null);
        for (int i = 0; i < n; i++) {
          int frames = (int) predLengths[i];
          double expected = logSpaceDp(frames(x[i], frames), frames, labels[i]);
          assertClose(expected, out[i], REL, "C=" + classes + " T=" + maxT + " n=" + i + " frames=" + frames
              + " L=" + labels[i].length);
          cases++;
        }
      }
    }
    assertEquals(classCounts.length * 4 * 5, cases);
  }

  @Test
  void longSequencesWithPaddedLabels() {
    Random r = new Random(11);
    int n = 6;
    int t = 60;
    int classes = 29;
    float[][][] x = randomLogits(r, n, t, classes, 2);
    int[][] labels = new int[n][];
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      labels[i] = randomLabel(r, 15 - 2 * i, classes);
      rows[i] = row(r, labels[i], 15, true);
    }
    float[] out = new CTCLoss().forward(pred(x, true), label(rows, true));
    for (int i = 0; i < n; i++) {
      assertClose(logSpaceDp(x[i], t, labels[i]), out[i], REL, "n=" + i);
    }
  }

  // ---- hand-derived and published values ----------------------------------------------------------------------

  @Test
  void handDerivedUniformCases() {
    CTCLoss loss = new CTCLoss();
    // T=1, C=2, label [0]: the one alignment (0) has probability 1/2.
    float[] out = loss.forward(Tensor.of(new float[] {0f, 0f}, 1, 1, 2), Tensor.of(new float[] {0f}, 1, 1));
    assertClose(Math.log(2), out[0], 1e-6, "T=1 [0]");
    // T=2, C=2, label [0]: (0,0), (0,b), (b,0) out of 4 alignments.
    out = loss.forward(Tensor.of(new float[4], 1, 2, 2), Tensor.of(new float[] {0f}, 1, 1));
    assertClose(-Math.log(0.75), out[0], 1e-6, "T=2 [0]");
    // T=1, empty label: the blank alone.
    out = loss.forward(Tensor.of(new float[] {3f, 3f}, 1, 1, 2), Tensor.of(new float[] {-1f}, 1, 1));
    assertClose(Math.log(2), out[0], 1e-6, "T=1 []");
    // T=3, label [0, 0]: only (0, b, 0).
    out = loss.forward(Tensor.of(new float[6], 1, 3, 2), Tensor.of(new float[] {0f, 0f}, 1, 2));
    assertClose(3 * Math.log(2), out[0], 1e-6, "T=3 [0,0]");
    // T=2, label [0, 0]: cannot fit.
    out = loss.forward(Tensor.of(new float[4], 1, 2, 2), Tensor.of(new float[] {0f, 0f}, 1, 2));
    assertEquals(Float.POSITIVE_INFINITY, out[0]);
    // T=2, C=3, label [0, 1]: only (0, 1), probability 1/9.
    out = loss.forward(Tensor.of(new float[6], 1, 2, 3), Tensor.of(new float[] {0f, 1f}, 1, 2));
    assertClose(2 * Math.log(3), out[0], 1e-6, "T=2 [0,1]");
  }

  @Test
  void zeroFramesAndEmptyLabels() {
    CTCLoss loss = new CTCLoss();
    // T = 0: an empty label has loss 0, a non-empty one is infeasible.
    float[] out = loss.forward(Tensor.of(new float[0], 2, 0, 3), Tensor.of(new float[] {-1f, 0f}, 2, 1));
    assertArrayEquals(new float[] {0f, Float.POSITIVE_INFINITY}, out);
    // predLengths 0 on a longer pred
    out = loss.forward(Tensor.of(new float[12], 2, 2, 3), Tensor.of(new float[] {-1f, 0f}, 2, 1),
        Tensor.of(new float[] {0f, 0f}, 2), null, null);
    assertArrayEquals(new float[] {0f, Float.POSITIVE_INFINITY}, out);
    // L = 0 label tensor
    out = loss.forward(Tensor.of(new float[6], 1, 2, 3), Tensor.of(new float[0], 1, 0));
    assertClose(2 * Math.log(3), out[0], 1e-6, "L=0");
    // N = 0
    assertEquals(0, loss.forward(Tensor.of(new float[0], 0, 4, 3), Tensor.of(new float[0], 0, 2)).length);
    // C = 1: the blank only; empty labels have probability 1.
    out = loss.forward(Tensor.of(new float[] {5f, -7f, 2f}, 1, 3, 1), Tensor.of(new float[] {-1f, 3f}, 1, 2));
    assertArrayEquals(new float[] {0f}, out);
  }

  /** MXNet's tests/python/unittest/test_loss.py test_ctc_loss: uniform logits, C = 4, T = 20. */
  @Test
  void mxnetReferenceValues() {
    float[] expected = {18.82820702f, 16.50581741f};
    float[] ones = new float[2 * 20 * 4];
    Arrays.fill(ones, 1f);
    float[] labelNt = {1, 0, -1, -1, 2, 1, 1, -1};
    float[] labelTn = {1, 2, 0, 1, -1, 1, -1, -1};
    float[][] results = {
        new CTCLoss().forward(Tensor.of(ones, 2, 20, 4), Tensor.of(labelNt, 2, 4)),
        CTCLoss.builder().layout("TNC").build().forward(Tensor.of(ones, 20, 2, 4), Tensor.of(labelNt, 2, 4)),
        CTCLoss.builder().layout("TNC").labelLayout("TN").build()
            .forward(Tensor.of(ones, 20, 2, 4), Tensor.of(labelTn, 4, 2)),
        new CTCLoss().forward(Tensor.of(ones, 2, 20, 4), Tensor.of(new float[] {1, 0, 2, 2, 2, 1, 1, 2}, 2, 4),
            null, Tensor.of(new float[] {2, 3}, 2), null),
    };
    for (float[] out : results) {
      for (int i = 0; i < 2; i++) {
        assertClose(expected[i], out[i], 1e-6, "mxnet n=" + i);
      }
    }
    float[] ones25 = new float[2 * 25 * 4];
    Arrays.fill(ones25, 1f);
    float[] out = new CTCLoss().forward(Tensor.of(ones25, 2, 25, 4), Tensor.of(labelNt, 2, 4),
        Tensor.of(new float[] {20, 20}, 2), null, null);
    for (int i = 0; i < 2; i++) {
      assertClose(expected[i], out[i], 1e-6, "mxnet predLengths n=" + i);
    }
  }

  // ---- infeasible, zeroInfinity, weights ---------------------------------------------------------------------------

  @Test
  void infeasibleIsInfinityOrZeroWithZeroInfinity() {
    Random r = new Random(3);
    float[][][] x = randomLogits(r, 3, 4, 3, 1);
    // [0,1,0,1,0] needs 5 frames; [1,1,1] needs 5; [0,1,0] fits in 3.
    float[][] rows = {{0, 1, 0, 1, 0}, {1, 1, 1, -1, 9}, {0, 1, 0, -1, -1}};
    float[] plain = new CTCLoss().forward(pred(x, true), label(rows, true));
    assertEquals(Float.POSITIVE_INFINITY, plain[0]);
    assertEquals(Float.POSITIVE_INFINITY, plain[1]);
    assertClose(logSpaceDp(x[2], 4, new int[] {0, 1, 0}), plain[2], REL, "feasible");
    CTCLoss zero = CTCLoss.builder().zeroInfinity(true).weight(3f).build();
    float[] z = zero.forward(pred(x, true), label(rows, true), null, null, Tensor.of(new float[] {2f, 2f, 2f}, 3));
    assertEquals(0f, z[0]);
    assertEquals(0f, z[1]);
    assertClose(6 * logSpaceDp(x[2], 4, new int[] {0, 1, 0}), z[2], REL, "feasible weighted");
    // infeasible only through predLengths
    float[] p = CTCLoss.builder().zeroInfinity(true).build().forward(pred(x, true), label(rows, true),
        Tensor.of(new float[] {4f, 4f, 2f}, 3), null, null);
    assertArrayEquals(new float[] {0f, 0f, 0f}, p);
    // NaN scores give NaN, and zeroInfinity leaves NaN alone (PyTorch zeroes only +inf)
    x[0][0][0] = Float.NaN;
    float[] nan = new CTCLoss().forward(pred(x, true), label(new float[][] {{0}, {1}, {0}}, true));
    assertTrue(Float.isNaN(nan[0]));
    float[] nanZero = CTCLoss.builder().zeroInfinity(true).build()
        .forward(pred(x, true), label(new float[][] {{0}, {1}, {0}}, true));
    assertTrue(Float.isNaN(nanZero[0]));
    assertEquals(nan[1], nanZero[1]);
    // without zeroInfinity, +inf times a zero sample weight is NaN (numpy)
    float[] weighted = new CTCLoss().forward(pred(x, true), label(rows, true), null, null,
        Tensor.of(new float[] {1f, 0f, 1f}, 3));
    assertEquals(Float.POSITIVE_INFINITY, weighted[0]);
    assertTrue(Float.isNaN(weighted[1]));
  }

  @Test
  void weightsMultiplyTheLoss() {
    Random r = new Random(5);
    int n = 3;
    float[][][] x = randomLogits(r, n, 8, 5, 1);
    Tensor pred = pred(x, true);
    Tensor label = label(new float[][] {{0, 1, 2}, {3, -1, -1}, {2, 2, -1}}, true);
    float[] base = new CTCLoss().forward(pred, label);
    float[] global = CTCLoss.builder().weight(0.5f).build().forward(pred, label);
    float[] scalar = new CTCLoss().forward(pred, label, null, null, Tensor.scalar(3f));
    float[] one = new CTCLoss().forward(pred, label, null, null, Tensor.of(new float[] {3f}, 1));
    float[] perSample = new CTCLoss().forward(pred, label, null, null, Tensor.of(new float[] {1f, 2f, -1f}, 3));
    float[] both = CTCLoss.builder().weight(2f).build().forward(pred, label, null, null,
        Tensor.of(new float[] {1f, 2f, -1f}, 3));
    float[] sw = {1f, 2f, -1f};
    for (int i = 0; i < n; i++) {
      assertTrue(base[i] > 0 && Float.isFinite(base[i]));
      assertClose(base[i] * 0.5, global[i], 1e-6, "global");
      assertClose(base[i] * 3.0, scalar[i], 1e-6, "scalar");
      assertClose(base[i] * 3.0, one[i], 1e-6, "(1,)");
      assertClose(base[i] * sw[i], perSample[i], 1e-6, "(N,)");
      assertClose(base[i] * sw[i] * 2.0, both[i], 1e-6, "both");
    }
  }

  @Test
  void toStringShowsEveryOption() {
    assertEquals("CTCLoss(batch_axis=0, w=None, layout=NTC, label_layout=NT, zero_infinity=False)",
        new CTCLoss().toString());
    CTCLoss custom = CTCLoss.builder().layout("TNC").labelLayout("TN").weight(0.5f).zeroInfinity(true).build();
    assertEquals("CTCLoss(batch_axis=1, w=0.5, layout=TNC, label_layout=TN, zero_infinity=True)",
        custom.toString());
    assertEquals(1, custom.batchAxis());
    assertEquals("TNC", custom.layout());
    assertEquals("TN", custom.labelLayout());
    assertTrue(custom.zeroInfinity());
    assertEquals(0.5f, custom.weight());
  }

  // ---- bad input ------------------------------------------------------------------------------------------------

  private static void rejects(String argument, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage() != null && e.getMessage().startsWith(argument + ":"),
        "message should name " + argument + ": " + e.getMessage());
  }

  @Test
  void rejectsBadOptions() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CTCLoss.builder().layout("NCT"));
    assertEquals("layout: expected \"NTC\" or \"TNC\", got \"NCT\"", e.getMessage());
    rejects("layout", () -> CTCLoss.builder().layout(null));
    rejects("layout", () -> CTCLoss.builder().layout("ntc"));
    rejects("labelLayout", () -> CTCLoss.builder().labelLayout("NTC"));
    rejects("labelLayout", () -> CTCLoss.builder().labelLayout(null));
    rejects("weight", () -> CTCLoss.builder().weight(Float.NaN).build());
  }

  @Test
  void rejectsBadShapes() {
    CTCLoss loss = new CTCLoss();
    CTCLoss tnc = CTCLoss.builder().layout("TNC").labelLayout("TN").build();
    Tensor pred = Tensor.of(new float[2 * 3 * 4], 2, 3, 4);
    Tensor label = Tensor.of(new float[] {0, 1, 2, -1}, 2, 2);
    rejects("pred", () -> loss.forward(null, label));
    rejects("label", () -> loss.forward(pred, null));
    rejects("pred", () -> loss.forward(Tensor.of(new float[8], 2, 4), label));
    rejects("pred", () -> loss.forward(Tensor.of(new float[8], 2, 1, 2, 2), label));
    rejects("pred", () -> loss.forward(Tensor.of(new float[0], 2, 3, 0), label));
    rejects("pred", () -> loss.forward(null, label, null, null, null, new float[2]));
    rejects("label", () -> loss.forward(pred, Tensor.of(new float[] {0, 1}, 2)));
    rejects("label", () -> loss.forward(pred, Tensor.of(new float[] {0, 1}, 2, 1, 1)));
    rejects("label", () -> loss.forward(pred, Tensor.of(new float[] {0, 1, 2}, 3, 1)));
    // TN: the batch is axis 1 of label, axis 1 of pred
    Tensor predTnc = Tensor.of(new float[2 * 3 * 4], 3, 2, 4);
    assertEquals(2, tnc.forward(predTnc, Tensor.of(new float[] {0, 1, 2, -1}, 2, 2)).length);
    rejects("label", () -> tnc.forward(predTnc, Tensor.of(new float[] {0, 1, 2}, 1, 3)));
    rejects("label", () -> CTCLoss.builder().labelLayout("TN").build()
        .forward(pred, Tensor.of(new float[] {0, 1, 2}, 3, 1)));
    rejects("out", () -> loss.forward(pred, label, null, null, null, null));
    rejects("out", () -> loss.forward(pred, label, null, null, null, new float[3]));
    rejects("out", () -> tnc.forward(predTnc, label, null, null, null, new float[3]));
  }

  @Test
  void rejectsBadLabelValues() {
    CTCLoss loss = new CTCLoss();
    Tensor pred = Tensor.of(new float[2 * 5 * 6], 2, 5, 6); // C = 6: classes 0..4, blank 5
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> loss.forward(pred, Tensor.of(new float[] {0, 1, 2, -1, 3, 4, 7, -1}, 2, 4)));
    assertEquals("label: expected a class index in [0, 4] or -1 padding, got 7.0 at (n=1, l=2)", e.getMessage());
    for (float bad : new float[] {5f, -2f, 0.5f, Float.NaN, Float.POSITIVE_INFINITY, -0.5f, 1e9f}) {
      rejects("label", () -> loss.forward(pred, Tensor.of(new float[] {0, bad, 2, -1, 3, 4, 1, -1}, 2, 4)));
    }
    // label layout TN: (L, N); value at (n=1, l=0)
    e = assertThrows(IllegalArgumentException.class, () -> CTCLoss.builder().labelLayout("TN").build()
        .forward(pred, Tensor.of(new float[] {0, 9, -1, -1}, 2, 2)));
    assertEquals("label: expected a class index in [0, 4] or -1 padding, got 9.0 at (n=1, l=0)", e.getMessage());
    // with labelLengths, -1 inside the length is not allowed, garbage after it is ignored
    Tensor lengths = Tensor.of(new float[] {2, 1}, 2);
    rejects("label", () -> loss.forward(pred, Tensor.of(new float[] {0, -1, 9, 9, 1, 7, 7, 7}, 2, 4), null,
        lengths, null));
    assertEquals(2, loss.forward(pred, Tensor.of(new float[] {0, 1, 9, -3, 1, Float.NaN, 7, 7}, 2, 4), null,
        lengths, null).length);
    // C = 1: no class index is valid
    Tensor blankOnly = Tensor.of(new float[2 * 3], 2, 3, 1);
    rejects("label", () -> loss.forward(blankOnly, Tensor.of(new float[] {-1, 0}, 2, 1)));
    assertArrayEquals(new float[] {0f, 0f}, loss.forward(blankOnly, Tensor.of(new float[] {-1, -1}, 2, 1)));
  }

  @Test
  void rejectsBadLengthsAndWeights() {
    CTCLoss loss = new CTCLoss();
    Tensor pred = Tensor.of(new float[2 * 3 * 4], 2, 3, 4);
    Tensor label = Tensor.of(new float[] {0, 1, 2, -1}, 2, 2);
    float[][] badValues = {{-1, 2}, {4, 2}, {1.5f, 2}, {Float.NaN, 2}, {1, Float.POSITIVE_INFINITY}};
    for (float[] bad : badValues) {
      rejects("predLengths", () -> loss.forward(pred, label, Tensor.of(bad, 2), null, null));
    }
    rejects("predLengths", () -> loss.forward(pred, label, Tensor.of(new float[] {3, 3}, 2, 1), null, null));
    rejects("predLengths", () -> loss.forward(pred, label, Tensor.of(new float[] {3, 3, 3}, 3), null, null));
    rejects("predLengths", () -> loss.forward(pred, label, Tensor.scalar(3), null, null));
    float[][] badLabelLengths = {{-1, 1}, {3, 1}, {0.5f, 1}, {Float.NaN, 1}};
    for (float[] bad : badLabelLengths) {
      rejects("labelLengths", () -> loss.forward(pred, label, null, Tensor.of(bad, 2), null));
    }
    rejects("labelLengths", () -> loss.forward(pred, label, null, Tensor.of(new float[] {1}, 1), null));
    rejects("labelLengths", () -> loss.forward(pred, label, null, Tensor.of(new float[] {1, 1}, 1, 2), null));
    rejects("sampleWeight", () -> loss.forward(pred, label, null, null, Tensor.of(new float[] {1, 1}, 2, 1)));
    rejects("sampleWeight", () -> loss.forward(pred, label, null, null, Tensor.of(new float[] {1, 1, 1}, 3)));
    rejects("sampleWeight", () -> loss.forward(pred, label, null, null, Tensor.of(new float[] {1}, 1, 1)));
    rejects("sampleWeight", () -> loss.forward(pred, label, null, null, Tensor.of(new float[4], 2, 2)));
    // a failed call leaves out untouched
    float[] out = {42f, 42f};
    rejects("sampleWeight", () -> loss.forward(pred, label, null, null, Tensor.of(new float[4], 4), out));
    assertArrayEquals(new float[] {42f, 42f}, out);
  }

  // ---- buffers, inputs, threads ------------------------------------------------------------------------------------

  @Test
  void inputsAreNotModifiedAndOutIsReturned() {
    Random r = new Random(9);
    float[][][] x = randomLogits(r, 3, 10, 7, 2);
    Tensor pred = pred(x, false);
    Tensor label = label(new float[][] {{1, 2, 3, -1}, {0, 0, 5, 5}, {-1, 4, 4, 4}}, false);
    Tensor predLengths = Tensor.of(new float[] {10, 7, 3}, 3);
    Tensor labelLengths = Tensor.of(new float[] {3, 4, 0}, 3);
    Tensor sampleWeight = Tensor.of(new float[] {1, 0.5f, 2}, 3);
    Tensor[] inputs = {pred, label, predLengths, labelLengths, sampleWeight};
    float[][] copies = new float[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      copies[i] = inputs[i].data().clone();
    }
    CTCLoss loss = CTCLoss.builder().layout("TNC").labelLayout("TN").build();
    float[] fresh = loss.forward(pred, label, predLengths, labelLengths, sampleWeight);
    float[] out = new float[3];
    assertSame(out, loss.forward(pred, label, predLengths, labelLengths, sampleWeight, out));
    assertArrayEquals(fresh, out);
    for (int i = 0; i < inputs.length; i++) {
      assertArrayEquals(copies[i], inputs[i].data(), "input " + i);
    }
    // label lengths 0 with 3 frames: all blank
    double allBlank = logSpaceDp(Arrays.copyOf(x[2], 3), 3, new int[0]);
    assertClose(allBlank * 2, out[2], REL, "empty label");
  }

  @Test
  void extremeLogitsGiveFiniteLosses() {
    Random r = new Random(13);
    int n = 4;
    int t = 12;
    int classes = 9;
    float[][][] x = new float[n][t][classes];
    for (float[][] a : x) {
      for (float[] b : a) {
        for (int c = 0; c < classes; c++) {
          b[c] = r.nextBoolean() ? 1e4f : -1e4f;
        }
      }
    }
    float[][] rows = {{0, 1, 2, 3, -1}, {7, 7, 7, -1, -1}, {-1, 0, 0, 0, 0}, {4, 3, 4, 3, 4}};
    int[][] labels = {{0, 1, 2, 3}, {7, 7, 7}, {}, {4, 3, 4, 3, 4}};
    for (boolean ntc : new boolean[] {true, false}) {
      CTCLoss loss = CTCLoss.builder().layout(ntc ? "NTC" : "TNC").build();
      float[] out = loss.forward(pred(x, ntc), label(rows, true));
      for (int i = 0; i < n; i++) {
        double expected = logSpaceDp(x[i], t, labels[i]);
        assertTrue(Double.isFinite(expected));
        assertTrue(Float.isFinite(out[i]), "n=" + i + ": " + out[i]);
        // float log-sum-exp of scores near 1e4 is exact to ~1e-3 per frame
        assertEquals(expected, out[i], 1e-5 * Math.abs(expected) + 1e-2 * t, "n=" + i);
      }
    }
    // one frame wildly in favour of another class: finite but large
    float[] one = new CTCLoss().forward(Tensor.of(new float[] {-1e4f, 1e4f, 1e4f}, 1, 1, 3),
        Tensor.of(new float[] {0f}, 1, 1));
    assertTrue(Float.isFinite(one[0]));
    assertClose(2e4 + Math.log(2), one[0], 1e-6, "dominated");
  }

  @Test
  void threadsShareNothing() throws Exception {
    Random r = new Random(17);
    int n = 3;
    float[][][][] xs = new float[8][][][];
    float[][] expected = new float[8][];
    Tensor label = label(new float[][] {{1, 2, 3, 1, -1}, {0, 0, -1, 9, 9}, {5, 4, 3, 2, 1}}, true);
    CTCLoss loss = new CTCLoss();
    for (int j = 0; j < xs.length; j++) {
      xs[j] = randomLogits(r, n, 5 + 7 * j, 7 + j, 1);
      expected[j] = loss.forward(pred(xs[j], true), label);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int task = 0; task < 16; task++) {
        int first = task;
        results.add(pool.submit(() -> {
          float[] out = new float[n];
          for (int k = 0; k < 50; k++) {
            int j = (first + k) % xs.length;
            loss.forward(pred(xs[j], true), label, null, null, null, out);
            // Not bit-exact: the vector kernels' exp may round differently before and after C2 compiles them
            // (seen on JDK 25: 1 ulp). Sharing scratch between threads would be off by far more.
            for (int i = 0; i < n; i++) {
              if (!(Math.abs(out[i] - expected[j][i]) <= 1e-6 * Math.abs(expected[j][i]))) {
                return false;
              }
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> f : results) {
        assertTrue(f.get());
      }
    } finally {
      pool.shutdown();
    }
  }
}
