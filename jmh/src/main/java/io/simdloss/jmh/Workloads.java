package io.simdloss.jmh;

import io.simdloss.Tensor;
import java.util.SplittableRandom;

/**
 * The benchmark inputs: fixed-seed data, shared by every variant (library on either backend, plain Java, peers)
 * so that they all compute the same numbers.
 */
public final class Workloads {
  private Workloads() {}

  public static float[] gaussian(int n, long seed, float scale) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      // sum of uniforms: cheap, bell-shaped, deterministic
      a[i] = (float) ((r.nextDouble() + r.nextDouble() + r.nextDouble() - 1.5) * 2 * scale);
    }
    return a;
  }

  public static float[] uniform01(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextDouble();
    }
    return a;
  }

  /** -1 or 1, for the hinge and logistic losses. */
  public static float[] signs(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextBoolean() ? 1f : -1f;
    }
    return a;
  }

  /** Class indices in [0, classes), as floats. */
  public static float[] classes(int n, int classes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextInt(classes);
    }
    return a;
  }

  /** Rows of probabilities (each row a softmax of Gaussian scores), the label of KLDivLoss. */
  public static float[] distributions(int rows, int cols, long seed) {
    float[] g = gaussian(rows * cols, seed, 1f);
    float[] a = new float[rows * cols];
    for (int n = 0; n < rows; n++) {
      double s = 0;
      for (int c = 0; c < cols; c++) {
        s += Math.exp(g[n * cols + c]);
      }
      for (int c = 0; c < cols; c++) {
        a[n * cols + c] = (float) (Math.exp(g[n * cols + c]) / s);
      }
    }
    return a;
  }

  /**
   * The inputs of one (rows x cols) workload for every labeled loss and triplet: pred and each kind of label,
   * as arrays (for plain Java and the peers) and as tensors over the same arrays (for the library), and an
   * output buffer of length rows.
   */
  public static final class Inputs {
    public final int rows;
    public final int cols;
    /** Scores, Gaussian with scale 1 (pointwise, triplet) or 2 (softmax, KL). */
    public final float[] pred;
    /** Real labels (L2, L1, Huber). */
    public final float[] real;
    /** -1/1 labels (hinge, squared hinge, logistic). */
    public final float[] sign;
    /** Labels in [0, 1] (sigmoid BCE). */
    public final float[] prob;
    /** Class indices, length rows (softmax CE). */
    public final float[] cls;
    /** Probability rows (KL divergence). */
    public final float[] dist;
    /** Triplet positive and negative. */
    public final float[] pos;
    public final float[] neg;
    public final Tensor tPred;
    public final Tensor tReal;
    public final Tensor tSign;
    public final Tensor tProb;
    public final Tensor tCls;
    public final Tensor tDist;
    public final Tensor tPos;
    public final Tensor tNeg;
    public final float[] out;

    /** Every kind of label; fine for small shapes. */
    public static Inputs all(int rows, int cols) {
      return new Inputs(rows, cols, true, true, true);
    }

    /** Pred and the labels of the pointwise losses. */
    public static Inputs pointwise(int rows, int cols) {
      return new Inputs(rows, cols, true, false, false);
    }

    /** Pred (scale 2), class indices and probability rows. */
    public static Inputs classes(int rows, int cols) {
      return new Inputs(rows, cols, false, true, false);
    }

    /** Pred, positive and negative. */
    public static Inputs triplet(int rows, int cols) {
      return new Inputs(rows, cols, false, false, true);
    }

    private Inputs(int rows, int cols, boolean pointwise, boolean classes, boolean triplet) {
      int n = rows * cols;
      long seed = 1000L * rows + cols;
      this.rows = rows;
      this.cols = cols;
      pred = gaussian(n, seed + 1, classes && !pointwise ? 2f : 1f);
      real = pointwise ? gaussian(n, seed + 2, 1f) : null;
      sign = pointwise ? signs(n, seed + 3) : null;
      prob = pointwise ? uniform01(n, seed + 4) : null;
      cls = classes ? Workloads.classes(rows, cols, seed + 5) : null;
      dist = classes ? distributions(rows, cols, seed + 6) : null;
      pos = triplet ? gaussian(n, seed + 7, 1f) : null;
      neg = triplet ? gaussian(n, seed + 8, 1f) : null;
      tPred = Tensor.of(pred, rows, cols);
      tReal = tensor(real, rows, cols);
      tSign = tensor(sign, rows, cols);
      tProb = tensor(prob, rows, cols);
      tCls = cls == null ? null : Tensor.of(cls, rows);
      tDist = tensor(dist, rows, cols);
      tPos = tensor(pos, rows, cols);
      tNeg = tensor(neg, rows, cols);
      out = new float[rows];
    }

    private static Tensor tensor(float[] a, int rows, int cols) {
      return a == null ? null : Tensor.of(a, rows, cols);
    }
  }

  /** CTC inputs: scores (N, T, C) in NTC layout and full-length labels (N, L) of classes 0..C-2. */
  public static final class CtcInputs {
    public final int n;
    public final int t;
    public final int c;
    public final int l;
    public final float[] pred;
    public final float[] label;
    public final Tensor tPred;
    public final Tensor tLabel;
    public final float[] out;

    public CtcInputs(int n, int t, int c, int l) {
      long seed = 7L * n + 31L * t + c + l;
      this.n = n;
      this.t = t;
      this.c = c;
      this.l = l;
      pred = gaussian(n * t * c, seed, 2f);
      label = classes(n * l, c - 1, seed + 1);
      tPred = Tensor.of(pred, n, t, c);
      tLabel = Tensor.of(label, n, l);
      out = new float[n];
    }
  }
}
