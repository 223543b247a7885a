package io.simdloss;

import io.simdloss.internal.LossKernels;

/**
 * Gluon's {@code SigmoidBinaryCrossEntropyLoss} (alias {@link SigmoidBCELoss}), for labels in [0, 1].
 *
 * <p>With {@code fromSigmoid} false (default) pred holds logits and each element is
 * {@code max(x, 0) - x*z + log(1 + exp(-|x|))}, Gluon's log-sum-exp form rearranged: finite for any finite
 * logit. With {@code fromSigmoid} true pred holds probabilities and each element is
 * {@code -(log(p + 1e-12) z + log(1 - p + 1e-12) (1 - z))}, exactly Gluon's. Then {@code weight * mean} over the
 * non-batch axes.
 */
public class SigmoidBinaryCrossEntropyLoss extends PointwiseLoss {
  private final boolean fromSigmoid;

  /** Gluon's defaults: fromSigmoid false, weight None, batch axis 0. */
  public SigmoidBinaryCrossEntropyLoss() {
    this(builder());
  }

  SigmoidBinaryCrossEntropyLoss(Builder b) {
    super(b.weight, b.batchAxis);
    this.fromSigmoid = b.fromSigmoid;
  }

  /** A builder starting from Gluon's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether pred holds probabilities rather than logits. */
  public final boolean fromSigmoid() {
    return fromSigmoid;
  }

  @Override
  final void map(LossKernels k, float[] pred, float[] label, int start, float[] dst, int len) {
    if (fromSigmoid) {
      k.sigmoidBceFromProbability(pred, start, label, start, dst, 0, len);
    } else {
      k.sigmoidBce(pred, start, label, start, dst, 0, len);
    }
  }

  @Override
  final void mapWithGradient(LossKernels k, float[] pred, float[] label, int start, float[] dst, float[] up,
      float[] grad, int len) {
    if (fromSigmoid) {
      k.sigmoidBceFromProbabilityWithGradient(pred, start, label, start, up, 0, dst, 0, grad, start, len);
    } else {
      k.sigmoidBceWithGradient(pred, start, label, start, up, 0, dst, 0, grad, start, len);
    }
  }

  @Override
  final void describeOptions(StringBuilder s) {
    s.append(", from_sigmoid=").append(pythonBool(fromSigmoid));
  }

  @Override
  final String gluonName() {
    return "SigmoidBinaryCrossEntropyLoss";
  }

  /** Options of {@link SigmoidBinaryCrossEntropyLoss}. */
  public static final class Builder extends Loss.Builder<SigmoidBinaryCrossEntropyLoss, Builder> {
    boolean fromSigmoid;

    Builder() {
      super(null);
    }

    /** Gluon's {@code from_sigmoid}, default false: whether pred holds probabilities. */
    public Builder fromSigmoid(boolean fromSigmoid) {
      this.fromSigmoid = fromSigmoid;
      return this;
    }

    @Override
    public SigmoidBinaryCrossEntropyLoss build() {
      return new SigmoidBinaryCrossEntropyLoss(this);
    }
  }
}
