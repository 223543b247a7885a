package io.simdloss;

import io.simdloss.internal.LossKernels;
import io.simdloss.internal.ScalarLossKernels;
import io.simdloss.internal.ScalarMath;
import java.util.Arrays;
import io.simdloss.internal.Shapes;
import io.simdloss.internal.Workspace;

/**
 * Gluon's {@code SoftmaxCrossEntropyLoss} (alias {@link SoftmaxCELoss}). With {@code p = log_softmax(pred)}
 * over {@code axis} (or {@code p = pred} when {@code fromLogits}):
 * <ul>
 *   <li>sparse labels (default): {@code L = -p[label]}; label holds class indices as integral floats in
 *       [0, C) and has pred's shape without the class axis (the same shape with the class axis of size 1 is
 *       accepted too);
 *   <li>dense labels: {@code L = -sum_c label_c p_c}; label has pred's number of elements (reshaped like pred).
 * </ul>
 * The per-position loss keeps the class axis as size 1, so the sample weight broadcasts against pred's shape
 * with the class axis set to 1; then {@code weight * mean} over the non-batch axes.
 *
 * <p>log_softmax is {@code (x - m) - log(sum exp(x - m))} with m the maximum, as in Gluon: finite for logits of
 * any finite size, and exact to a rounding of its own size however large the logits (the log-sum-exp is never
 * rounded at the size of the logits).
 */
public class SoftmaxCrossEntropyLoss extends LabeledLoss {
  private final int axis;
  private final boolean sparseLabel;
  private final boolean fromLogits;

  /** Gluon's defaults: axis -1, sparseLabel true, fromLogits false, weight None, batch axis 0. */
  public SoftmaxCrossEntropyLoss() {
    this(builder());
  }

  SoftmaxCrossEntropyLoss(Builder b) {
    super(b.weight, b.batchAxis);
    this.axis = b.axis;
    this.sparseLabel = b.sparseLabel;
    this.fromLogits = b.fromLogits;
  }

  /** A builder starting from Gluon's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The class axis as given (negative counts from the end). */
  public final int axis() {
    return axis;
  }

  /** Whether labels are class indices. */
  public final boolean sparseLabel() {
    return sparseLabel;
  }

  /** Whether pred already holds log probabilities. */
  public final boolean fromLogits() {
    return fromLogits;
  }

  /** When the class axis is the batch axis, Gluon's keepdims loss has size 1 there: one output. */
  @Override
  final int samples(int[] predShape, int batchAxis) {
    return Shapes.axis("axis", axis, predShape.length) == batchAxis ? 1 : predShape[batchAxis];
  }

  @Override
  final int[] bind(Workspace ws, Tensor pred, Tensor label) {
    int[] shape = pred.shapeView();
    int classAxis = Shapes.axis("axis", axis, shape.length);
    int classes = shape[classAxis];
    if (classes == 0) {
      // No class to pick or to sum over: Gluon would fail to pick; refuse clearly.
      throw new IllegalArgumentException("pred: expected at least one class along axis " + classAxis
          + ", got shape " + Shapes.format(shape));
    }
    if (sparseLabel) {
      checkSparseLabel(label, shape, classAxis);
    } else {
      checkSameSize("label", label, pred);
    }
    ws.a = pred.data();
    ws.b = label.data();
    ws.classes = classes;
    ws.classStride = Shapes.product(shape, classAxis + 1, shape.length);
    int[] lossShape = ws.shape(shape.length);
    System.arraycopy(shape, 0, lossShape, 0, shape.length);
    lossShape[classAxis] = 1;
    return lossShape;
  }

  /**
   * Sparse labels over (batch, classes) with the batch axis first: each sample is one class row, and its loss
   * {@code (shift - x[label]) + logSum} goes straight to {@code out} (the general path's mean over one element,
   * {@code (0d + loss) * weight}, the same bits) without the workspace and the sample reduction. A batch of one
   * 10-class row is the latency case this is for; there the general path's bookkeeping took about half the call
   * ({@code VectorBackend.softmaxCe_1x10}, fastest iterations of three alternating runs: 128-133 -> 88-95 ns).
   */
  @Override
  final boolean forwardRows(Tensor pred, Tensor label, int batchAxis, float[] out) {
    int classes = rowClasses(pred, label, batchAxis);
    if (classes == 0) {
      return false;
    }
    LossKernels k = kernels();
    float[] x = pred.data();
    float[] target = label.data();
    double scale = scale();
    if (transposes(classes, out.length)) {
      forwardRowsTransposed(k, x, target, classes, scale, out);
      return true;
    }
    for (int n = 0, base = 0; n < out.length; n++, base += classes) {
      float shift = fromLogits ? 0f : ScalarLossKernels.finiteOrZero(k.max(x, base, classes));
      float logSum = fromLogits ? 0f : k.logSumExp(x, base, classes, shift);
      float loss = (shift - x[base + (int) target[n]]) + logSum;
      out[n] = (float) ((0d + loss) * scale);
    }
    return true;
  }

