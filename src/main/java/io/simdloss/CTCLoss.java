package io.simdloss;

import io.simdloss.internal.CtcRecursion;
import io.simdloss.internal.LossKernels;
import io.simdloss.internal.Shapes;

/**
 * Gluon's {@code CTCLoss}: Connectionist Temporal Classification (Graves et al., 2006). For each sample n,
 * {@code loss[n] = -log p(label_n | pred_n) * sampleWeight[n] * weight}, where {@code p} sums, over every
 * alignment of the sample's frames that collapses (merge repeats, then drop blanks) to its label, the product
 * of the per-frame softmax probabilities. It is a sum over the sequence: there is no mean.
 *
 * <h2>Inputs</h2>
 * <ul>
 *   <li>{@code pred}: unnormalized scores (a log-softmax over the classes is applied inside), rank 3 in the
 *       {@code layout}: {@code (N, T, C)} for NTC, {@code (T, N, C)} for TNC. Class {@code C-1} is the blank,
 *       so the alphabet proper is {@code 0 .. C-2}. {@code C >= 1} is required; with {@code C == 1} the blank
 *       is the only class and only empty labels are valid (their loss is 0).
 *   <li>{@code label}: class indices as integral floats, rank 2 in the {@code labelLayout}: {@code (N, L)} for
 *       NT, {@code (L, N)} for TN. Without {@code labelLengths}, a sample's label ends at its first {@code -1}
 *       (Gluon's padding) or at L; what follows the first -1 is ignored, whatever it holds. With
 *       {@code labelLengths}, {@code label[n][0 .. labelLengths[n])} is the label and the rest is ignored;
 *       -1 is then not allowed inside the length. Every value used must be an integer in {@code [0, C-2]}.
 *   <li>{@code predLengths} (optional, shape {@code (N,)}): integers in {@code [0, T]}, the number of frames
 *       of each sample (from the start); all T frames when absent.
 *   <li>{@code labelLengths} (optional, shape {@code (N,)}): integers in {@code [0, L]}.
 *   <li>{@code sampleWeight} (optional): broadcast to {@code (N,)}, so shape {@code ()}, {@code (1,)} or
 *       {@code (N,)}.
 * </ul>
 *
 * <h2>Results</h2>
 * A label needs {@code L + #{i : l_i == l_{i-1}}} frames (a blank must separate equal consecutive labels). A
 * sample whose label does not fit its frames has probability 0: its loss is {@code +Infinity}, or 0 with
 * {@code zeroInfinity(true)}, which replaces +Infinity (and only that, as PyTorch's {@code zero_infinity}: a
 * NaN from NaN scores of a feasible sample stays NaN, so bad data is not hidden) by 0 before the weights apply.
 * An infeasible sample is +Infinity whatever its scores: feasibility is decided before the scores are read. A sample with 0 frames and an empty label has loss 0.
 * Without zeroInfinity, an infinite loss times a zero weight is NaN, as in numpy. Rounding never makes a loss
 * negative: it is clamped at 0.
 *
 * <p>The recursion runs in log space in double ({@link CtcRecursion}); the per-frame log-sum-exp over the
 * classes runs in the active kernels. A forward into the caller's buffer allocates nothing once the thread's
 * scratch has grown to the shapes it sees. Inputs are never modified.
 *
 * <h2>Gradient</h2>
 * {@link #forwardBackward} writes the same loss and, in pred's layout, d(sum over n of loss[n]) / d pred:
 * softmax minus the posterior occupancy of each class, times the sample's weights; 0 for frames beyond
 * predLengths and for samples with an infinite loss (infeasible labels), NaN over the frames of a sample whose
 * loss is NaN. The loss and the gradient are the same bits on every backend.
 */
public final class CTCLoss extends Loss {
  private final String layout;
  private final String labelLayout;
  private final boolean zeroInfinity;

  /** Gluon's defaults: layout NTC, label layout NT (batch axis 0), weight None; zeroInfinity false. */
  public CTCLoss() {
    this(builder());
  }

  private CTCLoss(Builder b) {
    super(b.weight, b.labelLayout.indexOf('N'));
    this.layout = b.layout;
    this.labelLayout = b.labelLayout;
    this.zeroInfinity = b.zeroInfinity;
  }

  /** A builder starting from Gluon's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The layout of pred, {@code NTC} or {@code TNC}. */
  public String layout() {
    return layout;
  }

  /** The layout of label, {@code NT} or {@code TN}. */
  public String labelLayout() {
    return labelLayout;
  }

  /** Whether non-finite losses are replaced by 0. */
  public boolean zeroInfinity() {
    return zeroInfinity;
  }

