package io.simdloss;

/** A pointwise loss of labels -1 or 1 with Gluon's {@code margin} option: the hinge losses. */
public abstract class MarginLoss extends PointwiseLoss {
  final float margin;

  MarginLoss(MarginBuilder<?, ?> b) {
    super(b.weight, b.batchAxis);
    this.margin = checkMargin(b.margin);
  }

  /** The margin. */
  public final float margin() {
    return margin;
  }

  @Override
  final void describeOptions(StringBuilder s) {
    s.append(", margin=").append(margin);
  }
}