  /**
   * {@link #forwardRows} for {@link #forwardBackward}: the same layouts (sparse labels over (batch, classes), batch
   * axis first), each row's loss and gradient as {@link #fillWithGradient} forms them for a contiguous class row
   * (the numerators exponentiated once into the gradient row, then scaled), with the general path's upstream factor
   * {@code (float) scale()} (one loss element per sample), so the same bits, without the workspace and the sample
   * reduction (session 14; measured in docs/performance-history.md, "The cost of the gradient").
   */
  @Override
  final boolean forwardBackwardRows(Tensor pred, Tensor label, int batchAxis, float[] loss, float[] grad) {
    int classes = rowClasses(pred, label, batchAxis);
    if (classes == 0) {
      return false;
    }
    LossKernels k = kernels();
    float[] x = pred.data();
    float[] target = label.data();
    double scale = scale();
    float u = (float) scale; // SampleReduction's upScale: scale() over one element per sample
    if (transposes(classes, loss.length)) {
      forwardBackwardRowsTransposed(k, x, target, classes, scale, u, loss, grad);
      return true;
    }
    for (int n = 0, base = 0; n < loss.length; n++, base += classes) {
      int t = base + (int) target[n];
      float value;
      if (fromLogits) {
        value = (0f - x[t]) + 0f;
        Arrays.fill(grad, base, base + classes, 0f);
        grad[t] = -u;
      } else {
        float shift = ScalarLossKernels.finiteOrZero(k.max(x, base, classes));
        float sum = k.expSum(x, base, classes, shift, grad, base);
        value = (shift - x[t]) + ScalarMath.log(sum);
        k.scale(grad, base, u / sum, grad, base, classes);
        grad[t] -= u;
      }
      loss[n] = (float) ((0d + value) * scale);
    }
    return true;
  }

  /**
   * The number of classes when pred and label have the row shortcuts' layout (sparse labels over (batch, classes),
   * batch axis first, class axis last, at least one class), after checking the label as {@link #bind} does; 0 when
   * they have another (the general path then takes the call).
   */
  private int rowClasses(Tensor pred, Tensor label, int batchAxis) {
    int[] shape = pred.shapeView();
    if (shape.length != 2 || batchAxis != 0 || !sparseLabel || Shapes.axis("axis", axis, 2) != 1 || shape[1] == 0) {
      return 0;
    }
    checkSparseLabel(label, shape, 1);
    return shape[1];
  }

  /** Whether the row shortcuts take this many rows of this many classes transposed (see below). */
  private boolean transposes(int classes, int rows) {
    return !fromLogits && classes < SEQUENTIAL_CLASSES && rows >= MIN_TRANSPOSED_ROWS;
  }

  /**
   * Rows [first, first + rows) of x, {@code classes} each, into t class-major: t[c * rows + j]. One class per outer
   * iteration, so that the inner loop runs over the 16-64 rows: with the rows outside and the classes (fewer than
   * 16) inside, C2's set-up of each short inner loop cost about as much as its copies. Measured with
   * {@link #transposeBackScaled}, two paired rounds per JDK ({@code LatencyGradient -p batch=32 -p loss=SoftmaxCE
   * -f 1 -wi 5 -w 300ms -i 5 -r 200ms}), (32, 10): forward 650-652 -> 419-434 ns on JDK 17, 543-599 -> 455-483 on
   * JDK 25; forwardBackward 1020-1082 -> 682-744 and 921-992 -> 733-752.
   */
  private static void transpose(float[] x, int first, int rows, int classes, float[] t) {
    for (int c = 0; c < classes; c++) {
      for (int j = 0, from = first * classes + c, to = c * rows; j < rows; j++, from += classes) {
        t[to + j] = x[from];
      }
    }
  }

  /**
   * The inverse of {@link #transpose}, row j scaled by {@code factors[j]}: {@code grad[(first + j) * classes + c] =
   * t[c * rows + j] * factors[j]}, the classes outside for the same reason.
   */
  private static void transposeBackScaled(float[] t, int rows, int classes, float[] factors, float[] grad,
      int first) {
    for (int c = 0; c < classes; c++) {
      for (int j = 0, from = c * rows, to = first * classes + c; j < rows; j++, to += classes) {
        grad[to] = t[from + j] * factors[j];
      }
    }
  }

