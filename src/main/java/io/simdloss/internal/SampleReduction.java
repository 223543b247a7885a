package io.simdloss.internal;

/**
 * The one reduction of this library: sums an elementwise loss tensor over every axis except the batch axis,
 * after multiplying it by a sample weight that broadcasts to the loss's shape by numpy rules.
 *
 * <p>The loss tensor is never materialized. It is produced chunk by chunk ({@link Workspace#CHUNK} elements
 * in flat row-major order) by an {@link ElementSource} into an L1-resident buffer, and each chunk is reduced
 * at once. The flat order is cut into <em>runs</em>: stretches that belong to one sample and over which the
 * sample weight is either absent, one constant, or a contiguous stretch of its own data. A run is reduced by
 * one kernel call ({@code sum}, or {@code dot} with the weights), whatever the shape; the loop over runs walks
 * an odometer over the dimensions in front of the run. Runs shorter than {@link LossKernels#SEQUENTIAL_BELOW}
 * that are whole samples (batch axis first) are summed several at a time instead ({@code addShortRuns}, the
 * same bits), and a loss tensor of such samples that fits in one chunk skips the odometer altogether.
 *
 * <p>Run sums accumulate per sample in double, so the float error of a kernel spans at most one chunk.
 */
public final class SampleReduction {
  private SampleReduction() {}

  /** Produces elements {@code [start, start+len)} of a flat loss tensor into {@code dst[0..len)}. */
  public interface ElementSource {
    void fill(Workspace ws, int start, int len, float[] dst);

    /**
     * The op, when element i of the loss is {@code op(ws.a[i], ws.b[i]; pointwiseParameter())} (a
     * {@link PointwiseOp} of two operands laid out like the loss); null otherwise. Runs without a sample weight
     * or with a constant one are then summed by {@link LossKernels#mapSum} straight from the operands, with the
     * same bits as the chunk path (same runs, same canonical sums) and without the chunk's store and reload.
     */
    default PointwiseOp pointwiseOp() {
      return null;
    }

    /** The parameter c of {@link #pointwiseOp()} (Huber's rho, the hinge margin; 0 when unused). */
    default float pointwiseParameter() {
      return 0f;
    }
  }

  /**
   * A source that also produces the gradient: as {@link #fill}, and writes into {@code ws.grad} the derivative
   * of {@code sum_i up[i] * loss[start + i]} with respect to pred, for every pred element that the loss
   * elements {@code [start, start+len)} depend on (each pred element belongs to the elements of exactly one
   * call, so every call writes its own part of the gradient and nothing is accumulated across calls).
   * {@code up[i]} is the upstream factor of element {@code start + i}: see {@link #upstream}.
   */
  public interface GradientSource extends ElementSource {
    void fillWithGradient(Workspace ws, int start, int len, float[] dst, float[] up);
  }

  /** The shortest run that {@link LossKernels#mapSum} sums (see its use in {@link #reduce}). */
  private static final int MIN_FUSED_RUN = 64;

  /** How the sample weight varies along a run. */
  private static final int NO_WEIGHT = 0;
  private static final int CONSTANT_WEIGHT = 1;
  private static final int CONTIGUOUS_WEIGHT = 2;

  /**
   * Computes, for each sample n, {@code sum over the elements of sample n of loss * sampleWeight} and leaves
   * it in {@code sums(ws)[n]}.
   *
   * @param shape the loss tensor's shape (validated; product fits an int)
   * @param batchAxis resolved batch axis
   * @param weight the sample weight's data, or null
   * @param weightShape its shape; it must broadcast to {@code shape} (see {@link #checkBroadcast})
   */
  public static void sumPerSample(LossKernels k, Workspace ws, ElementSource source, int[] shape, int batchAxis,
      float[] weight, int[] weightShape) {
    reduce(k, ws, source, null, shape, batchAxis, weight, weightShape);
  }

