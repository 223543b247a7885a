package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaLossKernels.DOWN_4;
import static io.simdloss.internal.vector.PanamaVectorConstants.FLOATS;
import static io.simdloss.internal.vector.PanamaVectorConstants.WINDOW;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The canonical {@code sum}, {@code dot} and {@code crossEntropy} of {@link PanamaLossKernels} for 8-lane
 * vectors (256-bit floats), for 16 <= n < {@link #BLOCK_KERNELS_MIN} (every n on JDK 25, n < 128 before; below 64
 * the {@code ...Short} methods, for one whole block the {@code ...OneBlock} methods), with 4 vector loads to check
 * before the loop instead of the block kernel's 16. {@code sum} and {@code sumShort} are small enough for C2 to
 * inline ({@code InlineBudgetTest}); the others are calls since the window order (session 21) took them to 367-915
 * bytes of bytecode. They take arrays and return a float, so nothing boxes, and the 256-bit report stayed within the
 * bound with them (docs/performance-history.md, "What reproducibility costs", session 21).
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
   * Before JDK 25, {@code dot} at 8 lanes takes {@link #dotBlocks}, whose block loop C2 does not count, for
   * {@link #BLOCK_KERNELS_MIN} <= n < this, and {@code PanamaLossKernels.dotBlocks}, whose loop it counts, from here
   * on. (On JDK 25 this path is not taken: {@code dot} takes the rotating loop at every n.)
   *
   * <p>Why: a counted loop costs C2's set-up on every call that enters it (the bounds checks of its loads hoisted
   * before it, the pre-, main and post-loops), which a few blocks do not repay; an uncounted loop keeps its bounds
   * checks in its body, which costs more once there are many blocks. Which part of the set-up costs here was not
   * isolated: {@code -XX:-UseLoopPredicate} alone did not make this dot faster (docs/performance-history.md, "What
   * reproducibility costs", session 20). Measured on JDK 17, 256 bits, session 22 ({@code ReproducibilityReport -p
   * kernel=dot -p n=100,140,200,300,500,1000 -f 3} with {@code -XX:MaxVectorSize=32}, the session-start jar and then
   * this kernel up to n = 1024, back to back), fastest canonical iterations in ns, counted -> uncounted: n = 140 15.5
   * -> 11.7, 200 19.3 -> 13.8, 300 22.0 -> 19.8, 500 29.2 -> 27.5, 1000 46.5 -> 48.6 (the baseline: 15.7, 15.6, 21.6,
   * 28.7, 42.7). An earlier round with the whole of {@code PanamaLossKernels.dotBlocks} uncounted: n = 2048 82.4 ->
   * 87.8, 4096 163.1 -> 181.3. A third round, all counted and then all uncounted through a scratch property (n =
   * 512,640,768,896,1024): 27.7 -> 24.9, 32.5 -> 30.2, 37.7 -> 35.3, 41.9 -> 41.7, 47.1 -> 46.9 (baseline 24.3, 28.9,
   * 33.4, 38.0, 42.3). So the uncounted loop below 896, where the two are level; from there the counted one, which was
   * ahead at n = 1000 in both rounds that measured it.
   */
  static final int UNCOUNTED_DOT_MAX = 896;

  /**
   * 64, in a field that is neither final nor ever written, so C2 cannot take it for a constant: the stride of
   * {@link #dotBlocks}' block loop, which is therefore not counted ({@link #UNCOUNTED_DOT_MAX}).
   */
  private static int blockStride = 64;

  /**
   * Canonical sum of a[ao .. ao + n) for 16 <= n < 64 without a loop, as {@code Reductions16.sumShort} (whose
   * comment has why these are the canonical bits): chunk c is the vectors (lo_c, hi_c), and the window (if n % 16 is
   * not 0) fills the upper lanes of chunk k = n / 16. The fold's first steps are {@code (c0 + c2) + (c1 + c3)} per
   * half, so the window pairs with chunk 1 when k = 3 and with chunk 0 otherwise: {@code p} below is that chunk,
   * {@code q} what their sum then pairs with (chunks 0 and 2, chunk 1, or +0f lanes below 32); the +0f lanes are
   * dropped (masked adds keep the other lanes' bits), and one {@code + 0f} at the end. Measured in
   * docs/performance-history.md, "What reproducibility costs", sessions 17 and 21.
   */
  static float sumShort(float[] a, int ao, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector pl = FloatVector.fromArray(f, a, ao);
    FloatVector ph = FloatVector.fromArray(f, a, ao + 8);
    FloatVector ql = FloatVector.zero(f);
    FloatVector qh = ql;
    if (n >= 32) {
      ql = FloatVector.fromArray(f, a, ao + 16);
      qh = FloatVector.fromArray(f, a, ao + 24);
      if (n >= 48) { // the window is chunk 3 and pairs with chunk 1; chunks 0 and 2 pair
        FloatVector l = pl.add(FloatVector.fromArray(f, a, ao + 32));
        FloatVector h = ph.add(FloatVector.fromArray(f, a, ao + 40));
        pl = ql;
        ph = qh;
        ql = l;
        qh = h;
      }
    }
    int r = n & 15;
    if (r != 0) { // the window: the 16 elements ending at n, their lanes from 16 - r on
      pl = pl.add(FloatVector.fromArray(f, a, ao + n - 16), VectorMask.fromArray(f, WINDOW, r));
      ph = ph.add(FloatVector.fromArray(f, a, ao + n - 8), VectorMask.fromArray(f, WINDOW, r + 8));
    }
    pl = pl.add(ql);
    ph = ph.add(qh);
    pl = pl.add(ph);
    pl = pl.add(pl.rearrange(DOWN_4));
    return ((pl.lane(0) + pl.lane(2)) + (pl.lane(1) + pl.lane(3))) + 0f;
  }

  /** Canonical dot product for 16 <= n < 64, as {@link #sumShort} does the sum, with plain products. */
  static float dotShort(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector pl = FloatVector.fromArray(f, a, ao).mul(FloatVector.fromArray(f, b, bo));
    FloatVector ph = FloatVector.fromArray(f, a, ao + 8).mul(FloatVector.fromArray(f, b, bo + 8));
    FloatVector ql = FloatVector.zero(f);
    FloatVector qh = ql;
    if (n >= 32) {
      ql = FloatVector.fromArray(f, a, ao + 16).mul(FloatVector.fromArray(f, b, bo + 16));
      qh = FloatVector.fromArray(f, a, ao + 24).mul(FloatVector.fromArray(f, b, bo + 24));
      if (n >= 48) {
        FloatVector l = pl.add(FloatVector.fromArray(f, a, ao + 32).mul(FloatVector.fromArray(f, b, bo + 32)));
        FloatVector h = ph.add(FloatVector.fromArray(f, a, ao + 40).mul(FloatVector.fromArray(f, b, bo + 40)));
        pl = ql;
        ph = qh;
        ql = l;
        qh = h;
      }
    }
    int r = n & 15;
    if (r != 0) { // the window: the 16 elements ending at n, their lanes from 16 - r on
      int w = n - 16;
      pl = pl.add(FloatVector.fromArray(f, a, ao + w).mul(FloatVector.fromArray(f, b, bo + w)),
          VectorMask.fromArray(f, WINDOW, r));
      ph = ph.add(FloatVector.fromArray(f, a, ao + w + 8).mul(FloatVector.fromArray(f, b, bo + w + 8)),
          VectorMask.fromArray(f, WINDOW, r + 8));
    }
    pl = pl.add(ql);
    ph = ph.add(qh);
    pl = pl.add(ph);
    pl = pl.add(pl.rearrange(DOWN_4));
    return ((pl.lane(0) + pl.lane(2)) + (pl.lane(1) + pl.lane(3))) + 0f;
  }

  /** Canonical sum of label * ((shift - pred) + logSum) for 16 <= n < 64, as {@link #sumShort} does the sum. */
  static float crossEntropyShort(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector shiftV = FloatVector.broadcast(f, shift);
    FloatVector logSumV = FloatVector.broadcast(f, logSum);
    if (Reductions4.PIN_BROADCASTS) { // its comment says why
      shiftV = shiftV.add(-0f);
      logSumV = logSumV.add(-0f);
    }
    FloatVector pl = FloatVector.fromArray(f, label, lo)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po)).add(logSumV));
    FloatVector ph = FloatVector.fromArray(f, label, lo + 8)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 8)).add(logSumV));
    FloatVector ql = FloatVector.zero(f);
    FloatVector qh = ql;
    if (n >= 32) {
      ql = FloatVector.fromArray(f, label, lo + 16)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 16)).add(logSumV));
      qh = FloatVector.fromArray(f, label, lo + 24)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 24)).add(logSumV));
      if (n >= 48) {
        FloatVector l = pl.add(FloatVector.fromArray(f, label, lo + 32)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 32)).add(logSumV)));
        FloatVector h = ph.add(FloatVector.fromArray(f, label, lo + 40)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 40)).add(logSumV)));
        pl = ql;
        ph = qh;
        ql = l;
        qh = h;
      }
    }
    int r = n & 15;
    if (r != 0) { // the window: the 16 elements ending at n, their lanes from 16 - r on
      int w = n - 16;
      pl = pl.add(FloatVector.fromArray(f, label, lo + w).mul(shiftV.sub(FloatVector.fromArray(f, pred, po + w))
          .add(logSumV)), VectorMask.fromArray(f, WINDOW, r));
      ph = ph.add(FloatVector.fromArray(f, label, lo + w + 8).mul(shiftV.sub(FloatVector.fromArray(f, pred, po + w + 8))
          .add(logSumV)), VectorMask.fromArray(f, WINDOW, r + 8));
    }
    pl = pl.add(ql);
    ph = ph.add(qh);
    pl = pl.add(ph);
    pl = pl.add(pl.rearrange(DOWN_4));
    return ((pl.lane(0) + pl.lane(2)) + (pl.lane(1) + pl.lane(3))) + 0f;
  }

  /**
   * Canonical sum of a[ao .. ao + n) for one whole block, 64 <= n < 128, without a loop, as
   * {@code Reductions4.sumOneBlock} (whose comment has why these are the canonical bits): the block's 8 vectors
   * load straight into the accumulators (vector k holds logical lanes [8k, 8k + 8)), the partial block's whole
   * chunks c = 0, 1, 2 add onto vectors 2c and 2c + 1, and the window onto the next chunk's two.
   *
   * <p>Why not the rotating loop below: at this size JDK 17 ran it slowly, crossEntropy most. Rotating loop -> these
   * methods, 256 bits, n = 100, canonical fastest iteration (fastest ratio to the inlined {@code reduceLanes}
   * baseline): JDK 17 sum 8.8 -> 8.4 ns (1.16 -> 0.85), dot 11.7 -> 9.5 (1.32 -> 1.02), crossEntropy 17.8 -> 11.0
   * (1.53 -> 0.93); JDK 25 6.4 -> 6.6 (0.87 -> 0.88), 9.4 -> 9.1 (1.02 -> 0.93), 12.6 -> 11.1 (1.08 -> 0.96). The
   * commands and n = 127: docs/performance-history.md, "What reproducibility costs", session 18. {@code dotOneBlock}
   * (795 bytes of bytecode since the window) and {@code crossEntropyOneBlock} (916) are calls, not inlined; they take
   * arrays and return a float, so nothing boxes. {@code sumOneBlock} was 325 bytes, which C2 still inlined, until the
   * window (505 since session 21): a call too, and at n = 100 it was as fast as before (docs/performance-history.md,
   * "What reproducibility costs", session 21).
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
    // the window (see PanamaLossKernels): the last r = n % 16 elements onto chunk c = (n - 64) / 16, the one a
    // next whole chunk would fill, as masked adds of the 16 elements ending at n
    int r = n & 15;
    if (r != 0) {
      int w = n - 16;
      FloatVector w0 = FloatVector.fromArray(f, a, ao + w);
      FloatVector w1 = FloatVector.fromArray(f, a, ao + w + 8);
      VectorMask<Float> m0 = VectorMask.fromArray(f, WINDOW, r);
      VectorMask<Float> m1 = VectorMask.fromArray(f, WINDOW, r + 8);
      int c = (n - 64) >> 4;
      if (c == 0) {
        v0 = v0.add(w0, m0);
        v1 = v1.add(w1, m1);
      } else if (c == 1) {
        v2 = v2.add(w0, m0);
        v3 = v3.add(w1, m1);
      } else if (c == 2) {
        v4 = v4.add(w0, m0);
        v5 = v5.add(w1, m1);
      } else {
        v6 = v6.add(w0, m0);
        v7 = v7.add(w1, m1);
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
    return ((v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3))) + 0f;
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
    // the window (see PanamaLossKernels): the last r = n % 16 elements onto chunk c = (n - 64) / 16, the one a
    // next whole chunk would fill, as masked adds of the 16 elements ending at n
    int r = n & 15;
    if (r != 0) {
      int w = n - 16;
      FloatVector a0 = FloatVector.fromArray(f, a, ao + w);
      FloatVector b0 = FloatVector.fromArray(f, b, bo + w);
      FloatVector a1 = FloatVector.fromArray(f, a, ao + w + 8);
      FloatVector b1 = FloatVector.fromArray(f, b, bo + w + 8);
      VectorMask<Float> m0 = VectorMask.fromArray(f, WINDOW, r);
      VectorMask<Float> m1 = VectorMask.fromArray(f, WINDOW, r + 8);
      int c = (n - 64) >> 4;
      if (c == 0) {
        v0 = v0.blend(a0.fma(b0, v0), m0);
        v1 = v1.blend(a1.fma(b1, v1), m1);
      } else if (c == 1) {
        v2 = v2.blend(a0.fma(b0, v2), m0);
        v3 = v3.blend(a1.fma(b1, v3), m1);
      } else if (c == 2) {
        v4 = v4.blend(a0.fma(b0, v4), m0);
        v5 = v5.blend(a1.fma(b1, v5), m1);
      } else {
        v6 = v6.blend(a0.fma(b0, v6), m0);
        v7 = v7.blend(a1.fma(b1, v7), m1);
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
    return (v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3));
  }

  /** Canonical sum of label * ((shift - pred) + logSum) for 64 <= n < 128, as {@link #sumOneBlock}. */
  static float crossEntropyOneBlock(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector shiftV = FloatVector.broadcast(f, shift);
    FloatVector logSumV = FloatVector.broadcast(f, logSum);
    if (Reductions4.PIN_BROADCASTS) { // its comment says why
      shiftV = shiftV.add(-0f);
      logSumV = logSumV.add(-0f);
    }
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
    // the window (see PanamaLossKernels): the last r = n % 16 elements onto chunk c = (n - 64) / 16, the one a
    // next whole chunk would fill, as masked adds of the 16 elements ending at n
    int r = n & 15;
    if (r != 0) {
      int w = n - 16;
      FloatVector w0 = FloatVector.fromArray(f, label, lo + w)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + w)).add(logSumV));
      FloatVector w1 = FloatVector.fromArray(f, label, lo + w + 8)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + w + 8)).add(logSumV));
      VectorMask<Float> m0 = VectorMask.fromArray(f, WINDOW, r);
      VectorMask<Float> m1 = VectorMask.fromArray(f, WINDOW, r + 8);
      int c = (n - 64) >> 4;
      if (c == 0) {
        v0 = v0.add(w0, m0);
        v1 = v1.add(w1, m1);
      } else if (c == 1) {
        v2 = v2.add(w0, m0);
        v3 = v3.add(w1, m1);
      } else if (c == 2) {
        v4 = v4.add(w0, m0);
        v5 = v5.add(w1, m1);
      } else {
        v6 = v6.add(w0, m0);
        v7 = v7.add(w1, m1);
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
    return ((v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3))) + 0f;
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
    // the window onto acc0, acc1: the chunk a next whole chunk would fill
    int r = n - i;
    if (r != 0) {
      acc0 = acc0.add(FloatVector.fromArray(f, a, ao + n - 16), VectorMask.fromArray(f, WINDOW, r));
      acc1 = acc1.add(FloatVector.fromArray(f, a, ao + n - 8), VectorMask.fromArray(f, WINDOW, r + 8));
    }
    acc0 = acc0.add(acc4); acc1 = acc1.add(acc5); acc2 = acc2.add(acc6); acc3 = acc3.add(acc7);
    acc0 = acc0.add(acc2); acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    return (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3)); // half = 2, then 1
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
    int r = n - i;
    if (r != 0) {
      int w = n - 16;
      acc0 = acc0.blend(FloatVector.fromArray(f, a, ao + w).fma(FloatVector.fromArray(f, b, bo + w), acc0),
          VectorMask.fromArray(f, WINDOW, r));
      acc1 = acc1.blend(FloatVector.fromArray(f, a, ao + w + 8).fma(FloatVector.fromArray(f, b, bo + w + 8), acc1),
          VectorMask.fromArray(f, WINDOW, r + 8));
    }
    acc0 = acc0.add(acc4); acc1 = acc1.add(acc5); acc2 = acc2.add(acc6); acc3 = acc3.add(acc7);
    acc0 = acc0.add(acc2); acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    return (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3)); // half = 2, then 1
  }

  /** Canonical sum of label * ((shift - pred) + logSum). */
  static float crossEntropy(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector shiftV = FloatVector.broadcast(f, shift);
    FloatVector logSumV = FloatVector.broadcast(f, logSum);
    if (Reductions4.PIN_BROADCASTS) { // its comment says why
      shiftV = shiftV.add(-0f);
      logSumV = logSumV.add(-0f);
    }
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
    int r = n - i;
    if (r != 0) {
      int w = n - 16;
      acc0 = acc0.add(FloatVector.fromArray(f, label, lo + w)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + w)).add(logSumV)), VectorMask.fromArray(f, WINDOW, r));
      acc1 = acc1.add(FloatVector.fromArray(f, label, lo + w + 8)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + w + 8)).add(logSumV)),
          VectorMask.fromArray(f, WINDOW, r + 8));
    }
    acc0 = acc0.add(acc4); acc1 = acc1.add(acc5); acc2 = acc2.add(acc6); acc3 = acc3.add(acc7);
    acc0 = acc0.add(acc2); acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    return (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3)); // half = 2, then 1
  }

  /**
   * Canonical dot product for n >= 64, {@code PanamaLossKernels.dotBlocks} at 8 lanes with a block loop C2 does
   * not count ({@link #UNCOUNTED_DOT_MAX} says when and why): one 64-element block per pass into the 8
   * accumulators, the partial block's whole chunks c = 0, 1, 2 onto vectors 2c and 2c + 1, the window, the fold.
   * A copy, not a change of that method: its JDK 17 compilation sits at the edge of C2's node budget (its comment).
   */
  static float dotBlocks(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector v0 = FloatVector.zero(f);
    FloatVector v1 = v0, v2 = v0, v3 = v0, v4 = v0, v5 = v0, v6 = v0, v7 = v0;
    int bound = n - (n & 63);
    for (int i = 0; i < bound; i += blockStride) {
      int p = ao + i;
      int q = bo + i;
      v0 = FloatVector.fromArray(f, a, p).fma(FloatVector.fromArray(f, b, q), v0);
      v1 = FloatVector.fromArray(f, a, p + 8).fma(FloatVector.fromArray(f, b, q + 8), v1);
      v2 = FloatVector.fromArray(f, a, p + 16).fma(FloatVector.fromArray(f, b, q + 16), v2);
      v3 = FloatVector.fromArray(f, a, p + 24).fma(FloatVector.fromArray(f, b, q + 24), v3);
      v4 = FloatVector.fromArray(f, a, p + 32).fma(FloatVector.fromArray(f, b, q + 32), v4);
      v5 = FloatVector.fromArray(f, a, p + 40).fma(FloatVector.fromArray(f, b, q + 40), v5);
      v6 = FloatVector.fromArray(f, a, p + 48).fma(FloatVector.fromArray(f, b, q + 48), v6);
      v7 = FloatVector.fromArray(f, a, p + 56).fma(FloatVector.fromArray(f, b, q + 56), v7);
    }
    int rest = n - bound;
    int p = ao + bound;
    int q = bo + bound;
    if (rest >= 16) {
      v0 = FloatVector.fromArray(f, a, p).fma(FloatVector.fromArray(f, b, q), v0);
      v1 = FloatVector.fromArray(f, a, p + 8).fma(FloatVector.fromArray(f, b, q + 8), v1);
      if (rest >= 32) {
        v2 = FloatVector.fromArray(f, a, p + 16).fma(FloatVector.fromArray(f, b, q + 16), v2);
        v3 = FloatVector.fromArray(f, a, p + 24).fma(FloatVector.fromArray(f, b, q + 24), v3);
        if (rest >= 48) {
          v4 = FloatVector.fromArray(f, a, p + 32).fma(FloatVector.fromArray(f, b, q + 32), v4);
          v5 = FloatVector.fromArray(f, a, p + 40).fma(FloatVector.fromArray(f, b, q + 40), v5);
        }
      }
    }
    // the window (see PanamaLossKernels): the last r = n % 16 elements onto chunk c = (n % 64) / 16, the one a
    // next whole chunk would fill, as masked fmas of the 16 elements ending at n
    int r = n & 15;
    if (r != 0) {
      int w = n - 16;
      FloatVector a0 = FloatVector.fromArray(f, a, ao + w);
      FloatVector b0 = FloatVector.fromArray(f, b, bo + w);
      FloatVector a1 = FloatVector.fromArray(f, a, ao + w + 8);
      FloatVector b1 = FloatVector.fromArray(f, b, bo + w + 8);
      VectorMask<Float> m0 = VectorMask.fromArray(f, WINDOW, r);
      VectorMask<Float> m1 = VectorMask.fromArray(f, WINDOW, r + 8);
      int c = rest >> 4;
      if (c == 0) {
        v0 = v0.blend(a0.fma(b0, v0), m0);
        v1 = v1.blend(a1.fma(b1, v1), m1);
      } else if (c == 1) {
        v2 = v2.blend(a0.fma(b0, v2), m0);
        v3 = v3.blend(a1.fma(b1, v3), m1);
      } else if (c == 2) {
        v4 = v4.blend(a0.fma(b0, v4), m0);
        v5 = v5.blend(a1.fma(b1, v5), m1);
      } else {
        v6 = v6.blend(a0.fma(b0, v6), m0);
        v7 = v7.blend(a1.fma(b1, v7), m1);
      }
    }
    // the halving fold
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    v0 = v0.add(v0.rearrange(DOWN_4));
    return (v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3)); // half = 2, then 1
  }
}
