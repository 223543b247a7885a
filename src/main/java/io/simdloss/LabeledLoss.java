package io.simdloss;

import io.simdloss.internal.PointwiseOp;
import io.simdloss.internal.SampleReduction;
import io.simdloss.internal.Shapes;
import io.simdloss.internal.Workspace;

/**
 * A loss of a prediction against a label with an optional sample weight, reduced to one value per sample by
 * the mean over every axis except the batch axis: {@code out[n] = scale * mean(loss * sampleWeight)} where
 * {@code scale} is the global weight (halved for {@link L2Loss}).
 */
public abstract class LabeledLoss extends Loss {
  private final SampleReduction.GradientSource source = new SampleReduction.GradientSource() {
    @Override
    public void fill(Workspace ws, int start, int len, float[] dst) {
      LabeledLoss.this.fill(ws, start, len, dst);
    }

    @Override
    public void fillWithGradient(Workspace ws, int start, int len, float[] dst, float[] up) {
      LabeledLoss.this.fillWithGradient(ws, start, len, dst, up);
    }

    @Override
    public PointwiseOp pointwiseOp() {
      return LabeledLoss.this.pointwiseOp();
    }

    @Override
    public float pointwiseParameter() {
      return LabeledLoss.this.pointwiseParameter();
    }
  };

  LabeledLoss(Float weight, int batchAxis) {
    super(weight, batchAxis);
  }

  /** The per-sample loss, a new array of the batch axis's size. */
  public final float[] forward(Tensor pred, Tensor label) {
    return forward(pred, label, null);
  }

  /**
   * The per-sample loss with a sample weight that broadcasts to the loss's shape by numpy rules (scalar,
   * per sample such as (N, 1), per class such as (C,), or the full shape); {@code sampleWeight} may be null.
   */
  public final float[] forward(Tensor pred, Tensor label, Tensor sampleWeight) {
    Shapes.required("pred", pred);
    int axis = Shapes.axis("batchAxis", batchAxis(), pred.rank());
    return forward(pred, label, sampleWeight, new float[samples(pred.shapeView(), axis)]);
  }

  /**
   * As {@link #forward(Tensor, Tensor, Tensor)}, writing into {@code out} (length: the batch axis's size; not an
   * input's data array) and returning it. Allocates nothing once this thread's workspace has grown to the shapes
   * it sees.
   */
  public final float[] forward(Tensor pred, Tensor label, Tensor sampleWeight, float[] out) {
    Shapes.required("pred", pred);
    Shapes.required("label", label);
    int batch = Shapes.axis("batchAxis", batchAxis(), pred.rank());
    int samples = samples(pred.shapeView(), batch);
    Shapes.output("out", out, samples);
    checkNotAnInput("out", out, pred, label, sampleWeight);
    if (sampleWeight == null && forwardRows(pred, label, batch, out)) {
      return out;
    }
    Workspace ws = Workspace.get();
    try {
      int[] lossShape = bind(ws, pred, label);
      double[] sums = sumPerSample(ws, source, lossShape, batch, sampleWeight);
      int perSample = samples == 0 ? 0 : Shapes.product(lossShape, 0, lossShape.length) / samples;
      double scale = scale() / perSample;
      for (int n = 0; n < samples; n++) {
        out[n] = (float) (sums[n] * scale);
      }
    } finally {
      ws.release();
    }
    return out;
  }