  /**
   * As {@link #sumPerSample}, and the gradient: each chunk of loss elements is produced by
   * {@link GradientSource#fillWithGradient} with its upstream factors {@code upScale * sampleWeight} (in float:
   * {@code upScale} alone where there is no sample weight), so that the source writes
   * {@code d(sum_n scale * sums[n]) / d pred} into {@code ws.grad} while the chunk's operands are in cache. The
   * sums are the same, bit for bit, as those of {@link #sumPerSample}.
   *
   * @param upScale the factor of every element's derivative: the global weight over the element count per
   *     sample (the mean), as a float
   */
  public static void sumPerSampleWithGradient(LossKernels k, Workspace ws, GradientSource source, int[] shape,
      int batchAxis, float[] weight, int[] weightShape, float upScale) {
    ws.upScale = upScale;
    ws.upWeight = weight;
    ws.upShape = shape;
    reduce(k, ws, source, source, shape, batchAxis, weight, weightShape);
  }

  private static void reduce(LossKernels k, Workspace ws, ElementSource source, GradientSource gradient,
      int[] shape, int batchAxis, float[] weight, int[] weightShape) {
    int rank = shape.length;
    int samples = shape[batchAxis];
    ws.ensure(samples, rank);
    double[] sums = ws.sums;
    java.util.Arrays.fill(sums, 0, samples, 0d);
    int size = Shapes.product(shape, 0, rank);
    if (size == 0) {
      return;
    }
    if (weight == null && batchAxis == 0 && size <= Workspace.CHUNK
        && size / samples < LossKernels.SEQUENTIAL_BELOW) {
      // short samples that fit in one chunk (1x10, 32x10): the chunk's runs are the samples, summed without
      // the run bookkeeping below
      fillChunk(ws, source, gradient, 0, size, false);
      addShortRuns(ws.chunk, 0, size / samples, samples, null, 0, 0, sums, 0);
      return;
    }

    // Weight strides aligned to the loss's dimensions (0 where the weight broadcasts).
    int[] wStride = ws.weightStrides;
    int wRankOffset = weight == null ? rank : rank - weightShape.length;
    int stride = 1;
    for (int axis = rank - 1; axis >= 0; axis--) {
      int w = axis - wRankOffset;
      if (w >= 0 && weightShape[w] != 1) {
        wStride[axis] = stride;
        stride *= weightShape[w];
      } else {
        wStride[axis] = 0;
        if (w >= 0) {
          stride *= weightShape[w];
        }
      }
    }

    // The run: the longest suffix of dimensions after the batch axis along which the weight is uniformly
    // absent/constant or uniformly contiguous. Dimensions of size 1 fit either kind.
    int mode = weight == null ? NO_WEIGHT : CONSTANT_WEIGHT;
    int runStart = rank;
    boolean decided = weight == null;
    while (runStart - 1 > batchAxis) {
      int axis = runStart - 1;
      if (shape[axis] != 1 && weight != null) {
        int kind = wStride[axis] == 0 ? CONSTANT_WEIGHT : CONTIGUOUS_WEIGHT;
        if (!decided) {
          mode = kind;
          decided = true;
        } else if (kind != mode) {
          break;
        }
      }
      runStart--;
    }
    int runLength = Shapes.product(shape, runStart, rank);

    // Odometer over dimensions [0, runStart): the current run's index (its sample is index[batchAxis]) and
    // weight offset.
    int[] index = ws.index;
    java.util.Arrays.fill(index, 0, rank, 0);
    int weightOffset = 0;
    int posInRun = 0;

    // A pointwise op sums each run straight from the operands (mapSum), unless the weight varies along the run.
    // The chunks still cut the runs, so the parts and their order are the chunk path's. Only for runs of at least
    // one canonical block, and only where the kernels fuse with vectors: a short run (10 elements, say) is summed
    // element by element in mapSum's scalar path, where the chunk path maps many short runs with one vector loop
    // (32x10 cheap losses, vector backend, quick profile: 1.2-3.9x slower fused), and the scalar twin's fused loop
    // cannot be auto-vectorized as its separate map and sum loops are.
    PointwiseOp op = mode == CONTIGUOUS_WEIGHT || runLength < MIN_FUSED_RUN || !k.fusesMapSum() ? null
        : source.pointwiseOp();
    float c = op == null ? 0f : source.pointwiseParameter();
    float[] grad = gradient == null ? null : ws.grad;
    float[] chunk = ws.chunk;
    // Short samples with the batch axis first: the chunk's whole runs are consecutive samples, summed several
    // at a time (see addShortRuns). Runs cut by a chunk boundary take the general loop below.
    boolean shortRuns = op == null && batchAxis == 0 && runStart == 1 && mode != CONTIGUOUS_WEIGHT
        && runLength < LossKernels.SEQUENTIAL_BELOW;
    for (int start = 0; start < size; start += Workspace.CHUNK) {
      int len = Math.min(Workspace.CHUNK, size - start);
      if (op == null) { // else nothing to produce: mapSum reads ws.a and ws.b below
        fillChunk(ws, source, gradient, start, len, weight != null);
      }
      int p = 0;
      while (p < len) {
        if (shortRuns && posInRun == 0 && len - p >= 2 * runLength) {
          int runs = (len - p) / runLength;
          addShortRuns(chunk, p, runLength, runs, weight, weightOffset, wStride[0], sums, index[0]);
          p += runs * runLength;
          index[0] += runs;
          weightOffset += runs * wStride[0];
          continue;
        }
        int take = Math.min(runLength - posInRun, len - p);
        int at = start + p;
        float part;
        switch (mode) {
          case NO_WEIGHT:
            part = op == null ? k.sum(chunk, p, take)
                : k.mapSum(op, c, ws.a, at, ws.b, at, take, ws.upScale, grad, at);
            break;
          case CONSTANT_WEIGHT: {
            float w = weight[weightOffset];
            // the upstream factor as upstream() forms it: upScale * w, in float
            part = w * (op == null ? k.sum(chunk, p, take)
                : k.mapSum(op, c, ws.a, at, ws.b, at, take, ws.upScale * w, grad, at));
            break;
          }
          default:
            part = k.dot(chunk, p, weight, weightOffset + posInRun, take);
            break;
        }
        sums[index[batchAxis]] += part;
        p += take;
        posInRun += take;
        if (posInRun == runLength) {
          posInRun = 0;
          // advance the odometer over [0, runStart)
          for (int axis = runStart - 1; axis >= 0; axis--) {
            index[axis]++;
            weightOffset += wStride[axis];
            if (index[axis] < shape[axis]) {
              break;
            }
            weightOffset -= wStride[axis] * shape[axis];
            index[axis] = 0;
          }
        }
      }
    }
  }