  /**
   * Below this many classes a row's sum of exps is sequential in the canonical order, as it is per lane in
   * {@link LossKernels#logSumExpStrided}: only there do the two give the same bits.
   */
  static final int SEQUENTIAL_CLASSES = LossKernels.SEQUENTIAL_BELOW;

  /** From this many short rows, {@link #forwardRowsTransposed} replaces the row loop. */
  static final int MIN_TRANSPOSED_ROWS = 16;

  /** Rows per transposed block: 64 rows of at most 15 classes fill at most 960 floats of the workspace's chunk. */
  private static final int TRANSPOSED_BLOCK = 64;

  /**
   * {@link #forwardRows} for many rows of fewer than 16 classes: a block of rows is copied class-major into the
   * workspace, and {@link LossKernels#expSumStrided} computes every row's shift and sum of exps with one row per
   * vector lane (the max over the classes, then the exps summed class by class from 0: per lane the same
   * operations, in the same order, as the row loop's {@code max} and {@code expSum} for fewer than 16 classes), and
   * each row's log is taken here ({@code ScalarMath.log}, as the row loop's {@code logSumExp} takes it): so the same
   * bits. The row loop is one dependency chain per row (max, ten exps, a sequential sum, a log) that the processor
   * cannot overlap much with the next row's; the lanes do 16 rows at once.
   *
   * <p>The kernel is {@link LossKernels#expSumStrided} (whose log is logSumExpStrided's bit for
   * bit), not {@code logSumExpStrided}: that one was small enough for C2 to inline here, and it then called the
   * kernel's exp, boxing (384 bytes per 32x10 call in {@code AllocationTest}, session 14); expSumStrided is a
   * compilation of its own (see the vector kernel's Javadoc).
   */
  private void forwardRowsTransposed(LossKernels k, float[] x, float[] target, int classes, double scale,
      float[] out) {
    Workspace ws = Workspace.get();
    try {
      float[] t = ws.chunk;
      float[] shifts = ws.aux;
      float[] sums = ws.aux3;
      for (int first = 0; first < out.length; first += TRANSPOSED_BLOCK) {
        int rows = Math.min(TRANSPOSED_BLOCK, out.length - first);
        transpose(x, first, rows, classes, t);
        // the numerators overwrite t, unused: see the Javadoc for why not logSumExpStrided
        k.expSumStrided(t, 0, classes, rows, shifts, sums, 0, t, rows);
        for (int j = 0; j < rows; j++) {
          int n = first + j;
          float loss = (shifts[j] - x[n * classes + (int) target[n]]) + ScalarMath.log(sums[j]);
          out[n] = (float) ((0d + loss) * scale);
        }
      }
    } finally {
      ws.release();
    }
  }

  /**
   * {@link #forwardBackwardRows} for many rows of fewer than 16 classes, as {@link #forwardRowsTransposed} does the
   * forward: a block of rows copied class-major, and {@link LossKernels#expSumStrided} computes every row's shift,
   * softmax numerators and their sum with one row per vector lane (per lane the row loop's max, exps and
   * sequential sum, so the same bits). Each row's gradient {@code e * (u / sum)}, less u at the label, is written
   * back row-major in scalar ({@link #transposeBackScaled}): the row loop's {@code scale}, the same operations.
   * Without it a (32, 10) batch took 2.8-3.3x its forward, one short dependency chain per row
   * (docs/performance-history.md, "Latency shapes", session 14).
   */
  private void forwardBackwardRowsTransposed(LossKernels k, float[] x, float[] target, int classes, double scale,
      float u, float[] loss, float[] grad) {
    Workspace ws = Workspace.get();
    try {
      float[] t = ws.chunk;
      float[] shifts = ws.aux;
      float[] sums = ws.aux3;
      float[] factors = ws.aux2;
      for (int first = 0; first < loss.length; first += TRANSPOSED_BLOCK) {
        int rows = Math.min(TRANSPOSED_BLOCK, loss.length - first);
        transpose(x, first, rows, classes, t);
        k.expSumStrided(t, 0, classes, rows, shifts, sums, 0, t, rows); // the numerators replace the logits in t
        for (int j = 0; j < rows; j++) {
          int n = first + j;
          int base = n * classes;
          int label = (int) target[n];
          float sum = sums[j];
          float value = (shifts[j] - x[base + label]) + ScalarMath.log(sum);
          loss[n] = (float) ((0d + value) * scale);
          factors[j] = u / sum;
        }
        transposeBackScaled(t, rows, classes, factors, grad, first);
        for (int j = 0; j < rows; j++) {
          int n = first + j;
          grad[n * classes + (int) target[n]] -= u;
        }
      }
    } finally {
      ws.release();
    }
  }

