package io.simdloss;

import io.simdloss.internal.LossKernels;
import io.simdloss.internal.SampleReduction;
import io.simdloss.internal.ScalarLossKernels;
import io.simdloss.internal.Shapes;
import io.simdloss.internal.Workspace;

/**
 * Gluon's {@code TripletLoss}: per sample
 * {@code L = weight * max(sum(||pred - positive||^2 - ||pred - negative||^2) + margin, 0)}, the sum running over
 * every axis except the batch axis (a sum, not a mean). positive and negative have pred's number of elements.
 * There is no sample weight, as in Gluon. Default margin 1.
 */
public final class TripletLoss extends Loss {
  private final float margin;
  private final SampleReduction.ElementSource source = this::fill;

  /** Gluon's defaults: margin 1, weight None, batch axis 0. */
  public TripletLoss() {
    this(builder());
  }

  private TripletLoss(Builder b) {
    super(b.weight, b.batchAxis);
    this.margin = checkMargin(b.margin);
  }

  /** A builder starting from Gluon's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The margin. */
  public float margin() {
    return margin;
  }

  /** The per-sample loss, a new array of the batch axis's size. */
  public float[] forward(Tensor pred, Tensor positive, Tensor negative) {
    Shapes.required("pred", pred);
    int axis = Shapes.axis("batchAxis", batchAxis(), pred.rank());
    return forward(pred, positive, negative, new float[pred.dim(axis)]);
  }

  /**
   * As {@link #forward(Tensor, Tensor, Tensor)}, writing into {@code out} (not an input's data array) and returning
   * it.
   */
  public float[] forward(Tensor pred, Tensor positive, Tensor negative, float[] out) {
    Shapes.required("pred", pred);
    checkSameSize("positive", positive, pred);
    checkSameSize("negative", negative, pred);
    int batch = Shapes.axis("batchAxis", batchAxis(), pred.rank());
    int samples = pred.dim(batch);
    Shapes.output("out", out, samples);
    checkNotAnInput("out", out, pred, positive, negative);
    if (batch == 0 && samples > 0 && samples <= PointwiseLoss.ROW_SHORTCUT_MAX_SAMPLES
        && pred.size() / samples < LossKernels.SEQUENTIAL_BELOW) {
      forwardShortRows(pred.data(), positive.data(), negative.data(), pred.size() / samples, out);
      return out;
    }
    Workspace ws = Workspace.get();
    try {
      int[] shape = pred.shapeView();
      int inner = Shapes.product(shape, batch + 1, shape.length);
      double w = weightOrOne();
      LossKernels k = kernels();
      if (inner >= LossKernels.SEQUENTIAL_BELOW && k.fusesTripletSum()) {
        // runs of 16 or more contiguous elements: each sample summed straight from the operands (see sampleSum)
        int outer = Shapes.product(shape, 0, batch);
        float[] p = pred.data();
        float[] q = positive.data();
        float[] r = negative.data();
        for (int n = 0, start = 0; n < samples; n++, start += inner) {
          double sum = outer == 1 ? rowSum(k, p, q, r, n, start, samples, inner, ws.chunk)
              : sampleSum(k, p, q, r, n, samples, outer, inner, ws.chunk);
          out[n] = (float) (Math.max(sum + margin, 0d) * w);
        }
        return out;
      }
      ws.a = pred.data();
      ws.b = positive.data();
      ws.c = negative.data();
      double[] sums = sumPerSample(ws, source, shape, batch, null);
      for (int n = 0; n < samples; n++) {
        out[n] = (float) (Math.max(sums[n] + margin, 0d) * w);
      }
    } finally {
      ws.release();
    }
    return out;
  }

  /**
   * {@link #forward} for a few samples of fewer than 16 elements with the batch axis first, as the pointwise
   * losses' row shortcut ({@code PointwiseLoss.forwardRows}): each sample summed straight from the operands, with
   * no workspace and no element buffer. The general path's bits: at most 60 elements lie in its first
   * 1024-element chunk, so each sample is one run of fewer than 16 terms, a sequential float sum from 0 in the
   * canonical order, added in double to 0.
   */
  private void forwardShortRows(float[] p, float[] q, float[] r, int inner, float[] out) {
    double w = weightOrOne();
    for (int n = 0, start = 0; n < out.length; n++, start += inner) {
      double sum = 0d + ScalarLossKernels.addTripletTerms(0f, p, start, q, start, r, start, inner);
      out[n] = (float) (Math.max(sum + margin, 0d) * w);
    }
  }