  /** The per-sample loss, a new array of length N. */
  public float[] forward(Tensor pred, Tensor label) {
    return forward(pred, label, null, null, null);
  }

  /**
   * The per-sample loss, a new array of length N; {@code predLengths}, {@code labelLengths} and
   * {@code sampleWeight} may each be null.
   */
  public float[] forward(Tensor pred, Tensor label, Tensor predLengths, Tensor labelLengths, Tensor sampleWeight) {
    checkPred(pred);
    return forward(pred, label, predLengths, labelLengths, sampleWeight, new float[batch(pred)]);
  }

  /**
   * As {@link #forward(Tensor, Tensor, Tensor, Tensor, Tensor)}, writing into {@code out} (length N, not an
   * input's data array) and returning it. Every argument is validated before {@code out} is written.
   */
  public float[] forward(Tensor pred, Tensor label, Tensor predLengths, Tensor labelLengths, Tensor sampleWeight,
      float[] out) {
    validate(pred, label, predLengths, labelLengths, sampleWeight, "out", out, false, null);
    int[] ps = pred.shapeView();
    boolean ntc = layout.equals("NTC");
    int samples = ntc ? ps[0] : ps[1];
    int frames = ntc ? ps[1] : ps[0];
    int classes = ps[2];
    int maxLabel = label.shapeView()[batchAxis() == 0 ? 1 : 0];

    float[] p = pred.data();
    float[] l = label.data();
    int sampleStride = ntc ? frames * classes : classes;
    int frameStride = ntc ? classes : samples * classes;
    int labelSampleStride = batchAxis() == 0 ? maxLabel : 1;
    int labelStride = batchAxis() == 0 ? 1 : samples;
    double w = weightOrOne();
    LossKernels k = kernels();
    CtcRecursion.Scratch scratch = CtcRecursion.Scratch.get();
    for (int n = 0; n < samples; n++) {
      int labelOffset = n * labelSampleStride;
      int length = labelLength(labelLengths, n, l, labelOffset, labelStride, maxLabel);
      int used = predLengths != null ? (int) predLengths.data()[n] : frames;
      double nll = CtcRecursion.negLogLikelihood(k, p, n * sampleStride, frameStride, classes, used, l,
          labelOffset, labelStride, length, scratch);
      out[n] = weighted(nll, sampleWeight, n, w);
    }
    return out;
  }