  /**
   * Produces loss elements {@code [start, start+len)} into {@code ws.chunk}, and their gradient when
   * {@code gradient} is not null. The upstream factors are computed for every chunk when they vary with a sample
   * weight ({@code weighted}), else once, for the first chunk: without a sample weight they are one constant.
   */
  private static void fillChunk(Workspace ws, ElementSource source, GradientSource gradient, int start, int len,
      boolean weighted) {
    if (gradient == null) {
      source.fill(ws, start, len, ws.chunk);
      return;
    }
    if (weighted || start == 0) {
      upstream(ws, start, len, ws.up, 0);
    }
    gradient.fillWithGradient(ws, start, len, ws.chunk, ws.up);
  }

  /**
   * Adds to {@code sums[n + r]}, for each of {@code runs} consecutive runs of {@code len} elements starting at
   * {@code a[ao]}, the run's sum, times {@code weight[wo + r * wStride]} when there is a weight: what the
   * general loop of {@link #reduce} adds, bit for bit. A run shorter than {@link LossKernels#SEQUENTIAL_BELOW}
   * is summed sequentially from +0f in the canonical order, so each run here is one float chain in that order,
   * and the chains of eight runs are interleaved. Why eight: a float add has a latency of 4 cycles and two issue
   * per cycle, so 8 independent chains keep the adders busy where one run at a time waits on each add (one
   * {@code sum} call per 10-element sample was 39% of {@code VectorBackend.l1_32x10}, async-profiler, session 6).
   */
  private static void addShortRuns(float[] a, int ao, int len, int runs, float[] weight, int wo, int wStride,
      double[] sums, int n) {
    int r = 0;
    for (; r + 8 <= runs; r += 8) {
      int o = ao + r * len;
      float s0 = 0f;
      float s1 = 0f;
      float s2 = 0f;
      float s3 = 0f;
      float s4 = 0f;
      float s5 = 0f;
      float s6 = 0f;
      float s7 = 0f;
      for (int i = o; i < o + len; i++) {
        s0 += a[i];
        s1 += a[i + len];
        s2 += a[i + 2 * len];
        s3 += a[i + 3 * len];
        s4 += a[i + 4 * len];
        s5 += a[i + 5 * len];
        s6 += a[i + 6 * len];
        s7 += a[i + 7 * len];
      }
      addRun(sums, n + r, s0, weight, wo + r * wStride);
      addRun(sums, n + r + 1, s1, weight, wo + (r + 1) * wStride);
      addRun(sums, n + r + 2, s2, weight, wo + (r + 2) * wStride);
      addRun(sums, n + r + 3, s3, weight, wo + (r + 3) * wStride);
      addRun(sums, n + r + 4, s4, weight, wo + (r + 4) * wStride);
      addRun(sums, n + r + 5, s5, weight, wo + (r + 5) * wStride);
      addRun(sums, n + r + 6, s6, weight, wo + (r + 6) * wStride);
      addRun(sums, n + r + 7, s7, weight, wo + (r + 7) * wStride);
    }
    for (; r < runs; r++) {
      int o = ao + r * len;
      float s0 = 0f;
      for (int i = o; i < o + len; i++) {
        s0 += a[i];
      }
      addRun(sums, n + r, s0, weight, wo + r * wStride);
    }
  }