  /**
   * The loss and its gradient in one pass over memory: writes into {@code loss} what {@link #forward} returns
   * (the same bits) and into {@code grad} (pred's number of elements, in pred's layout)
   * {@code d(sum_n loss[n]) / d pred}: the global weight, the sample weight and the 1/count of the mean included.
   * {@code sampleWeight} may be null. Allocates nothing once this thread's workspace has grown to the shapes it
   * sees. Every argument is validated before anything is written; {@code loss} and {@code grad} must be arrays of
   * their own (not an input's data array, not each other).
   *
   * @return {@code loss}
   */
  public final float[] forwardBackward(Tensor pred, Tensor label, Tensor sampleWeight, float[] loss, float[] grad) {
    Shapes.required("pred", pred);
    Shapes.required("label", label);
    int batch = Shapes.axis("batchAxis", batchAxis(), pred.rank());
    int samples = samples(pred.shapeView(), batch);
    Shapes.output("loss", loss, samples);
    checkNotAnInput("loss", loss, pred, label, sampleWeight);
    Shapes.output("grad", grad, pred.size());
    checkNotAnInput("grad", grad, pred, label, sampleWeight);
    checkDistinct("grad", grad, loss, "loss");
    if (sampleWeight == null && forwardBackwardRows(pred, label, batch, loss, grad)) {
      return loss;
    }
    Workspace ws = Workspace.get();
    try {
      int[] lossShape = bind(ws, pred, label);
      int perSample = samples == 0 ? 0 : Shapes.product(lossShape, 0, lossShape.length) / samples;
      double scale = scale() / perSample;
      ws.grad = grad;
      double[] sums = sumPerSampleWithGradient(ws, source, lossShape, batch, sampleWeight, (float) scale);
      for (int n = 0; n < samples; n++) {
        loss[n] = (float) (sums[n] * scale);
      }
    } finally {
      ws.release();
    }
    return loss;
  }

  /** {@link Loss#checkNotAnInput} against each input of this call. */
  private static void checkNotAnInput(String argument, float[] out, Tensor pred, Tensor label, Tensor sampleWeight) {
    checkNotAnInput(argument, out, pred, "pred");
    checkNotAnInput(argument, out, label, "label");
    checkNotAnInput(argument, out, sampleWeight, "sampleWeight");
  }

  /**
   * A shortcut of {@link #forward(Tensor, Tensor, Tensor, float[])} without a sample weight, for the layouts where a
   * loss computes each sample's value directly: returns false (the default) to take the general path, or
   * validates the arguments as {@link #bind} does, writes {@code out} with the general path's bits, and returns
   * true. pred, label, the batch axis and out are checked already.
   */
  boolean forwardRows(Tensor pred, Tensor label, int batchAxis, float[] out) {
    return false;
  }

  /**
   * As {@link #forwardRows}, for {@link #forwardBackward}: also writes {@code grad} with the general path's bits.
   * loss and grad are checked already.
   */
  boolean forwardBackwardRows(Tensor pred, Tensor label, int batchAxis, float[] loss, float[] grad) {
    return false;
  }

  /**
   * The length of the output: the loss tensor's size along the batch axis (pred's, unless the loss
   * reduces that axis itself).
   */
  int samples(int[] predShape, int batchAxis) {
    return predShape[batchAxis];
  }

  /** The factor applied to the mean: the global weight (1 when None). */
  double scale() {
    return weightOrOne();
  }

  /**
   * Validates label against pred, stores the operands in the workspace and returns the shape of the
   * elementwise loss tensor (pred's shape, or a workspace array).
   */
  abstract int[] bind(Workspace ws, Tensor pred, Tensor label);

  /**
   * The op when this loss's elements are a {@link PointwiseOp} of {@code ws.a} and {@code ws.b} as bound (see
   * {@link SampleReduction.ElementSource#pointwiseOp}); null (the default) otherwise.
   */
  PointwiseOp pointwiseOp() {
    return null;
  }

  /** The parameter of {@link #pointwiseOp()}. */
  float pointwiseParameter() {
    return 0f;
  }

  /** Produces elements {@code [start, start+len)} of the flat elementwise loss into {@code dst[0..len)}. */
  abstract void fill(Workspace ws, int start, int len, float[] dst);

  /**
   * As {@link #fill}, and writes into {@code ws.grad} the derivative of {@code sum_i up[i] * dst[i]} with
   * respect to the pred elements these loss elements depend on (see
   * {@link SampleReduction.GradientSource#fillWithGradient}).
   */
  abstract void fillWithGradient(Workspace ws, int start, int len, float[] dst, float[] up);
}