  /**
   * The loss and its gradient: writes into {@code loss} (length N) exactly what
   * {@link #forward(Tensor, Tensor, Tensor, Tensor, Tensor, float[])} writes (the same bits), and into
   * {@code grad} (length {@code pred.size()}, pred's layout) the derivative of {@code sum_n loss[n]} with
   * respect to pred: what autograd gives for {@code loss.backward()} on the per-sample vector. Returns
   * {@code loss}. {@code predLengths}, {@code labelLengths} and {@code sampleWeight} may each be null.
   *
   * <p>For sample n with frames {@code T_n}, upstream factor {@code u_n = sampleWeight[n] * weight} (each 1 when
   * absent, sampleWeight broadcast from (), (1,) or (N,)), frame log-sum-exp {@code lse_t} and the alpha and
   * beta lattices of {@link CtcRecursion}:
   * <pre>
   *   grad[n, t, c] = u_n * (exp(y[t, c]) - sum_{s : l'(s) = c} exp(alpha_t(s) + beta_t(s) - y[t, c] - log p))
   *                                                                     for t &lt; T_n, y[t, c] = x[t, c] - lse_t
   *   grad[n, t, c] = 0                                                 for T_n &lt;= t &lt; T
   * </pre>
   * softmax minus the posterior occupancy of each class. The softmax term is the active kernels'
   * {@code softmaxGradient} in float; the occupancy is accumulated and subtracted in double (with the
   * library's own double exp) and rounded once, so the result is the same bits on every backend, vector width
   * and JIT tier.
   *
   * <p>Conventions:
   * <ul>
   *   <li>A sample with an infinite loss before weighting (its label does not fit its frames, or -inf scores
   *       make it impossible) gets a gradient of 0 everywhere, with or without zeroInfinity (PyTorch zeroes it
   *       under {@code zero_infinity} and returns non-finite values otherwise; a 0 is the useful choice).
   *       Its loss is still +inf (or 0 with zeroInfinity, or NaN times a zero weight) as in forward.
   *   <li>A sample whose loss is NaN (NaN or +inf scores within its frames) gets NaN at every {@code (t, c)},
   *       {@code t < T_n} (0 beyond): the bad data shows, and only in that sample.
   *   <li>When rounding of the float {@code lse_t} puts {@code log p} a hair above 0, the loss is clamped to 0
   *       but the gradient keeps the formula with the unclamped {@code log p}.
   *   <li>{@code u_n} multiplies the gradient as is: a zero weight gives a zero gradient (a NaN weight, NaN).
   * </ul>
   *
   * <p>No allocation once warmed up: the alpha lattice ({@code T_n x (2 L_n + 1)} doubles), two beta rows,
   * {@code lse_t} and the extended label live in a per-thread scratch that only grows (it is retained by the
   * thread: one lattice of the largest sample seen). Every argument is validated before {@code loss} or
   * {@code grad} is written; inputs are never modified.
   *
   * @throws IllegalArgumentException if an argument is invalid, {@code loss} is not of length N, {@code grad} is
   *     null or not of length {@code pred.size()}, {@code loss} or {@code grad} is an input's data array,
   *     {@code grad} is {@code loss}, or a
   *     sample's lattice would exceed a Java array
   */
  public float[] forwardBackward(Tensor pred, Tensor label, Tensor predLengths, Tensor labelLengths,
      Tensor sampleWeight, float[] loss, float[] grad) {
    validate(pred, label, predLengths, labelLengths, sampleWeight, "loss", loss, true, grad);
    int[] ps = pred.shapeView();
    boolean ntc = layout.equals("NTC");
    int samples = ntc ? ps[0] : ps[1];
    int frames = ntc ? ps[1] : ps[0];
    int classes = ps[2];
    int maxLabel = label.shapeView()[batchAxis() == 0 ? 1 : 0];

    float[] l = label.data();
    int labelSampleStride = batchAxis() == 0 ? maxLabel : 1;
    int labelStride = batchAxis() == 0 ? 1 : samples;
    for (int n = 0; n < samples; n++) {
      int labelOffset = n * labelSampleStride;
      int length = labelLength(labelLengths, n, l, labelOffset, labelStride, maxLabel);
      int used = predLengths != null ? (int) predLengths.data()[n] : frames;
      long cells = CtcRecursion.latticeCells(used, length);
      if (cells > CtcRecursion.MAX_LATTICE_CELLS
          && CtcRecursion.requiredFrames(l, labelOffset, labelStride, length) <= used) {
        throw new IllegalArgumentException("pred: the CTC gradient keeps a T_n x (2 L_n + 1) lattice of doubles; "
            + "sample n=" + n + " needs " + used + " x " + (2L * length + 1) + " = " + cells
            + " cells, more than a Java array holds (" + CtcRecursion.MAX_LATTICE_CELLS + ")");
      }
    }

    float[] p = pred.data();
    int sampleStride = ntc ? frames * classes : classes;
    int frameStride = ntc ? classes : samples * classes;
    double w = weightOrOne();
    LossKernels k = kernels();
    CtcRecursion.Scratch scratch = CtcRecursion.Scratch.get();
    for (int n = 0; n < samples; n++) {
      int labelOffset = n * labelSampleStride;
      int length = labelLength(labelLengths, n, l, labelOffset, labelStride, maxLabel);
      int used = predLengths != null ? (int) predLengths.data()[n] : frames;
      int offset = n * sampleStride;
      double upstream = w;
      if (sampleWeight != null) {
        float[] sw = sampleWeight.data();
        upstream = (sw.length == 1 ? sw[0] : sw[n]) * w; // exact: a float times a float fits a double
      }
      double nll = CtcRecursion.negLogLikelihoodWithGradient(k, p, offset, frameStride, classes, used, l,
          labelOffset, labelStride, length, upstream, grad, scratch);
      // frames beyond predLengths get 0; so does every frame of a loss that zeroInfinity replaces by the
      // constant 0 (an infinite nll already has a 0 gradient; this is a finite one beyond the float range)
      int zeroFrom = zeroInfinity && (float) nll == Float.POSITIVE_INFINITY ? 0 : used;
      for (int t = zeroFrom; t < frames; t++) {
        int from = offset + t * frameStride;
        java.util.Arrays.fill(grad, from, from + classes, 0f);
      }
      loss[n] = weighted(nll, sampleWeight, n, w);
    }
    return loss;
  }

  /**
   * The weighted loss of sample n from its {@code -log p}: zeroInfinity, then sampleWeight, then weight.
   * zeroInfinity zeroes a loss that is +Infinity as a float: an infeasible sample, or a finite double beyond
   * Float.MAX_VALUE (scores near +-3e38).
   */
  private float weighted(double nll, Tensor sampleWeight, int n, double w) {
    if (zeroInfinity && (float) nll == Float.POSITIVE_INFINITY) {
      nll = 0d;
    }
    if (sampleWeight != null) {
      float[] sw = sampleWeight.data();
      nll *= sw.length == 1 ? sw[0] : sw[n];
    }
    return (float) (nll * w);
  }

