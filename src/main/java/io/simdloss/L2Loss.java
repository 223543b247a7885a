package io.simdloss;

import io.simdloss.internal.LossKernels;
import io.simdloss.internal.PointwiseOp;

/**
 * Mean squared error, Gluon's {@code L2Loss}: {@code L = weight/2 * mean((pred - label)^2)} over the non-batch
 * axes. Default weight 1 (so the default loss is half the mean squared error).
 */
public final class L2Loss extends PointwiseLoss {
  /** Gluon's defaults: weight 1, batch axis 0. */
  public L2Loss() {
    this(builder());
  }

  private L2Loss(Builder b) {
    super(b.weight, b.batchAxis);
  }

  /** A builder starting from Gluon's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  double scale() {
    return weightOrOne() / 2;
  }

  @Override
  void map(LossKernels k, float[] pred, float[] label, int start, float[] dst, int len) {
    k.squaredError(pred, start, label, start, dst, 0, len);
  }

  @Override
  PointwiseOp pointwiseOp() {
    return PointwiseOp.SQUARED_ERROR;
  }

  @Override
  void mapWithGradient(LossKernels k, float[] pred, float[] label, int start, float[] dst, float[] up, float[] grad,
      int len) {
    k.squaredErrorWithGradient(pred, start, label, start, up, 0, dst, 0, grad, start, len);
  }

  @Override
  void describeOptions(StringBuilder s) {}

  /** Options of {@link L2Loss}. */
  public static final class Builder extends Loss.Builder<L2Loss, Builder> {
    Builder() {
      super(1f);
    }

    @Override
    public L2Loss build() {
      return new L2Loss(this);
    }
  }
}
