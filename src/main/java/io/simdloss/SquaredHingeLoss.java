package io.simdloss;

import io.simdloss.internal.LossKernels;

/**
 * Gluon's {@code SquaredHingeLoss} for labels -1 or 1:
 * {@code L = weight * mean(max(0, margin - pred * label)^2)} over the non-batch axes. Default margin 1.
 */
public final class SquaredHingeLoss extends PointwiseLoss {
  private final float margin;

  /** Gluon's defaults: margin 1, weight None, batch axis 0. */
  public SquaredHingeLoss() {
    this(builder());
  }

  private SquaredHingeLoss(Builder b) {
    super(b.weight, b.batchAxis);
    this.margin = Margins.check(b.margin);
  }

  /** A builder starting from Gluon's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The margin. */
  public float margin() {
    return margin;
  }

  @Override
  void map(LossKernels k, float[] pred, float[] label, int start, float[] dst, int len) {
    k.squaredHinge(margin, pred, start, label, start, dst, 0, len);
  }

  @Override
  void describeOptions(StringBuilder s) {
    s.append(", margin=").append(margin);
  }

  /** Options of {@link SquaredHingeLoss}. */
  public static final class Builder extends Loss.Builder<SquaredHingeLoss, Builder> {
    float margin = 1f;

    Builder() {
      super(null);
    }

    /** Gluon's {@code margin}, default 1; must be finite. */
    public Builder margin(float margin) {
      this.margin = margin;
      return this;
    }

    @Override
    public SquaredHingeLoss build() {
      return new SquaredHingeLoss(this);
    }
  }
}
