package io.simdloss;

import io.simdloss.internal.LossKernels;
import io.simdloss.internal.SampleReduction;
import io.simdloss.internal.ScalarLossKernels;
import io.simdloss.internal.ScalarMath;
import io.simdloss.internal.Shapes;
import io.simdloss.internal.Workspace;
import java.util.Arrays;

/**
 * Gluon's {@code KLDivLoss}: per element {@code label * (log(label + 1e-12) - p)} where {@code p = pred} when
 * {@code fromLogits} (default: pred holds log probabilities) and {@code p = log_softmax(pred)} over {@code axis}
 * otherwise; then {@code weight * mean} over the non-batch axes. label has pred's shape: Gluon's KLDivLoss,
 * unlike the other losses, does not {@code reshape_like} its label (hybridized it requires pred's shape;
 * imperatively it broadcasts, which this library does not do), so a label of another shape is refused rather
 * than paired with pred in flat order, a result Gluon never gives.
 */
public final class KLDivLoss extends LabeledLoss {
  private final boolean fromLogits;
  private final int axis;

  /** Gluon's defaults: fromLogits true, axis -1, weight None, batch axis 0. */
  public KLDivLoss() {
    this(builder());
  }

  private KLDivLoss(Builder b) {
    super(b.weight, b.batchAxis);
    this.fromLogits = b.fromLogits;
    this.axis = b.axis;
  }

  /** A builder starting from Gluon's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether pred holds log probabilities (true) or unnormalized scores (false). */
  public boolean fromLogits() {
    return fromLogits;
  }

  /** The axis of the log-softmax when fromLogits is false (negative counts from the end). */
  public int axis() {
    return axis;
  }

  @Override
  int[] bind(Workspace ws, Tensor pred, Tensor label) {
    int[] shape = pred.shapeView();
    checkSameShape(label, pred);
    ws.a = pred.data();
    ws.b = label.data();
    if (!fromLogits) {
      int softmaxAxis = Shapes.axis("axis", axis, shape.length); // checked whatever the size, as SoftmaxCE does
      if (pred.size() > 0) {
        // (an empty pred has no row to normalize; its stride may still be huge, so allocate nothing)
        ws.classes = shape[softmaxAxis];
        ws.classStride = Shapes.product(shape, softmaxAxis + 1, shape.length);
        ws.cache(ws.classStride);
        ws.logSumCache(ws.classStride);
        ws.cachedKey = -1;
      }
    }
    return shape;
  }

  private static void checkSameShape(Tensor label, Tensor pred) {
    Shapes.required("label", label);
    if (!Arrays.equals(label.shapeView(), pred.shapeView())) {
      throw new IllegalArgumentException("label: expected pred's shape " + Shapes.format(pred.shapeView())
          + " (KLDivLoss does not reshape its label, as in Gluon), got " + Shapes.format(label.shapeView()));
    }
  }

  @Override
  void fill(Workspace ws, int start, int len, float[] dst) {
    LossKernels k = kernels();
    if (fromLogits) {
      k.klDivergence(ws.b, start, ws.a, start, 0f, 0f, dst, 0, len);
      return;
    }
    // Element f sits at (outer, c, inner) with f = (outer * classes + c) * stride + inner; its log-softmax
    // shift (the maximum) and log-sum at position (outer, inner) are computed once per outer block into the caches.
    float[] pred = ws.a;
    int classes = ws.classes;
    int stride = ws.classStride;
    int block = classes * stride;
    int done = 0;
    while (done < len) {
      int f = start + done;
      int outer = f / block;
      if (ws.cachedKey != outer) {
        normalize(k, ws, pred, outer * block, classes, stride);
        ws.cachedKey = outer;
      }
      if (stride == 1) {
        // a contiguous class row: one shift for the rest of the row
        int count = Math.min(block - f % block, len - done);
        k.klDivergence(ws.b, f, pred, f, ws.cache[0], ws.logSumCache[0], dst, done, count);
        done += count;
      } else {
        int inner = f % stride;
        int count = Math.min(stride - inner, len - done);
        k.klDivergenceShifted(ws.b, f, pred, f, ws.cache, ws.logSumCache, inner, dst, done, count);
        done += count;
      }
    }
  }

