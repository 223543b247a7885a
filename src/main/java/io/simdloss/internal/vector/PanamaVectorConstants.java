package io.simdloss.internal.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API constants, kept apart from {@code KernelProvider} so that deciding on a backend never loads a
 * Vector API class (the scalar path must work when the module is absent).
 *
 * <p>The species is a {@code static final} taken from the preferred shape: C2 then treats it as a constant.
 * Passing a species around as a parameter, or hard-coding 512 bits on hardware whose preferred shape is
 * narrower, turns intrinsics back into Java loops over boxed lanes, a 15-30x cliff measured by Lucene.
 */
public final class PanamaVectorConstants {
  private PanamaVectorConstants() {}

  /** The preferred float species of this JVM (bounded by -XX:MaxVectorSize). */
  public static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

  /** The int species with the same number of lanes as {@link #FLOATS}, for bit manipulation in exp/log. */
  public static final VectorSpecies<Integer> INTS =
      VectorSpecies.of(int.class, VectorShape.forBitSize(FLOATS.vectorBitSize()));

  /** The double species of the same bit size as {@link #FLOATS}, for the CTC recursion (double). */
  public static final VectorSpecies<Double> DOUBLES =
      VectorSpecies.of(double.class, VectorShape.forBitSize(FLOATS.vectorBitSize()));

  /** Lanes per double vector: half of {@link #LANES}. */
  public static final int DOUBLE_LANES = DOUBLES.length();

  /**
   * Whether the double kernels that compare and blend (the CTC recursion's selection, log1p and occupancy
   * passes) run on vectors: only with at least 4 double lanes. With 2 (-XX:MaxVectorSize=16), C2 on JDK 17
   * does not intrinsify compare and blend of double vectors ({@code -XX:+PrintInlining}: "failed to inline
   * (intrinsic)"), so every vector of such a loop is boxed: 540 KB per call of a small CTC gradient, and 30 ns
   * per element instead of 1.5 (session 11). At 128 bits those kernels run their scalar twins, the same bits.
   */
  public static final boolean DOUBLE_MASKS = DOUBLE_LANES >= 4;

  /**
   * 16 false, then 16 true: {@code VectorMask.fromArray(FLOATS, WINDOW, r + k * LANES)} selects, in vector k of the
   * 16 elements ending at n, the lanes of the last r = n % 16, those the canonical order's window adds (see
   * {@code PanamaLossKernels}); offset 16 selects every lane. Why a table rather than {@code IOTA.compare(GE, t)}:
   * on JDK 17 at 256 bits the window of an 8-lane sumShort (two masks) took 6.5-7.4 ns with compare, 3.9-4.8 with
   * the table, 6.1 and 3.1 for the old sequential tail at n = 40 and 48; on JDK 25 3.3-3.8 and 3.1-3.4 (jmh
   * WindowMaskProbe, n = 40 and 48, one fork each, session 21).
   */
  static final boolean[] WINDOW = new boolean[32];

  static {
    java.util.Arrays.fill(WINDOW, 16, 32, true);
  }

  /** Lanes per float vector. */
  public static final int LANES = FLOATS.length();
}
