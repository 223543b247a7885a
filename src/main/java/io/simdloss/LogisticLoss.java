package io.simdloss;

import io.simdloss.internal.LossKernels;

/**
 * Gluon's {@code LogisticLoss} for labels -1 or 1: {@code L = weight * mean(log(1 + exp(-pred * label)))},
 * evaluated as a softplus so that it stays finite: at {@code pred * label = -100} it is 100, not Infinity
 * (Gluon's literal formula overflows in float32 there).
 */
public final class LogisticLoss extends PointwiseLoss {
  /** Gluon's defaults: weight None, batch axis 0. */
  public LogisticLoss() {
    this(builder());
  }

  private LogisticLoss(Builder b) {
    super(b.weight, b.batchAxis);
  }

  /** A builder starting from Gluon's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  void map(LossKernels k, float[] pred, float[] label, int start, float[] dst, int len) {
    k.logistic(pred, start, label, start, dst, 0, len);
  }

  @Override
  void mapWithGradient(LossKernels k, float[] pred, float[] label, int start, float[] dst, float[] up, float[] grad,
      int len) {
    k.logisticWithGradient(pred, start, label, start, up, 0, dst, 0, grad, start, len);
  }

  @Override
  void describeOptions(StringBuilder s) {}

  /** Options of {@link LogisticLoss}. */
  public static final class Builder extends Loss.Builder<LogisticLoss, Builder> {
    Builder() {
      super(null);
    }

    @Override
    public LogisticLoss build() {
      return new LogisticLoss(this);
    }
  }
}
