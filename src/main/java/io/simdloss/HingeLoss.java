package io.simdloss;

import io.simdloss.internal.LossKernels;
import io.simdloss.internal.PointwiseOp;

/**
 * Gluon's {@code HingeLoss} for labels -1 or 1: {@code L = weight * mean(max(0, margin - pred * label))} over
 * the non-batch axes. Default margin 1.
 */
public final class HingeLoss extends MarginLoss {
  /** Gluon's defaults: margin 1, weight None, batch axis 0. */
  public HingeLoss() {
    this(builder());
  }

  private HingeLoss(Builder b) {
    super(b);
  }

  /** A builder starting from Gluon's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  void map(LossKernels k, float[] pred, float[] label, int start, float[] dst, int len) {
    k.hinge(margin, pred, start, label, start, dst, 0, len);
  }

  @Override
  PointwiseOp pointwiseOp() {
    return PointwiseOp.HINGE;
  }

  @Override
  float pointwiseParameter() {
    return margin;
  }

  @Override
  void mapWithGradient(LossKernels k, float[] pred, float[] label, int start, float[] dst, float[] up, float[] grad,
      int len) {
    k.hingeWithGradient(margin, pred, start, label, start, up, 0, dst, 0, grad, start, len);
  }

  /** Options of {@link HingeLoss}: margin, weight, batchAxis. */
  public static final class Builder extends MarginBuilder<HingeLoss, Builder> {
    @Override
    public HingeLoss build() {
      return new HingeLoss(this);
    }
  }
}
