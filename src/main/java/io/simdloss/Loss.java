package io.simdloss;

import io.simdloss.internal.KernelProvider;
import io.simdloss.internal.LossKernels;
import io.simdloss.internal.SampleReduction;
import io.simdloss.internal.Shapes;
import io.simdloss.internal.Workspace;

/**
 * Base of every loss: Gluon's {@code Loss(weight, batch_axis)}. Losses are immutable and thread-safe; their
 * {@code toString()} shows every option, like Gluon's repr.
 *
 * <p>{@code weight} is Gluon's global scalar weight: {@code null} stands for Gluon's {@code None} (no
 * weighting, the same result as 1). It multiplies the loss after the sample weight.
 */
public abstract class Loss {
  private final Float weight;
  private final int batchAxis;

  Loss(Float weight, int batchAxis) {
    if (weight != null && Float.isNaN(weight)) {
      throw new IllegalArgumentException("weight: expected a number, got NaN");
    }
    this.weight = weight;
    this.batchAxis = batchAxis;
  }

  /** The global weight, or null for Gluon's {@code None}. */
  public final Float weight() {
    return weight;
  }

  /** The batch axis as given (it may be negative, counted from the end, as in numpy). */
  public final int batchAxis() {
    return batchAxis;
  }

  /** The weight, 1 when it is None. */
  final double weightOrOne() {
    return weight == null ? 1d : weight;
  }

  /** Appends {@code , name=value} for each option beyond batch_axis and w. */
  abstract void describeOptions(StringBuilder s);

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(gluonName())
        .append("(batch_axis=").append(batchAxis)
        .append(", w=").append(weight == null ? "None" : weight.toString());
    describeOptions(s);
    return s.append(')').toString();
  }

  /** The Gluon class name shown by toString (an alias shows the class it stands for). */
  String gluonName() {
    return getClass().getSimpleName();
  }

  static String pythonBool(boolean b) {
    return b ? "True" : "False";
  }

  /**
   * Sums an elementwise loss per sample (see {@link SampleReduction}) and leaves the sums in the workspace.
   * Validates the sample weight against the loss shape first.
   */
  static double[] sumPerSample(Workspace ws, SampleReduction.ElementSource source, int[] lossShape,
      int batchAxis, Tensor sampleWeight) {
    checkSampleWeight(sampleWeight, lossShape);
    SampleReduction.sumPerSample(kernels(), ws, source, lossShape, batchAxis,
        sampleWeight == null ? null : sampleWeight.data(), sampleWeight == null ? null : sampleWeight.shapeView());
    return SampleReduction.sums(ws);
  }

  /** The sample weight, when there is one, must broadcast to the loss shape. */
  private static void checkSampleWeight(Tensor sampleWeight, int[] lossShape) {
    if (sampleWeight != null) {
      SampleReduction.checkBroadcast("sampleWeight", sampleWeight.shapeView(), lossShape);
    }
  }

  /**
   * As {@link #sumPerSample}, and writes the gradient into {@code ws.grad} (see
   * {@link SampleReduction#sumPerSampleWithGradient}).
   */
  static double[] sumPerSampleWithGradient(Workspace ws, SampleReduction.GradientSource source, int[] lossShape,
      int batchAxis, Tensor sampleWeight, float upScale) {
    checkSampleWeight(sampleWeight, lossShape);
    SampleReduction.sumPerSampleWithGradient(kernels(), ws, source, lossShape, batchAxis,
        sampleWeight == null ? null : sampleWeight.data(), sampleWeight == null ? null : sampleWeight.shapeView(),
        upScale);
    return SampleReduction.sums(ws);
  }

  /**
   * Checks that an output array ({@code out}, {@code loss}, a gradient) is not the data array of an input:
   * writing it would modify that input, which no call does, and a result read from an input it has already
   * overwritten would be wrong. A null input (an absent sample weight, say) is skipped. One input per call, so
   * that a check allocates nothing (no varargs array).
   */
  static void checkNotAnInput(String argument, float[] out, Tensor input, String inputName) {
    if (input != null && input.data() == out) {
      throw new IllegalArgumentException(argument + ": expected an array of its own, got " + inputName
          + "'s data array (writing " + argument + " would modify an input)");
    }
  }

  /** Checks that two output arrays of one call are distinct (writing one would overwrite the other). */
  static void checkDistinct(String argument, float[] out, float[] other, String otherName) {
    if (out == other) {
      throw new IllegalArgumentException(argument + ": expected an array other than " + otherName
          + ", got the same array");
    }
  }

  static LossKernels kernels() {
    return KernelProvider.get();
  }

  /** Checks that {@code other} has as many elements as {@code pred}, Gluon's reshape_like rule. */
  static void checkSameSize(String argument, Tensor other, Tensor pred) {
    Shapes.required(argument, other);
    if (other.size() != pred.size()) {
      throw new IllegalArgumentException(argument + ": expected " + pred.size() + " elements to reshape like pred "
          + Shapes.format(pred.shapeView()) + ", got shape " + Shapes.format(other.shapeView()) + " with "
          + other.size() + " elements");
    }
  }

  /**
   * The builder every loss's builder extends: Gluon's {@code weight} and {@code batch_axis}.
   *
   * @param <L> the loss built
   * @param <B> the concrete builder, returned by each setter
   */
  public abstract static class Builder<L extends Loss, B extends Builder<L, B>> {
    Float weight;
    int batchAxis;

    Builder(Float defaultWeight) {
      this.weight = defaultWeight;
    }

    /** Gluon's {@code weight}: the global scalar weight. */
    public final B weight(float weight) {
      this.weight = weight;
      return self();
    }

    /** Gluon's {@code batch_axis}, default 0; negative values count from the end. */
    public final B batchAxis(int batchAxis) {
      this.batchAxis = batchAxis;
      return self();
    }

    @SuppressWarnings("unchecked")
    final B self() {
      return (B) this;
    }

    /** The loss with these options. */
    public abstract L build();
  }

  /**
   * A builder with Gluon's {@code margin} option (default 1), shared by the hinge and triplet losses.
   *
   * @param <L> the loss built
   * @param <B> the concrete builder, returned by each setter
   */
  public abstract static class MarginBuilder<L extends Loss, B extends MarginBuilder<L, B>> extends Builder<L, B> {
    float margin = 1f;

    MarginBuilder() {
      super(null);
    }

    /** Gluon's {@code margin}, default 1; must be finite. */
    public final B margin(float margin) {
      this.margin = margin;
      return self();
    }
  }

  /** The one check of a margin option. */
  static float checkMargin(float margin) {
    if (!Float.isFinite(margin)) {
      throw new IllegalArgumentException("margin: expected a finite number, got " + margin);
    }
    return margin;
  }
}
