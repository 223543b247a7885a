package io.simdloss;

import io.simdloss.internal.LossKernels;
import io.simdloss.internal.PointwiseOp;

/** Mean absolute error, Gluon's {@code L1Loss}: {@code L = weight * mean(|pred - label|)} over the non-batch axes. */
public final class L1Loss extends PointwiseLoss {
  /** Gluon's defaults: weight None, batch axis 0. */
  public L1Loss() {
    this(builder());
  }

  private L1Loss(Builder b) {
    super(b.weight, b.batchAxis);
  }

  /** A builder starting from Gluon's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  void map(LossKernels k, float[] pred, float[] label, int start, float[] dst, int len) {
    k.absoluteError(pred, start, label, start, dst, 0, len);
  }

  @Override
  PointwiseOp pointwiseOp() {
    return PointwiseOp.ABSOLUTE_ERROR;
  }

  @Override
  void mapWithGradient(LossKernels k, float[] pred, float[] label, int start, float[] dst, float[] up, float[] grad,
      int len) {
    k.absoluteErrorWithGradient(pred, start, label, start, up, 0, dst, 0, grad, start, len);
  }

  @Override
  void describeOptions(StringBuilder s) {}

  /** Options of {@link L1Loss}. */
  public static final class Builder extends Loss.Builder<L1Loss, Builder> {
    Builder() {
      super(null);
    }

    @Override
    public L1Loss build() {
      return new L1Loss(this);
    }
  }
}