  /**
   * The loss and its gradients: writes into {@code loss} what {@link #forward} returns (the same bits) and into
   * {@code gradPred}, {@code gradPositive} and {@code gradNegative} (each pred's number of elements, in pred's
   * layout) the derivatives of {@code sum_n loss[n]}: for a sample whose hinge is active
   * ({@code sum + margin > 0}), {@code weight * 2(negative - positive)}, {@code weight * 2(positive - pred)} and
   * {@code weight * 2(pred - negative)}; 0 for a sample whose hinge is not active (relu'(0) = 0, PyTorch's
   * choice); NaN for a sample whose sum is NaN. The gate of a sample is known only once its sum is, so the work
   * goes sample by sample: its sum (formed as in forward), then its gradients while its operands are in cache.
   * Allocates nothing; every argument is validated before anything is written. {@code loss} and the three gradients
   * must be four arrays of their own (none an input's data array).
   *
   * @return {@code loss}
   */
  public float[] forwardBackward(Tensor pred, Tensor positive, Tensor negative, float[] loss, float[] gradPred,
      float[] gradPositive, float[] gradNegative) {
    Shapes.required("pred", pred);
    checkSameSize("positive", positive, pred);
    checkSameSize("negative", negative, pred);
    int batch = Shapes.axis("batchAxis", batchAxis(), pred.rank());
    int[] shape = pred.shapeView();
    int samples = shape[batch];
    int size = pred.size();
    Shapes.output("loss", loss, samples);
    checkNotAnInput("loss", loss, pred, positive, negative);
    Shapes.output("gradPred", gradPred, size);
    checkNotAnInput("gradPred", gradPred, pred, positive, negative);
    checkDistinct("gradPred", gradPred, loss, "loss");
    Shapes.output("gradPositive", gradPositive, size);
    checkNotAnInput("gradPositive", gradPositive, pred, positive, negative);
    checkDistinct("gradPositive", gradPositive, loss, "loss");
    checkDistinct("gradPositive", gradPositive, gradPred, "gradPred");
    Shapes.output("gradNegative", gradNegative, size);
    checkNotAnInput("gradNegative", gradNegative, pred, positive, negative);
    checkDistinct("gradNegative", gradNegative, loss, "loss");
    checkDistinct("gradNegative", gradNegative, gradPred, "gradPred");
    checkDistinct("gradNegative", gradNegative, gradPositive, "gradPositive");
    Workspace ws = Workspace.get();
    try {
      LossKernels k = kernels();
      float[] chunk = ws.chunk;
      double w = weightOrOne();
      int inner = Shapes.product(shape, batch + 1, shape.length);
      int outer = Shapes.product(shape, 0, batch);
      float[] p = pred.data();
      float[] q = positive.data();
      float[] r = negative.data();
      // One sample at a time, so that its operands are still in cache when its gradients are written: first its
      // sum as forward forms it (sampleSum), then its gate and its gradients.
      if (outer == 1) {
        // the batch axis first (or only singleton axes before it): each sample one run, at start
        for (int n = 0, start = 0; n < samples; n++, start += inner) {
          double hinge = rowSum(k, p, q, r, n, start, samples, inner, chunk) + margin;
          loss[n] = (float) (Math.max(hinge, 0d) * w);
          float gate = hinge > 0 ? (float) w : hinge <= 0 ? 0f : Float.NaN;
          k.tripletGradient(gate, p, start, q, start, r, start, gradPred, gradPositive, gradNegative, start, inner);
        }
        return loss;
      }
      for (int n = 0; n < samples; n++) {
        double hinge = sampleSum(k, p, q, r, n, samples, outer, inner, chunk) + margin;
        loss[n] = (float) (Math.max(hinge, 0d) * w);
        float gate = hinge > 0 ? (float) w : hinge <= 0 ? 0f : Float.NaN;
        for (int o = 0; o < outer; o++) {
          int offset = (o * samples + n) * inner;
          k.tripletGradient(gate, p, offset, q, offset, r, offset, gradPred, gradPositive, gradNegative, offset,
              inner);
        }
      }
    } finally {
      ws.release();
    }
    return loss;
  }

  /** {@link Loss#checkNotAnInput} against each input of this call. */
  private static void checkNotAnInput(String argument, float[] out, Tensor pred, Tensor positive, Tensor negative) {
    checkNotAnInput(argument, out, pred, "pred");
    checkNotAnInput(argument, out, positive, "positive");
    checkNotAnInput(argument, out, negative, "negative");
  }

  /**
   * {@link #sampleSum} where sample n is the single run at {@code start = n * inner} (nothing but singleton axes
   * before the batch axis), as one kernel call when the run lies in one chunk. The same bits ({@code 0d + part}
   * is sampleSum's first addition). Why apart: on JDK 17 the triplet's forwardBackward took 0.75-0.83x the time
   * with this in place of the general sample loop, paired medians of 5-10 rounds (GradientCost -p loss=Triplet);
   * on JDK 25 no change.
   */
  private static double rowSum(LossKernels k, float[] p, float[] q, float[] r, int n, int start, int samples,
      int inner, float[] scratch) {
    return Workspace.partInChunk(start, start + inner) == inner ? 0d + k.tripletSum(p, q, r, start, inner, scratch)
        : sampleSum(k, p, q, r, n, samples, 1, inner, scratch);
  }

  /**
   * Sample n's sum of triplet terms with the general path's bits ({@code sumPerSample} over the workspace's
   * chunks): the sample's runs of {@code inner} contiguous elements in flat order, each cut where a chunk of
   * Workspace.CHUNK flat elements ends, each part's float sum in the canonical order ({@code tripletSum}, the
   * bits of the terms summed from a buffer) added in double. Used by forwardBackward for every layout and by
   * forward for runs of 16 or more where the kernels fuse tripletSum, reading each operand once with no term
   * buffer: forward 256 x 128 took 0.74x (JDK 17) and 0.77x (JDK 25) of the buffered path's time, paired
   * medians of 8 rounds (README, "Triplet 256x128").
   */
  private static double sampleSum(LossKernels k, float[] p, float[] q, float[] r, int n, int samples, int outer,
      int inner, float[] scratch) {
    double sum = 0d;
    for (int o = 0; o < outer; o++) {
      int start = (o * samples + n) * inner;
      int end = start + inner;
      while (start < end) {
        int take = Workspace.partInChunk(start, end);
        sum += k.tripletSum(p, q, r, start, take, scratch);
        start += take;
      }
    }
    return sum;
  }

  private void fill(Workspace ws, int start, int len, float[] dst) {
    kernels().tripletTerm(ws.a, start, ws.b, start, ws.c, start, dst, 0, len);
  }

  @Override
  void describeOptions(StringBuilder s) {
    s.append(", margin=").append(margin);
  }

  /** Options of {@link TripletLoss}: margin, weight, batchAxis. */
  public static final class Builder extends MarginBuilder<TripletLoss, Builder> {
    @Override
    public TripletLoss build() {
      return new TripletLoss(this);
    }
  }
}
