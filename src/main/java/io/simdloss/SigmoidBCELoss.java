package io.simdloss;

/** Gluon's alias {@code SigmoidBCELoss} of {@link SigmoidBinaryCrossEntropyLoss}: the same loss, the same defaults. */
public final class SigmoidBCELoss extends SigmoidBinaryCrossEntropyLoss {
  /** Gluon's defaults: fromSigmoid false, weight None, batch axis 0. */
  public SigmoidBCELoss() {
    super(SigmoidBinaryCrossEntropyLoss.builder());
  }

  /** The builder of {@link SigmoidBinaryCrossEntropyLoss}. */
  public static SigmoidBinaryCrossEntropyLoss.Builder builder() {
    return SigmoidBinaryCrossEntropyLoss.builder();
  }
}