  /**
   * The gradient of {@code sum up * loss}: {@code -up * label} for log probabilities; after a log-softmax,
   * {@code mass * softmax(pred) - up * label} where {@code mass = sum over the softmax row of up * label} (each
   * element's log-probability depends on the whole row). For a contiguous class axis, softmax is
   * {@code e / sum} with the numerators e written into the gradient row by the same pass that sums them, and
   * the gradient is {@code e * (mass / sum) - up * label}. The row's upstream factors are computed for the whole
   * row when it is first entered (a chunk may hold a part of a row only).
   */
  @Override
  void fillWithGradient(Workspace ws, int start, int len, float[] dst, float[] up) {
    LossKernels k = kernels();
    float[] pred = ws.a;
    float[] label = ws.b;
    float[] grad = ws.grad;
    if (fromLogits) {
      k.klDivergenceWithGradient(label, start, pred, start, up, 0, dst, 0, grad, start, len);
      return;
    }
    int classes = ws.classes;
    int stride = ws.classStride;
    int block = classes * stride;
    int done = 0;
    while (done < len) {
      int f = start + done;
      int outer = f / block;
      if (ws.cachedKey != outer) {
        int blockStart = outer * block;
        float[] blockUp = ws.cache2(block);
        float[] mass = ws.cache3(stride);
        SampleReduction.upstream(ws, blockStart, block, blockUp, 0);
        if (stride == 1) {
          // the softmax numerators go straight into the gradient row (one exp pass), the kernel scales them
          float shift = ScalarLossKernels.finiteOrZero(k.max(pred, blockStart, classes));
          float sum = k.expSum(pred, blockStart, classes, shift, grad, blockStart);
          ws.cache[0] = shift;
          ws.logSumCache[0] = ScalarMath.log(sum); // k.logSumExp(pred, blockStart, classes, shift), bit for bit
          mass[0] = k.dot(blockUp, 0, label, blockStart, classes) / sum;
        } else {
          normalize(k, ws, pred, blockStart, classes, stride);
          k.dotStrided(blockUp, 0, label, blockStart, classes, stride, mass, 0, stride);
        }
        ws.cachedKey = outer;
      }
      if (stride == 1) {
        int count = Math.min(block - f % block, len - done);
        k.klDivergenceSoftmaxWithGradient(label, f, pred, f, ws.cache[0], ws.logSumCache[0], ws.cache3[0], up, done,
            dst, done, grad, f, count);
        done += count;
      } else {
        int inner = f % stride;
        int count = Math.min(stride - inner, len - done);
        k.klDivergenceSoftmaxShiftedWithGradient(label, f, pred, f, ws.cache, ws.logSumCache, inner, ws.cache3, inner,
            up, done, dst, done, grad, f, count);
        done += count;
      }
    }
  }

  /**
   * The log-softmax of one outer block into the caches: per position, the shift (the maximum over the classes, 0
   * when infinite) in {@code ws.cache} and {@code log sum exp(x - shift)} in {@code ws.logSumCache}, so that
   * {@code log_softmax(x) = (x - shift) - logSum} stays exact to its own size whatever the size of the logits.
   */
  private static void normalize(LossKernels k, Workspace ws, float[] pred, int blockStart, int classes, int stride) {
    if (stride == 1) {
      float shift = ScalarLossKernels.finiteOrZero(k.max(pred, blockStart, classes));
      ws.cache[0] = shift;
      ws.logSumCache[0] = k.logSumExp(pred, blockStart, classes, shift);
    } else {
      k.logSumExpStrided(pred, blockStart, classes, stride, ws.cache, ws.logSumCache, 0, stride);
    }
  }

  @Override
  void describeOptions(StringBuilder s) {
    s.append(", from_logits=").append(pythonBool(fromLogits)).append(", axis=").append(axis);
  }

  /** Options of {@link KLDivLoss}. */
  public static final class Builder extends Loss.Builder<KLDivLoss, Builder> {
    boolean fromLogits = true;
    int axis = -1;

    Builder() {
      super(null);
    }

    /** Gluon's {@code from_logits}, default true: pred holds log probabilities. */
    public Builder fromLogits(boolean fromLogits) {
      this.fromLogits = fromLogits;
      return this;
    }

    /** Gluon's {@code axis}, default -1: the axis of the log-softmax when fromLogits is false. */
    public Builder axis(int axis) {
      this.axis = axis;
      return this;
    }

    @Override
    public KLDivLoss build() {
      return new KLDivLoss(this);
    }
  }
}
