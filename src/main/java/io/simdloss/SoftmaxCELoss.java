package io.simdloss;

/** Gluon's alias {@code SoftmaxCELoss} of {@link SoftmaxCrossEntropyLoss}: the same loss, the same defaults. */
public final class SoftmaxCELoss extends SoftmaxCrossEntropyLoss {
  /** Gluon's defaults: axis -1, sparseLabel true, fromLogits false, weight None, batch axis 0. */
  public SoftmaxCELoss() {
    super(SoftmaxCrossEntropyLoss.builder());
  }

  /** The builder of {@link SoftmaxCrossEntropyLoss}. */
  public static SoftmaxCrossEntropyLoss.Builder builder() {
    return SoftmaxCrossEntropyLoss.builder();
  }
}