  /**
   * Validates a call's arguments, in this order (the first invalid one is named): pred, label's shape, the
   * output {@code out} (named {@code outName}: N floats, not an input's data array), with a gradient {@code grad}
   * (pred's size, not an input's data array, not {@code out}), predLengths, labelLengths, the label values,
   * sampleWeight.
   */
  private void validate(Tensor pred, Tensor label, Tensor predLengths, Tensor labelLengths, Tensor sampleWeight,
      String outName, float[] out, boolean withGradient, float[] grad) {
    checkPred(pred);
    int[] ps = pred.shapeView();
    boolean ntc = layout.equals("NTC");
    int samples = ntc ? ps[0] : ps[1];
    int frames = ntc ? ps[1] : ps[0];
    checkLabelShape(label, samples);
    int maxLabel = label.shapeView()[batchAxis() == 0 ? 1 : 0];
    Shapes.output(outName, out, samples);
    checkNotAnInput(outName, out, pred, label, predLengths, labelLengths, sampleWeight);
    if (withGradient) {
      Shapes.output("grad", grad, pred.size());
      checkNotAnInput("grad", grad, pred, label, predLengths, labelLengths, sampleWeight);
      checkDistinct("grad", grad, out, outName);
    }
    checkLengths("predLengths", predLengths, samples, frames, "T");
    checkLengths("labelLengths", labelLengths, samples, maxLabel, "L");
    checkLabelValues(label, labelLengths, samples, maxLabel, ps[2]);
    checkSampleWeight(sampleWeight, samples);
  }

  /** {@link Loss#checkNotAnInput} against each input of this call. */
  private static void checkNotAnInput(String argument, float[] out, Tensor pred, Tensor label, Tensor predLengths,
      Tensor labelLengths, Tensor sampleWeight) {
    checkNotAnInput(argument, out, pred, "pred");
    checkNotAnInput(argument, out, label, "label");
    checkNotAnInput(argument, out, predLengths, "predLengths");
    checkNotAnInput(argument, out, labelLengths, "labelLengths");
    checkNotAnInput(argument, out, sampleWeight, "sampleWeight");
  }

  /** Sample n's label length: labelLengths[n] when given, otherwise the padded length (first -1). */
  private static int labelLength(Tensor labelLengths, int n, float[] label, int offset, int stride, int maxLabel) {
    return labelLengths != null ? (int) labelLengths.data()[n] : paddedLength(label, offset, stride, maxLabel);
  }

  /** The index of the first -1 in the sample's label, or L when there is none. */
  private static int paddedLength(float[] label, int offset, int stride, int maxLabel) {
    for (int i = 0; i < maxLabel; i++) {
      if (label[offset + i * stride] == -1f) {
        return i;
      }
    }
    return maxLabel;
  }

  private int batch(Tensor pred) {
    return layout.equals("NTC") ? pred.dim(0) : pred.dim(1);
  }

  private void checkPred(Tensor pred) {
    Shapes.required("pred", pred);
    int[] ps = pred.shapeView();
    String axes = layout.equals("NTC") ? "(N, T, C)" : "(T, N, C)";
    if (ps.length != 3) {
      throw new IllegalArgumentException("pred: expected rank 3 " + axes + " for layout " + layout
          + ", got shape " + Shapes.format(ps));
    }
    if (ps[2] < 1) {
      throw new IllegalArgumentException("pred: expected at least 1 class (C includes the blank, class C-1), "
          + "got shape " + Shapes.format(ps) + " with C = 0");
    }
  }

  private void checkLabelShape(Tensor label, int samples) {
    Shapes.required("label", label);
    int[] ls = label.shapeView();
    String axes = batchAxis() == 0 ? "(N, L)" : "(L, N)";
    if (ls.length != 2) {
      throw new IllegalArgumentException("label: expected rank 2 " + axes + " for label layout " + labelLayout
          + ", got shape " + Shapes.format(ls));
    }
    if (ls[batchAxis()] != samples) {
      throw new IllegalArgumentException("label: expected batch size N = " + samples + " (pred's) along axis "
          + batchAxis() + " " + axes + " for label layout " + labelLayout + ", got shape " + Shapes.format(ls));
    }
  }

