package io.simdloss.internal;

/**
 * Per-thread scratch space, so that a {@code forward} into the caller's buffer allocates nothing once a thread
 * has seen its largest shapes: buffers only grow. One call at a time per thread uses it (losses do not call
 * each other), and {@link #release()} drops the references to the caller's arrays after each call.
 */
public final class Workspace {
  /**
   * Elements per chunk of the loss tensor: 1024 floats = 4 KiB, small enough to stay in L1 between the map
   * and the reduction that reads it back, large enough that the per-chunk bookkeeping is a few percent.
   */
  public static final int CHUNK = 1024;

  private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);

  /** The chunk of elementwise losses being reduced. */
  public final float[] chunk = new float[CHUNK];
  /** A second chunk-sized buffer for sources that need an intermediate (e.g. log-sum-exp per position). */
  public final float[] aux = new float[CHUNK];
  /** Zeros, never written: the log-sum-exp of inputs that are already log probabilities. */
  public final float[] zeros = new float[CHUNK];

  /** The upstream factor of each element of the current chunk (gradients): global scale times sample weight. */
  public final float[] up = new float[CHUNK];
  /** A third chunk-sized buffer, for gradient sources that need another intermediate. */
  public final float[] aux2 = new float[CHUNK];
  /** A fourth chunk-sized buffer: with {@link #aux}, the two parts (shift, log of the sum) of a log-sum-exp. */
  public final float[] aux3 = new float[CHUNK];

  /** The gradient being written by the current call (the caller's array), or null. */
  public float[] grad;

  /** The operands of the current call: pred, label (or positive), and a third one (negative). */
  public float[] a;
  public float[] b;
  public float[] c;
  /** Geometry of the current call's class axis: the number of classes and the stride between them. */
  public int classes;
  public int classStride;

  /** A cached block of values keyed by {@link #cachedKey} (-1: empty), e.g. a log-sum-exp per position. */
  public float[] cache = new float[0];
  public int cachedKey = -1;

  /** The companion of {@link #cache} for the second part of a log-sum-exp (see {@link #logSumCache(int)}). */
  public float[] logSumCache = new float[0];

  /** A second cache for gradients, e.g. the upstream factors of a whole class block; see {@link #cache2(int)}. */
  public float[] cache2 = new float[0];
  /** A third cache, e.g. a per-position weighted label mass. */
  public float[] cache3 = new float[0];

  /** The upstream of the current gradient call (see {@code SampleReduction.upstream}). */
  float upScale;
  float[] upWeight;
  int[] upShape;

  /** Per-sample sums in double, and the odometer state of the reduction. */
  double[] sums = new double[0];
  int[] index = new int[0];
  int[] weightStrides = new int[0];
  /** Loss shapes of calls whose loss is not shaped like pred, one array per rank (so ranks can alternate). */
  private int[][] shapes = new int[0][];

  private Workspace() {}

  /** This thread's workspace. */
  public static Workspace get() {
    return LOCAL.get();
  }

  /**
   * How many of the flat elements {@code [start, end)} lie in start's chunk of {@link #CHUNK}: the length of the
   * part the general path sums before the next chunk begins.
   */
  public static int partInChunk(int start, int end) {
    return Math.min(end, (start / CHUNK + 1) * CHUNK) - start;
  }

  /** A buffer of at least n floats for the cache (grown, never shrunk). */
  public float[] cache(int n) {
    if (cache.length < n) {
      cache = new float[n];
    }
    return cache;
  }

  /** A buffer of at least n floats for the log-sum cache (grown, never shrunk). */
  public float[] logSumCache(int n) {
    if (logSumCache.length < n) {
      logSumCache = new float[n];
    }
    return logSumCache;
  }

  /** A buffer of at least n floats for the second cache (grown, never shrunk). */
  public float[] cache2(int n) {
    if (cache2.length < n) {
      cache2 = new float[n];
    }
    return cache2;
  }

  /** A buffer of at least n floats for the third cache (grown, never shrunk). */
  public float[] cache3(int n) {
    if (cache3.length < n) {
      cache3 = new float[n];
    }
    return cache3;
  }

  /** An int[rank] for the loss shape of the current call. */
  public int[] shape(int rank) {
    if (shapes.length <= rank) {
      shapes = java.util.Arrays.copyOf(shapes, rank + 1);
    }
    if (shapes[rank] == null) {
      shapes[rank] = new int[rank];
    }
    return shapes[rank];
  }

  void ensure(int samples, int rank) {
    if (sums.length < samples) {
      sums = new double[samples];
    }
    if (index.length < rank) {
      index = new int[rank];
      weightStrides = new int[rank];
    }
  }

  /** Forgets the caller's arrays so that the workspace does not keep them alive. */
  public void release() {
    a = null;
    b = null;
    c = null;
    grad = null;
    upWeight = null;
    upShape = null;
    cachedKey = -1;
  }
}
