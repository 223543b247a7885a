package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaLossKernels.DOWN_4;
import static io.simdloss.internal.vector.PanamaVectorConstants.FLOATS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The canonical {@code sum}, {@code dot} and {@code crossEntropy} of {@link PanamaLossKernels} for 8-lane
 * vectors (256-bit floats), for 16 <= n < {@link Reductions16#BLOCK_LOOP_MIN} (every n on JDK 25; below 64
 * the {@code ...Short} methods): small enough for C2 to inline ({@code InlineBudgetTest}), and
 * with 4 vector loads to check before the loop instead of the block kernel's 16.
 * One 16-element chunk (2 vectors) per iteration into acc0..acc1, after which the 8 accumulators
 * rotate by 2: every chunk meets the logical lanes the order gives it, and the fold, invariant under the
 * rotation, needs no rotating back (the shape and its proof are {@link Reductions16}'s). From
 * {@code BLOCK_LOOP_MIN} on, on JDKs before 25, {@code PanamaLossKernels} calls its block kernels instead: JDK 17's
 * C2 does not unroll this loop (ten register moves per chunk, disassembled), which long rows would pay for.
 *
 * <p>Measured against the block kernels at 256 bits, n = 100 (fastest-iteration ratio to the inlined
 * {@code reduceLanes} baseline, {@code ReproducibilityReport}, before -> after): JDK 25 dot 1.63 -> 0.94, sum
 * 1.32 -> 1.00, crossEntropy 1.36 -> 1.10; JDK 17 dot 1.38 -> 1.35 (10 rounds). The same shape at 4 lanes (16
 * accumulators rotating by four, 457 bytes for dot, so a call) was slower than the block kernel on both JDKs
 * (dot at n = 100: 1.76 on JDK 17 and 1.80 on JDK 25, against 1.32 before) and was not kept: 4 lanes use the
 * block kernels at every n.
 */
final class Reductions8 {
  private Reductions8() {}

  /**
   * Canonical sum of a[ao .. ao + n) for 16 <= n < 64 without a loop, as {@code Reductions16.sumShort} (whose
   * comment has why these are the canonical bits): chunk c is the vectors (lo_c, hi_c), the fold's first three
   * steps are {@code ((lo0 + lo2) + lo1) + ((hi0 + hi2) + hi1)}, the +0f lanes dropped, and one {@code + 0f} at the
   * end. Measured in the README, "What reproducibility costs", session 17.
   */
  static float sumShort(float[] a, int ao, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector lo = FloatVector.fromArray(f, a, ao);
    FloatVector hi = FloatVector.fromArray(f, a, ao + 8);
    if (n >= 32) {
      FloatVector lo1 = FloatVector.fromArray(f, a, ao + 16);
      FloatVector hi1 = FloatVector.fromArray(f, a, ao + 24);
      if (n >= 48) {
        lo = lo.add(FloatVector.fromArray(f, a, ao + 32));
        hi = hi.add(FloatVector.fromArray(f, a, ao + 40));
      }
      lo = lo.add(lo1);
      hi = hi.add(hi1);
    }
    lo = lo.add(hi);
    lo = lo.add(lo.rearrange(DOWN_4));
    return Reductions16.sumFrom(((lo.lane(0) + lo.lane(2)) + (lo.lane(1) + lo.lane(3))) + 0f, a, ao, n & -16, n);
  }

  /** Canonical dot product for 16 <= n < 64, as {@link #sumShort} does the sum, with plain products. */
  static float dotShort(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector lo = FloatVector.fromArray(f, a, ao).mul(FloatVector.fromArray(f, b, bo));
    FloatVector hi = FloatVector.fromArray(f, a, ao + 8).mul(FloatVector.fromArray(f, b, bo + 8));
    if (n >= 32) {
      FloatVector lo1 = FloatVector.fromArray(f, a, ao + 16).mul(FloatVector.fromArray(f, b, bo + 16));
      FloatVector hi1 = FloatVector.fromArray(f, a, ao + 24).mul(FloatVector.fromArray(f, b, bo + 24));
      if (n >= 48) {
        lo = lo.add(FloatVector.fromArray(f, a, ao + 32).mul(FloatVector.fromArray(f, b, bo + 32)));
        hi = hi.add(FloatVector.fromArray(f, a, ao + 40).mul(FloatVector.fromArray(f, b, bo + 40)));
      }
      lo = lo.add(lo1);
      hi = hi.add(hi1);
    }
    lo = lo.add(hi);
    lo = lo.add(lo.rearrange(DOWN_4));
    return Reductions16.dotFrom(((lo.lane(0) + lo.lane(2)) + (lo.lane(1) + lo.lane(3))) + 0f, a, ao, b, bo,
        n & -16, n);
  }

  /**
   * The whole chunks' part of the canonical sum of label * ((shift - pred) + logSum) for 16 <= n < 64, as
   * {@link #sumShort} forms it, without the last n % 16 terms: the caller adds those
   * ({@code Reductions16.crossEntropyFrom}). With the tail here the method took 333 bytes of bytecode, past C2's
   * inlining limit of 325 ({@code InlineBudgetTest}).
   */
  static float crossEntropyShortChunks(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector shiftV = FloatVector.broadcast(f, shift);
    FloatVector logSumV = FloatVector.broadcast(f, logSum);
    FloatVector l = FloatVector.fromArray(f, label, lo)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po)).add(logSumV));
    FloatVector h = FloatVector.fromArray(f, label, lo + 8)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 8)).add(logSumV));
    if (n >= 32) {
      FloatVector l1 = FloatVector.fromArray(f, label, lo + 16)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 16)).add(logSumV));
      FloatVector h1 = FloatVector.fromArray(f, label, lo + 24)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 24)).add(logSumV));
      if (n >= 48) {
        l = l.add(FloatVector.fromArray(f, label, lo + 32)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 32)).add(logSumV)));
        h = h.add(FloatVector.fromArray(f, label, lo + 40)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 40)).add(logSumV)));
      }
      l = l.add(l1);
      h = h.add(h1);
    }
    l = l.add(h);
    l = l.add(l.rearrange(DOWN_4));
    return ((l.lane(0) + l.lane(2)) + (l.lane(1) + l.lane(3))) + 0f;
  }

  /** Canonical sum of a[ao .. ao + n). */
  static float sum(float[] a, int ao, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector acc0 = FloatVector.zero(f);
    FloatVector acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
    int i = 0;
    for (; i <= n - 16; i += 16) {
      FloatVector next0 = acc0.add(FloatVector.fromArray(f, a, ao + i));
      FloatVector next1 = acc1.add(FloatVector.fromArray(f, a, ao + i + 8));
      acc0 = acc2; acc1 = acc3; acc2 = acc4; acc3 = acc5; acc4 = acc6; acc5 = acc7; acc6 = next0; acc7 = next1;
    }
    acc0 = acc0.add(acc4); acc1 = acc1.add(acc5); acc2 = acc2.add(acc6); acc3 = acc3.add(acc7);
    acc0 = acc0.add(acc2); acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    float s = (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3)); // half = 2, then 1
    return Reductions16.sumFrom(s, a, ao, i, n);
  }

  /** Canonical dot product of a[ao .. ao + n) and b[bo .. bo + n), one fma per element. */
  static float dot(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector acc0 = FloatVector.zero(f);
    FloatVector acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
    int i = 0;
    for (; i <= n - 16; i += 16) {
      FloatVector next0 = FloatVector.fromArray(f, a, ao + i).fma(FloatVector.fromArray(f, b, bo + i), acc0);
      FloatVector next1 = FloatVector.fromArray(f, a, ao + i + 8).fma(FloatVector.fromArray(f, b, bo + i + 8), acc1);
      acc0 = acc2; acc1 = acc3; acc2 = acc4; acc3 = acc5; acc4 = acc6; acc5 = acc7; acc6 = next0; acc7 = next1;
    }
    acc0 = acc0.add(acc4); acc1 = acc1.add(acc5); acc2 = acc2.add(acc6); acc3 = acc3.add(acc7);
    acc0 = acc0.add(acc2); acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    float s = (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3)); // half = 2, then 1
    return Reductions16.dotFrom(s, a, ao, b, bo, i, n);
  }

  /** Canonical sum of label * ((shift - pred) + logSum). */
  static float crossEntropy(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector shiftV = FloatVector.broadcast(f, shift);
    FloatVector logSumV = FloatVector.broadcast(f, logSum);
    FloatVector acc0 = FloatVector.zero(f);
    FloatVector acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
    int i = 0;
    for (; i <= n - 16; i += 16) {
      FloatVector next0 = acc0.add(FloatVector.fromArray(f, label, lo + i)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + i)).add(logSumV)));
      FloatVector next1 = acc1.add(FloatVector.fromArray(f, label, lo + i + 8)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + i + 8)).add(logSumV)));
      acc0 = acc2; acc1 = acc3; acc2 = acc4; acc3 = acc5; acc4 = acc6; acc5 = acc7; acc6 = next0; acc7 = next1;
    }
    acc0 = acc0.add(acc4); acc1 = acc1.add(acc5); acc2 = acc2.add(acc6); acc3 = acc3.add(acc7);
    acc0 = acc0.add(acc2); acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    float s = (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3)); // half = 2, then 1
    return Reductions16.crossEntropyFrom(s, label, lo, pred, po, shift, logSum, i, n);
  }
}
