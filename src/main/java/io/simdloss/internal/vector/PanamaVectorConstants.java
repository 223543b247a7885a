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

  /** Lanes per float vector. */
  public static final int LANES = FLOATS.length();
}
