package io.simdloss;

import io.simdloss.internal.LossKernels;

/**
 * Gluon's {@code HingeLoss} for labels -1 or 1: {@code L = weight * mean(max(0, margin - pred * label))} over
 * the non-batch axes. Default margin 1.
 */
public final class HingeLoss extends PointwiseLoss {
  private final float margin;

  /** Gluon's defaults: margin 1, weight None, batch axis 0. */
  public HingeLoss() {
    this(builder());
  }

  private HingeLoss(Builder b) {
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
    k.hinge(margin, pred, start, label, start, dst, 0, len);
  }

  @Override
  void describeOptions(StringBuilder s) {
    s.append(", margin=").append(margin);
  }

  /** Options of {@link HingeLoss}. */
  public static final class Builder extends Loss.Builder<HingeLoss, Builder> {
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
    public HingeLoss build() {
      return new HingeLoss(this);
    }
  }
}
