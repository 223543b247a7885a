package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaVectorConstants.DOUBLES;
import static io.simdloss.internal.vector.PanamaVectorConstants.FLOATS;
import static io.simdloss.internal.vector.PanamaVectorConstants.INTS;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Runs, once, every Vector API operation that the vector kernels use, so that the JDK's per-operator
 * implementation caches are filled before any kernel is compiled.
 *
 * <p>Why (session 12, found with {@code AllocationTest}): each lanewise operation looks up its Java
 * fallback in a cache ({@code VectorOperators.ImplCache.find}). The first lookup of an operator misses and calls
 * a supplier; when that first miss happens inside C2-compiled code, it deoptimizes with a {@code class_check}
 * trap, recorded in {@code find}'s profile. C2 adds up the trap counts of every method it inlines, once per
 * inlined copy, and a kernel inlines {@code find} once per vector operation (40-50 times for the exp/log
 * kernels). With 4 such traps, a kernel's total passed C2's limit ({@code -XX:PerMethodTrapLimit}, 100): C2 then
 * compiled profile-guarded calls with a slow path instead of a trap, lost the vectors' exact class, failed to
 * intrinsify the loads and stores, and boxed a vector per iteration (14-58 KB per call at 2400 elements),
 * for as long as the process ran. Which kernels lost depended on what had run before. With every operator looked
 * up here, in the interpreter, no lookup misses later, and {@code find} records no trap.
 *
 * <p>The list must cover every operator the kernels use, with vector and scalar operands (a scalar operand is
 * broadcast, then the same binary operator). Nothing reads the JDK's caches to check it; {@code AllocationTest}
 * checks the effect: before this class, 8 of its cases boxed on JDK 17 in every run. A kernel that starts using
 * a new operator must add it here.
 */
final class OperatorCaches {
  private OperatorCaches() {}

  /** Runs each operation once on zero vectors; returns a value so that nothing is dead code. */
  static float fill() {
    FloatVector x = FloatVector.zero(FLOATS);
    FloatVector y = FloatVector.broadcast(FLOATS, 1f);
    IntVector i = IntVector.zero(INTS);
    VectorMask<Float> m = x.compare(VectorOperators.GT, y);
    float s = 0f;
    // binary, unary and ternary float operators, vector and scalar operands
    s += x.add(y).sub(y).mul(y).div(y).max(y).min(y).lane(0);
    s += x.add(1f).sub(1f).mul(1f).div(1f).max(1f).min(1f).lane(0);
    s += x.neg().abs().lane(0);
    s += x.fma(y, y).fma(1f, 1f).lane(0);
    s += x.lanewise(VectorOperators.MAX, y).lanewise(VectorOperators.MIN, y).lane(0);
    // comparisons, masks and blends
    for (VectorOperators.Comparison c : new VectorOperators.Comparison[] {VectorOperators.EQ, VectorOperators.NE,
        VectorOperators.LT, VectorOperators.LE, VectorOperators.GT, VectorOperators.GE}) {
      s += x.blend(y, x.compare(c, y)).lane(0) + x.blend(1f, x.compare(c, 1f)).lane(0);
      s += i.compare(c, i).anyTrue() ? 1f : 0f;
      s += i.compare(c, 0).allTrue() ? 1f : 0f;
    }
    s += m.not().or(m).and(m).anyTrue() ? 1f : 0f;
    s += m.allTrue() ? 1f : 0f;
    // int operators, shifts and conversions used by exp and log
    IntVector j = i.add(i).add(1).sub(i).sub(1).and(i).and(1).or(i).or(1);
    j = j.lanewise(VectorOperators.ASHR, 23).lanewise(VectorOperators.LSHL, 23).lanewise(VectorOperators.LSHR, 1);
    s += ((FloatVector) j.convert(VectorOperators.I2F, 0)).lane(0);
    s += j.reinterpretAsFloats().add(x.reinterpretAsInts().reinterpretAsFloats()).lane(0);
    s += x.viewAsIntegralLanes().viewAsFloatingLanes().lane(0);
    // double and long operators of the CTC passes (CtcPasses): the cache lookup is one method for every element
    // type, so a first miss in a double kernel would count against the float kernels' trap total too
    DoubleVector dx = DoubleVector.zero(DOUBLES);
    DoubleVector dy = DoubleVector.broadcast(DOUBLES, 1d);
    VectorMask<Double> dm = dx.compare(VectorOperators.EQ, dy).or(dx.compare(VectorOperators.EQ, 1d))
        .or(dx.compare(VectorOperators.GT, 1d));
    s += (float) dx.add(dy).sub(dy).mul(dy).div(dy).max(dy).min(dy).lane(0);
    s += (float) dx.add(1d).sub(1d).mul(1d).div(1d).max(1d).min(1d).lane(0);
    s += (float) dx.neg().abs().fma(dy, dy).blend(dy, dm).blend(1d, dm).lane(0);
    LongVector l = dx.reinterpretAsLongs().add(1L).sub(1L).add(dy.reinterpretAsLongs()).sub(dy.reinterpretAsLongs());
    l = l.lanewise(VectorOperators.LSHL, 52).lanewise(VectorOperators.ASHR, 52);
    s += (float) l.reinterpretAsDoubles().lane(0);
    return s;
  }
}
