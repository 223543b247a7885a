package io.simdloss;

import io.simdloss.internal.LossKernels;
import io.simdloss.internal.PointwiseOp;
import io.simdloss.internal.ScalarLossKernels;
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

  /**
   * At most this many samples of fewer than 64 elements take the row shortcut (see {@link #forwardRows}). The
   * general path maps all the samples' elements with one vector loop, then sums each sample in scalar; the
   * shortcut computes each sample's terms in scalar (fewer than 16: the canonical order's plain sequential sum), so
   * it saves the general path's fixed cost but pays more per sample. JDK 17, 512-bit, fastest iterations of two
   * alternating runs, ns (`VectorBackend.(l2|hinge|huber)_(1x10|32x10) -wi 3 -w 300ms -i 8 -r 200ms -f 1`),
   * general -> shortcut: 1x10 L2 60-66 -> 22-33, hinge 73-97 -> 28-29, Huber 64-68 -> 27-38; 32x10 L2 417-421 ->
   * 498-512, hinge 435-444 -> 595-683, Huber 508-745 -> 583-588: about 50 ns saved per call, 4-8 ns lost per
   * sample, so the break-even is 6-10 samples. Re-measured after session 6's short-sample sums in the general
   * path, (batch, 10) around the limit (a throwaway probe, {@code -wi 3 -w 300ms -i 6 -r 200ms -f 2}, two runs,
   * ns): L2 at 4 samples (shortcut) 68-91, at 5 (general) 115-117, at 8 114-158; hinge 131-135, 129-156,
   * 168-178. So 4 still holds: at most even with the general path one sample later.
   */
  static final int ROW_SHORTCUT_MAX_SAMPLES = 4;

  /**
   * The row shortcut of the cheap pointwise losses (those with a {@link #pointwiseOp}) with the batch axis first
   * and no sample weight: each sample is one contiguous run of pred and label, summed straight from them by
   * {@link LossKernels#mapSum} and written to {@code out}, with no workspace and no element buffer. The general
   * path's bits: the run is cut where its chunks of {@link Workspace#CHUNK} flat elements end, each part's
   * canonical sum (mapSum's terms are the map kernels' bits, its order the sum's) added in double in order from
   * 0, times {@code scale() / perSample}. Taken for up to {@link #ROW_SHORTCUT_MAX_SAMPLES} samples of fewer than
   * 64 elements, and for samples of 64 or more where the kernels fuse (the general path sums those with mapSum
   * too; the scalar backend's separate map and sum loops, which C2 vectorizes, beat its fused loop, which it
   * does not).
   */
  @Override
  final boolean forwardRows(Tensor pred, Tensor label, int batchAxis, float[] out) {
    return rows(pred, label, batchAxis, out, null);
  }

  /**
   * {@link #forwardRows} with the gradient: the same cases, and mapSum (or its scalar tail) also writes each
   * element's gradient with the general path's upstream factor, {@code (float) (scale() / perSample)}, so the
   * gradient has the general path's bits too (its map-with-gradient kernels and mapSum's terms perform the same
   * operations). What it saves is the general path's fixed cost (the workspace, the run and weight bookkeeping):
   * see docs/performance-history.md, "The cost of the gradient", session 14.
   */
  @Override
  final boolean forwardBackwardRows(Tensor pred, Tensor label, int batchAxis, float[] loss, float[] grad) {
    return rows(pred, label, batchAxis, loss, grad);
  }

  /** The row shortcut of both: {@code grad} null for the forward. */
  private boolean rows(Tensor pred, Tensor label, int batchAxis, float[] out, float[] grad) {
    PointwiseOp op = pointwiseOp();
    int samples = out.length;
    if (op == null || batchAxis != 0 || samples == 0) {
      return false;
    }
    checkSameSize("label", label, pred);
    int perSample = pred.size() / samples;
    LossKernels k = kernels();
    boolean shortRows = perSample < 64;
    if (perSample == 0 || (shortRows ? samples > ROW_SHORTCUT_MAX_SAMPLES : !k.fusesMapSum())) {
      return false;
    }
    float c = pointwiseParameter();
    float[] a = pred.data();
    float[] b = label.data();
    double scale = scale() / perSample;
    float up = grad == null ? 0f : (float) scale; // SampleReduction's upScale
    for (int n = 0, start = 0; n < samples; n++) {
      double sum = 0d;
      for (int end = start + perSample; start < end; ) {
        int take = Workspace.partInChunk(start, end);
        // below 16 elements mapSum is addTerms from 0 in either backend (the canonical order is a plain sequential
        // sum there); called directly, it skips two dispatches per row
        sum += take < LossKernels.SEQUENTIAL_BELOW ? ScalarLossKernels.addTerms(0f, op, c, a, start, b, start, take, up, grad, start)
            : k.mapSum(op, c, a, start, b, start, take, up, grad, start);
        start += take;
      }
      out[n] = (float) (sum * scale);
    }
    return true;
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