  /** {@code sums[n] += part}, the part weighted as the general loop weighs a constant-weight run. */
  private static void addRun(double[] sums, int n, float part, float[] weight, int w) {
    sums[n] += weight == null ? part : weight[w] * part;
  }

  /**
   * The upstream factors of loss elements {@code [start, start+len)} of the current
   * {@link #sumPerSampleWithGradient} call into {@code dst[d ..]}: {@code upScale * w} where w is the element's
   * broadcast sample weight, or {@code upScale} when there is none. Any range of the loss tensor can be asked
   * for (a source whose gradient couples elements across chunks, such as a log-softmax row, needs that).
   */
  public static void upstream(Workspace ws, int start, int len, float[] dst, int d) {
    float scale = ws.upScale;
    float[] weight = ws.upWeight;
    if (weight == null) {
      java.util.Arrays.fill(dst, d, d + len, scale);
      return;
    }
    int[] shape = ws.upShape;
    int[] stride = ws.weightStrides;
    // rows along the last axis that is not 1 (trailing 1s neither move the flat index nor the weight)
    int last = shape.length - 1;
    while (last > 0 && shape[last] == 1) {
      last--;
    }
    int inner = shape[last];
    int innerStride = stride[last];
    int row = start / inner;
    int pos = start - row * inner;
    int done = 0;
    while (done < len) {
      int offset = 0;
      for (int axis = last - 1, r = row; axis >= 0; axis--) {
        int size = shape[axis];
        int q = r / size;
        offset += (r - q * size) * stride[axis];
        r = q;
      }
      int take = Math.min(inner - pos, len - done);
      for (int i = 0; i < take; i++) {
        dst[d + done + i] = scale * weight[offset + (pos + i) * innerStride];
      }
      done += take;
      pos = 0;
      row++;
    }
  }

  /** The per-sample sums left by the last {@link #sumPerSample} on this workspace. */
  public static double[] sums(Workspace ws) {
    return ws.sums;
  }

  /**
   * Checks that {@code weightShape} broadcasts to {@code lossShape} by numpy rules: aligned at the right, each
   * of its dimensions 1 or equal, and no more dimensions than the loss.
   */
  public static void checkBroadcast(String argument, int[] weightShape, int[] lossShape) {
    boolean ok = weightShape.length <= lossShape.length;
    for (int i = 1; ok && i <= weightShape.length; i++) {
      int w = weightShape[weightShape.length - i];
      ok = w == 1 || w == lossShape[lossShape.length - i];
    }
    if (!ok) {
      throw new IllegalArgumentException(argument + ": expected a shape that broadcasts to the loss shape "
          + Shapes.format(lossShape) + " (numpy rules: aligned right, each dimension 1 or equal), got "
          + Shapes.format(weightShape));
    }
  }
}