  private static void checkSparseLabel(Tensor label, int[] shape, int classAxis) {
    Shapes.required("label", label);
    int[] ls = label.shapeView();
    boolean ok = ls.length == shape.length - 1 || ls.length == shape.length;
    for (int i = 0, j = 0; ok && i < shape.length; i++) {
      if (i == classAxis) {
        if (ls.length == shape.length) {
          ok = ls[j++] == 1;
        }
      } else {
        ok = ls[j++] == shape[i];
      }
    }
    if (!ok) {
      int[] expected = new int[shape.length - 1];
      for (int i = 0, j = 0; i < shape.length; i++) {
        if (i != classAxis) {
          expected[j++] = shape[i];
        }
      }
      throw new IllegalArgumentException("label: expected pred's shape without the class axis "
          + Shapes.format(expected) + " (sparse labels), got " + Shapes.format(ls));
    }
    float[] values = label.data();
    int classes = shape[classAxis];
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      // in double, where every int is exact (as a float, C beyond 2^24 rounds); in range, (int) v is floor(v)
      if (!(v >= 0 && (double) v < classes) || v != (int) v) {
        throw new IllegalArgumentException("label: expected class indices, integers in [0, " + classes
            + "), got " + v + " at index " + i);
      }
    }
  }

  @Override
  final void fill(Workspace ws, int start, int len, float[] dst) {
    LossKernels k = kernels();
    float[] pred = ws.a;
    float[] label = ws.b;
    int classes = ws.classes;
    int stride = ws.classStride;
    int done = 0;
    while (done < len) {
      // position p = outer * stride + inner; its classes sit at pred[outer*classes*stride + c*stride + inner]
      int p = start + done;
      int outer = p / stride;
      int inner = p % stride;
      int base = outer * classes * stride + inner;
      if (stride == 1) {
        // -log_softmax(x)_c = (shift - x_c) + log sum exp(x - shift): exact to its own size for logits of any size
        float shift = fromLogits ? 0f : ScalarLossKernels.finiteOrZero(k.max(pred, base, classes));
        float logSum = fromLogits ? 0f : k.logSumExp(pred, base, classes, shift);
        dst[done] = sparseLabel
            ? (shift - pred[base + (int) label[p]]) + logSum
            : k.crossEntropy(label, base, pred, base, shift, logSum, classes);
        done++;
        continue;
      }
      int count = Math.min(stride - inner, len - done);
      stridedLosses(k, ws, p, base, count, dst, done);
      done += count;
    }
  }

  /**
   * The losses of {@code count} positions side by side along a strided class axis (position p's classes at
   * {@code base + c*stride}): the log-softmax parts, shift and log-sum, go to {@code ws.aux} and {@code ws.aux3}
   * ({@code ws.zeros} when fromLogits), the losses to {@code dst[done ..]}.
   */
  private void stridedLosses(LossKernels k, Workspace ws, int p, int base, int count, float[] dst, int done) {
    float[] pred = ws.a;
    float[] label = ws.b;
    int classes = ws.classes;
    int stride = ws.classStride;
    float[] shift = ws.zeros;
    float[] logSum = ws.zeros;
    if (!fromLogits) {
      shift = ws.aux;
      logSum = ws.aux3;
      k.logSumExpStrided(pred, base, classes, stride, shift, logSum, 0, count);
    }
    if (sparseLabel) {
      for (int j = 0; j < count; j++) {
        dst[done + j] = (shift[j] - pred[base + (int) label[p + j] * stride + j]) + logSum[j];
      }
    } else {
      k.crossEntropyStrided(label, base, pred, base, classes, stride, shift, logSum, 0, dst, done, count);
    }
  }

  /**
   * The gradient of {@code up * loss} per position: with {@code p = softmax(pred)} over the classes,
   * {@code up * (p - onehot(label))} (sparse) or {@code up * (p * sum(label) - label)} (dense); with fromLogits,
   * {@code -up * onehot(label)} or {@code -up * label}.
   */
  @Override
  final void fillWithGradient(Workspace ws, int start, int len, float[] dst, float[] up) {
    LossKernels k = kernels();
    float[] pred = ws.a;
    float[] label = ws.b;
    float[] grad = ws.grad;
    int classes = ws.classes;
    int stride = ws.classStride;
    int done = 0;
    while (done < len) {
      int p = start + done;
      int outer = p / stride;
      int inner = p % stride;
      int base = outer * classes * stride + inner;
      if (stride == 1) {
        // one contiguous class row per position
        float u = up[done];
        if (fromLogits) {
          if (sparseLabel) {
            int target = (int) label[p];
            dst[done] = (0f - pred[base + target]) + 0f;
            Arrays.fill(grad, base, base + classes, 0f);
            grad[base + target] = -u;
          } else {
            dst[done] = k.crossEntropy(label, base, pred, base, 0f, 0f, classes);
            k.scale(label, base, -u, grad, base, classes);
          }
          done++;
          continue;
        }
        // One pass of exp: the softmax numerators e_c = exp(x_c - shift) go straight into the gradient row while
        // they are summed (the same canonical sum as forward's, so the loss keeps its bits), then the row is
        // scaled: softmax_c = e_c / sum.
        float shift = ScalarLossKernels.finiteOrZero(k.max(pred, base, classes));
        float sum = k.expSum(pred, base, classes, shift, grad, base);
        float logSum = ScalarMath.log(sum); // k.logSumExp(pred, base, classes, shift), bit for bit
        if (sparseLabel) {
          int target = (int) label[p];
          dst[done] = (shift - pred[base + target]) + logSum;
          k.scale(grad, base, u / sum, grad, base, classes);
          grad[base + target] -= u;
        } else {
          dst[done] = k.crossEntropy(label, base, pred, base, shift, logSum, classes);
          float mass = u * k.sum(label, base, classes);
          k.scaleSubtract(grad, base, mass / sum, label, base, u, grad, base, classes);
        }
        done++;
        continue;
      }
      // a strided class axis: count positions side by side, one class row of count elements at a time
      int count = Math.min(stride - inner, len - done);
      stridedLosses(k, ws, p, base, count, dst, done);
      float[] shift = fromLogits ? ws.zeros : ws.aux; // as stridedLosses left them
      float[] logSum = fromLogits ? ws.zeros : ws.aux3;
      if (fromLogits) {
        for (int c = 0; c < classes; c++) {
          int row = base + c * stride;
          if (sparseLabel) {
            Arrays.fill(grad, row, row + count, 0f);
          } else {
            for (int j = 0; j < count; j++) {
              grad[row + j] = -up[done + j] * label[row + j];
            }
          }
        }
        if (sparseLabel) {
          for (int j = 0; j < count; j++) {
            grad[base + (int) label[p + j] * stride + j] = -up[done + j];
          }
        }
      } else {
        float[] scale = up;
        int so = done;
        if (!sparseLabel) {
          float[] mass = ws.aux2;
          k.sumStrided(label, base, classes, stride, mass, 0, count);
          for (int j = 0; j < count; j++) {
            mass[j] = up[done + j] * mass[j];
          }
          scale = mass;
          so = 0;
        }
        for (int c = 0; c < classes; c++) {
          int row = base + c * stride;
          k.softmaxGradientShifted(pred, row, shift, logSum, 0, scale, so, sparseLabel ? null : label, row, up, done,
              grad, row, count);
        }
        if (sparseLabel) {
          for (int j = 0; j < count; j++) {
            grad[base + (int) label[p + j] * stride + j] -= up[done + j];
          }
        }
      }
      done += count;
    }
  }

  @Override
  final void describeOptions(StringBuilder s) {
    s.append(", axis=").append(axis)
        .append(", sparse_label=").append(pythonBool(sparseLabel))
        .append(", from_logits=").append(pythonBool(fromLogits));
  }

  @Override
  final String gluonName() {
    return "SoftmaxCrossEntropyLoss";
  }

  /** Options of {@link SoftmaxCrossEntropyLoss}. */
  public static final class Builder extends Loss.Builder<SoftmaxCrossEntropyLoss, Builder> {
    int axis = -1;
    boolean sparseLabel = true;
    boolean fromLogits;

    Builder() {
      super(null);
    }

    /** Gluon's {@code axis}, the class axis, default -1. */
    public Builder axis(int axis) {
      this.axis = axis;
      return this;
    }

    /** Gluon's {@code sparse_label}, default true: labels are class indices. */
    public Builder sparseLabel(boolean sparseLabel) {
      this.sparseLabel = sparseLabel;
      return this;
    }

    /** Gluon's {@code from_logits}, default false: whether pred already holds log probabilities. */
    public Builder fromLogits(boolean fromLogits) {
      this.fromLogits = fromLogits;
      return this;
    }

    @Override
    public SoftmaxCrossEntropyLoss build() {
      return new SoftmaxCrossEntropyLoss(this);
    }
  }
}
