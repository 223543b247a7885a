package io.simdloss;

import io.simdloss.internal.LossKernels;
import io.simdloss.internal.Workspace;

/**
 * A loss computed element by element from pred and a label of the same size (reshaped like pred, Gluon's
 * reshape_like), then averaged over the non-batch axes.
 */
public abstract class PointwiseLoss extends LabeledLoss {
  PointwiseLoss(Float weight, int batchAxis) {
    super(weight, batchAxis);
  }

  @Override
  final int[] bind(Workspace ws, Tensor pred, Tensor label) {
    checkSameSize("label", label, pred);
    ws.a = pred.data();
    ws.b = label.data();
    return pred.shapeView();
  }

  @Override
  final void fill(Workspace ws, int start, int len, float[] dst) {
    map(kernels(), ws.a, ws.b, start, dst, len);
  }

  @Override
  final void fillWithGradient(Workspace ws, int start, int len, float[] dst, float[] up) {
    mapWithGradient(kernels(), ws.a, ws.b, start, dst, up, ws.grad, len);
  }

  /** {@code dst[0..len) = f(pred[start..], label[start..])}. */
  abstract void map(LossKernels k, float[] pred, float[] label, int start, float[] dst, int len);

  /**
   * As {@link #map}, and {@code grad[start + i] = up[i] * df/dpred} (the same element of pred: a pointwise
   * loss's gradient is local).
   */
  abstract void mapWithGradient(LossKernels k, float[] pred, float[] label, int start, float[] dst, float[] up,
      float[] grad, int len);
}
