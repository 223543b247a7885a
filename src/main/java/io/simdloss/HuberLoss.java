package io.simdloss;

import io.simdloss.internal.LossKernels;
import io.simdloss.internal.PointwiseOp;

/**
 * Smoothed L1, Gluon's {@code HuberLoss}: per element with {@code d = |pred - label|},
 * {@code d > rho ? d - rho/2 : d^2 / (2 rho)}, then {@code weight * mean} over the non-batch axes.
 * Default rho 1. (Gluon tests {@code d > rho}; at {@code d == rho} both branches equal rho/2.)
 */
public final class HuberLoss extends PointwiseLoss {
  private final float rho;

  /** Gluon's defaults: rho 1, weight None, batch axis 0. */
  public HuberLoss() {
    this(builder());
  }

  private HuberLoss(Builder b) {
    super(b.weight, b.batchAxis);
    if (!(b.rho >= Float.MIN_NORMAL) || Float.isInfinite(b.rho)) {
      // a subnormal rho would make 0.5/rho overflow to +inf, and inf * 0 = NaN where pred == label
      // the bound spelled out: "..." + Float.MIN_NORMAL is a constant that javac folds with its own
      // Float.toString, which gives 1.17549435E-38 on JDK 17 and 1.1754944E-38 from JDK 19 on
      throw new IllegalArgumentException("rho: expected a finite number >= 1.17549435E-38"
          + " (a positive normal float), got " + b.rho);
    }
    this.rho = b.rho;
  }

  /** A builder starting from Gluon's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The threshold between the quadratic and the linear part. */
  public float rho() {
    return rho;
  }

  @Override
  void map(LossKernels k, float[] pred, float[] label, int start, float[] dst, int len) {
    k.huber(rho, pred, start, label, start, dst, 0, len);
  }

  @Override
  PointwiseOp pointwiseOp() {
    return PointwiseOp.HUBER;
  }

  @Override
  float pointwiseParameter() {
    return rho;
  }

  @Override
  void mapWithGradient(LossKernels k, float[] pred, float[] label, int start, float[] dst, float[] up, float[] grad,
      int len) {
    k.huberWithGradient(rho, pred, start, label, start, up, 0, dst, 0, grad, start, len);
  }

  @Override
  void describeOptions(StringBuilder s) {
    s.append(", rho=").append(rho);
  }

  /** Options of {@link HuberLoss}. */
  public static final class Builder extends Loss.Builder<HuberLoss, Builder> {
    float rho = 1f;

    Builder() {
      super(null);
    }

    /** Gluon's {@code rho}, default 1; must be finite, positive and not subnormal. */
    public Builder rho(float rho) {
      this.rho = rho;
      return this;
    }

    @Override
    public HuberLoss build() {
      return new HuberLoss(this);
    }
  }
}
