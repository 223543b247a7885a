package io.simdloss.internal.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Lanewise exp/log for the Vector API kernels. TEMPORARY: SVML lanewise ops until the own twins land. */
public final class VectorMath {
  private VectorMath() {}

  public static FloatVector exp(FloatVector x) { return x.lanewise(VectorOperators.EXP); }

  public static FloatVector log(FloatVector x) { return x.lanewise(VectorOperators.LOG); }

  public static FloatVector log1p(FloatVector x) { return x.lanewise(VectorOperators.LOG1P); }
}
