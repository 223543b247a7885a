package io.simdloss.internal.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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

  /** Lanes per float vector. */
  public static final int LANES = FLOATS.length();
}
