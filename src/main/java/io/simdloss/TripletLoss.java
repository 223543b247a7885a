package io.simdloss;

import io.simdloss.internal.SampleReduction;
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

  /** As {@link #forward(Tensor, Tensor, Tensor)}, writing into {@code out} and returning it. */
  public float[] forward(Tensor pred, Tensor positive, Tensor negative, float[] out) {
    Shapes.required("pred", pred);
    checkSameSize("positive", positive, pred);
    checkSameSize("negative", negative, pred);
    int batch = Shapes.axis("batchAxis", batchAxis(), pred.rank());
    int samples = pred.dim(batch);
    Shapes.output("out", out, samples);
    Workspace ws = Workspace.get();
    try {
      ws.a = pred.data();
      ws.b = positive.data();
      ws.c = negative.data();
      double[] sums = sumPerSample(ws, source, pred.shapeView(), batch, null);
      double w = weightOrOne();
      for (int n = 0; n < samples; n++) {
        out[n] = (float) (Math.max(sums[n] + margin, 0d) * w);
      }
    } finally {
      ws.release();
    }
    return out;
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
