package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaLossKernels.DOWN_4;
import static io.simdloss.internal.vector.PanamaVectorConstants.FLOATS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The canonical {@code sum}, {@code dot} and {@code crossEntropy} of {@link PanamaLossKernels} for 8-lane
 * vectors (256-bit floats), for 16 <= n < {@link #BLOCK_KERNELS_MIN} (every n on JDK 25, n < 128 before; below 64
 * the {@code ...Short} methods, for one whole block the {@code ...OneBlock} methods): small enough for C2 to inline
 * ({@code InlineBudgetTest}; the {@code ...OneBlock} methods but sum are calls), and with 4 vector loads to check
 * before the loop instead of the block kernel's 16.
 * One 16-element chunk (2 vectors) per iteration into acc0..acc1, after which the 8 accumulators
 * rotate by 2: every chunk meets the logical lanes the order gives it, and the fold, invariant under the
 * rotation, needs no rotating back (the shape and its proof are {@link Reductions16}'s). On JDKs before 25 only
 * JDK 25 runs it: JDK 17's C2 does not unroll this loop (ten register moves per chunk, disassembled), and
 * {@code PanamaLossKernels} calls its block kernels from {@code BLOCK_KERNELS_MIN} on.
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
   * From this n on, PanamaLossKernels calls its block kernels at 8 lanes instead of the rotating loops below: 128
   * (the first n past the {@code ...OneBlock} methods) on JDKs before 25, which do not unroll those loops; never on
   * JDK 25, whose rotating loops are within the bound up to n = 4096 (session 15).
   *
   * <p>Until session 18 it was 512 before JDK 25, as {@code Reductions16.BLOCK_LOOP_MIN}. The report at n = 140, 200
   * and 400 then showed JDK 17's rotating loops far from the bound. Rotating loop -> block kernels, JDK 17, 256 bits,
   * canonical fastest iteration in ns (fastest ratio to the inlined {@code reduceLanes} baseline), {@code
   * ReproducibilityReport -p kernel=sum,dot,crossEntropy -p n=... -f 4} with {@code -XX:MaxVectorSize=32}:
   * <ul>
   *   <li>sum: n = 140 12.8 -> 9.9 (1.43 -> 1.09), 200 13.0 -> 9.2 (1.44 -> 1.01), 400 18.1 -> 11.6 (1.50 -> 0.96);
   *   <li>crossEntropy: 24.2 -> 18.5 (1.70 -> 1.29), 28.0 -> 19.6 (1.94 -> 1.38), 42.9 -> 24.3 (1.75 -> 0.97);
   *   <li>dot, about level and over the bound either way: 18.0 -> 19.0 (1.64 -> 1.77), 18.6 -> 18.9 (1.65 -> 1.68),
   *       24.3 -> 23.5 (1.32 -> 1.29).
   * </ul>
   * One threshold for the three keeps one rule; dot's difference is within the host's noise.
   */
  static final int BLOCK_KERNELS_MIN = Reductions16.FAST_ROTATING_LOOPS ? Integer.MAX_VALUE : 128;

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

  /**
   * Canonical sum of a[ao .. ao + n) for one whole block, 64 <= n < 128, without a loop, as
   * {@code Reductions4.sumOneBlock} (whose comment has why these are the canonical bits): the block's 8 vectors
   * load straight into the accumulators (vector k holds logical lanes [8k, 8k + 8)), the partial block's whole
   * chunks c = 0, 1, 2 add onto vectors 2c and 2c + 1.
   *
   * <p>Why not the rotating loop below: at this size JDK 17 ran it slowly, crossEntropy most. Rotating loop -> these
   * methods, 256 bits, n = 100, canonical fastest iteration (fastest ratio to the inlined {@code reduceLanes}
   * baseline): JDK 17 sum 8.8 -> 8.4 ns (1.16 -> 0.85), dot 11.7 -> 9.5 (1.32 -> 1.02), crossEntropy 17.8 -> 11.0
   * (1.53 -> 0.93); JDK 25 6.4 -> 6.6 (0.87 -> 0.88), 9.4 -> 9.1 (1.02 -> 0.93), 12.6 -> 11.1 (1.08 -> 0.96). The
   * commands and n = 127: README, "What reproducibility costs", session 18. {@code dotOneBlock} (529 bytes of
   * bytecode) and {@code crossEntropyOneBlock} (688) are calls, not inlined; they take arrays and return a float,
   * so nothing boxes. {@code sumOneBlock} is 325 bytes, which C2 still inlines; either way is fine for it.
   */
  static float sumOneBlock(float[] a, int ao, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector v0 = FloatVector.fromArray(f, a, ao);
    FloatVector v1 = FloatVector.fromArray(f, a, ao + 8);
    FloatVector v2 = FloatVector.fromArray(f, a, ao + 16);
    FloatVector v3 = FloatVector.fromArray(f, a, ao + 24);
    FloatVector v4 = FloatVector.fromArray(f, a, ao + 32);
    FloatVector v5 = FloatVector.fromArray(f, a, ao + 40);
    FloatVector v6 = FloatVector.fromArray(f, a, ao + 48);
    FloatVector v7 = FloatVector.fromArray(f, a, ao + 56);
    if (n >= 80) {
      v0 = v0.add(FloatVector.fromArray(f, a, ao + 64));
      v1 = v1.add(FloatVector.fromArray(f, a, ao + 72));
      if (n >= 96) {
        v2 = v2.add(FloatVector.fromArray(f, a, ao + 80));
        v3 = v3.add(FloatVector.fromArray(f, a, ao + 88));
        if (n >= 112) {
          v4 = v4.add(FloatVector.fromArray(f, a, ao + 96));
          v5 = v5.add(FloatVector.fromArray(f, a, ao + 104));
        }
      }
    }
    // the fold of the rotating kernels above, with the vectors in their canonical places
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    v0 = v0.add(v0.rearrange(DOWN_4));
    float s = ((v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3))) + 0f;
    return Reductions16.sumFrom(s, a, ao, n & -16, n);
  }

  /** Canonical dot product for 64 <= n < 128, as {@link #sumOneBlock}, each lane's first product an fma onto +0f. */
  static float dotOneBlock(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector z = FloatVector.zero(f);
    FloatVector v0 = FloatVector.fromArray(f, a, ao).fma(FloatVector.fromArray(f, b, bo), z);
    FloatVector v1 = FloatVector.fromArray(f, a, ao + 8).fma(FloatVector.fromArray(f, b, bo + 8), z);
    FloatVector v2 = FloatVector.fromArray(f, a, ao + 16).fma(FloatVector.fromArray(f, b, bo + 16), z);
    FloatVector v3 = FloatVector.fromArray(f, a, ao + 24).fma(FloatVector.fromArray(f, b, bo + 24), z);
    FloatVector v4 = FloatVector.fromArray(f, a, ao + 32).fma(FloatVector.fromArray(f, b, bo + 32), z);
    FloatVector v5 = FloatVector.fromArray(f, a, ao + 40).fma(FloatVector.fromArray(f, b, bo + 40), z);
    FloatVector v6 = FloatVector.fromArray(f, a, ao + 48).fma(FloatVector.fromArray(f, b, bo + 48), z);
    FloatVector v7 = FloatVector.fromArray(f, a, ao + 56).fma(FloatVector.fromArray(f, b, bo + 56), z);
    if (n >= 80) {
      v0 = FloatVector.fromArray(f, a, ao + 64).fma(FloatVector.fromArray(f, b, bo + 64), v0);
      v1 = FloatVector.fromArray(f, a, ao + 72).fma(FloatVector.fromArray(f, b, bo + 72), v1);
      if (n >= 96) {
        v2 = FloatVector.fromArray(f, a, ao + 80).fma(FloatVector.fromArray(f, b, bo + 80), v2);
        v3 = FloatVector.fromArray(f, a, ao + 88).fma(FloatVector.fromArray(f, b, bo + 88), v3);
        if (n >= 112) {
          v4 = FloatVector.fromArray(f, a, ao + 96).fma(FloatVector.fromArray(f, b, bo + 96), v4);
          v5 = FloatVector.fromArray(f, a, ao + 104).fma(FloatVector.fromArray(f, b, bo + 104), v5);
        }
      }
    }
    // the fold of the rotating kernels above, with the vectors in their canonical places
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    v0 = v0.add(v0.rearrange(DOWN_4));
    float s = (v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3));
    return Reductions16.dotFrom(s, a, ao, b, bo, n & -16, n);
  }

  /** Canonical sum of label * ((shift - pred) + logSum) for 64 <= n < 128, as {@link #sumOneBlock}. */
  static float crossEntropyOneBlock(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector shiftV = FloatVector.broadcast(f, shift);
    FloatVector logSumV = FloatVector.broadcast(f, logSum);
    FloatVector v0 = FloatVector.fromArray(f, label, lo)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po)).add(logSumV));
    FloatVector v1 = FloatVector.fromArray(f, label, lo + 8)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 8)).add(logSumV));
    FloatVector v2 = FloatVector.fromArray(f, label, lo + 16)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 16)).add(logSumV));
    FloatVector v3 = FloatVector.fromArray(f, label, lo + 24)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 24)).add(logSumV));
    FloatVector v4 = FloatVector.fromArray(f, label, lo + 32)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 32)).add(logSumV));
    FloatVector v5 = FloatVector.fromArray(f, label, lo + 40)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 40)).add(logSumV));
    FloatVector v6 = FloatVector.fromArray(f, label, lo + 48)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 48)).add(logSumV));
    FloatVector v7 = FloatVector.fromArray(f, label, lo + 56)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 56)).add(logSumV));
    if (n >= 80) {
      v0 = v0.add(FloatVector.fromArray(f, label, lo + 64)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 64)).add(logSumV)));
      v1 = v1.add(FloatVector.fromArray(f, label, lo + 72)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 72)).add(logSumV)));
      if (n >= 96) {
        v2 = v2.add(FloatVector.fromArray(f, label, lo + 80)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 80)).add(logSumV)));
        v3 = v3.add(FloatVector.fromArray(f, label, lo + 88)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 88)).add(logSumV)));
        if (n >= 112) {
          v4 = v4.add(FloatVector.fromArray(f, label, lo + 96)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 96)).add(logSumV)));
          v5 = v5.add(FloatVector.fromArray(f, label, lo + 104)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 104)).add(logSumV)));
        }
      }
    }
    // the fold of the rotating kernels above, with the vectors in their canonical places
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    v0 = v0.add(v0.rearrange(DOWN_4));
    float s = ((v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3))) + 0f;
    return Reductions16.crossEntropyFrom(s, label, lo, pred, po, shift, logSum, n & -16, n);
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