  /** Lengths: null, or shape (N,) holding integers in [0, max]. */
  private static void checkLengths(String argument, Tensor lengths, int samples, int max, String maxName) {
    if (lengths == null) {
      return;
    }
    int[] s = lengths.shapeView();
    if (s.length != 1 || s[0] != samples) {
      throw new IllegalArgumentException(argument + ": expected shape (N,) = (" + samples + ",), got "
          + Shapes.format(s));
    }
    float[] v = lengths.data();
    for (int n = 0; n < samples; n++) {
      float x = v[n];
      // in double: an int beyond 2^24 rounds as a float, so (float) (T + 1) could pass x <= T
      if (!(x >= 0 && (double) x <= max) || x != (float) Math.floor(x)) {
        throw new IllegalArgumentException(argument + ": expected an integer in [0, " + maxName + "] = [0, " + max
            + "], got " + x + " at n=" + n);
      }
    }
  }

  private void checkLabelValues(Tensor label, Tensor labelLengths, int samples, int maxLabel, int classes) {
    float[] l = label.data();
    int sampleStride = batchAxis() == 0 ? maxLabel : 1;
    int stride = batchAxis() == 0 ? 1 : samples;
    int top = classes - 2; // the largest class index; the blank C-1 is not a label
    for (int n = 0; n < samples; n++) {
      int offset = n * sampleStride;
      int length = labelLengths == null ? maxLabel : (int) labelLengths.data()[n];
      for (int i = 0; i < length; i++) {
        float v = l[offset + i * stride];
        if (labelLengths == null && v == -1f) {
          break; // padding: the rest is ignored
        }
        if (!(v >= 0 && (double) v <= top) || v != (float) Math.floor(v)) { // in double, as checkLengths
          String expected = top < 0
              ? "no class index (pred has C = 1 class, the blank alone)"
              : "a class index in [0, " + top + "]";
          String padding = labelLengths == null
              ? " or -1 padding"
              : " within labelLengths[" + n + "] = " + length;
          throw new IllegalArgumentException("label: expected " + expected + padding + ", got " + v + " at (n=" + n
              + ", l=" + i + ")");
        }
      }
    }
  }

  private static void checkSampleWeight(Tensor sampleWeight, int samples) {
    if (sampleWeight == null) {
      return;
    }
    int[] s = sampleWeight.shapeView();
    boolean ok = s.length == 0 || (s.length == 1 && (s[0] == 1 || s[0] == samples));
    if (!ok) {
      throw new IllegalArgumentException("sampleWeight: expected a shape that broadcasts to the loss shape ("
          + samples + ",): (), (1,) or (" + samples + ",), got " + Shapes.format(s));
    }
  }

  @Override
  void describeOptions(StringBuilder s) {
    s.append(", layout=").append(layout)
        .append(", label_layout=").append(labelLayout)
        .append(", zero_infinity=").append(pythonBool(zeroInfinity));
  }

  /** Options of {@link CTCLoss}. There is no batch axis option: it follows the label layout, as in Gluon. */
  public static final class Builder {
    Float weight;
    String layout = "NTC";
    String labelLayout = "NT";
    boolean zeroInfinity;

    Builder() {}

    /** Gluon's {@code layout} of pred: {@code "NTC"} (default) or {@code "TNC"}. */
    public Builder layout(String layout) {
      if (!"NTC".equals(layout) && !"TNC".equals(layout)) {
        throw new IllegalArgumentException("layout: expected \"NTC\" or \"TNC\", got " + quoted(layout));
      }
      this.layout = layout;
      return this;
    }

    /** Gluon's {@code label_layout}: {@code "NT"} (default, batch axis 0) or {@code "TN"} (batch axis 1). */
    public Builder labelLayout(String labelLayout) {
      if (!"NT".equals(labelLayout) && !"TN".equals(labelLayout)) {
        throw new IllegalArgumentException("labelLayout: expected \"NT\" or \"TN\", got " + quoted(labelLayout));
      }
      this.labelLayout = labelLayout;
      return this;
    }

    /** Gluon's {@code weight}: the global scalar weight (default None). */
    public Builder weight(float weight) {
      this.weight = weight;
      return this;
    }

    /**
     * Whether an infinite loss becomes 0 (default false): PyTorch's {@code zero_infinity}, which zeroes the
     * +inf of infeasible labels. A NaN (from NaN scores of a feasible sample) stays NaN. An infeasible sample
     * is +inf whatever its scores, so with zeroInfinity it is 0 even when its scores hold NaN.
     */
    public Builder zeroInfinity(boolean zeroInfinity) {
      this.zeroInfinity = zeroInfinity;
      return this;
    }

    /** The loss with these options. */
    public CTCLoss build() {
      return new CTCLoss(this);
    }

    private static String quoted(String s) {
      return s == null ? "null" : "\"" + s + "\"";
    }
  }
}
