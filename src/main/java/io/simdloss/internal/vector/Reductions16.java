package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaLossKernels.DOWN_4;
import static io.simdloss.internal.vector.PanamaLossKernels.DOWN_8;
import static io.simdloss.internal.vector.PanamaVectorConstants.FLOATS;
import static io.simdloss.internal.vector.PanamaVectorConstants.WINDOW;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The canonical {@code sum}, {@code dot}, {@code crossEntropy} and {@code tripletSum} of {@link PanamaLossKernels}
 * for 16-lane vectors (the preferred species at 512 bits), small enough for C2 to inline them into their caller.
 * Called only when {@code LANES == 16} and n >= 16: the {@code ...Short} methods below 64 (one block), the others
 * from 64 on, and before JDK 25 {@link #sumLong} and {@link #dotLong} from {@link #BLOCK_LOOP_MIN} on.
 *
 * <p>The order is the one in {@code PanamaLossKernels}' class comment, in this shape: four accumulators hold the
 * logical lanes [0, 16), [16, 32), [32, 48), [48, 64). The whole 16-element chunks go one per iteration into
 * acc0, after which the accumulators rotate by one, so that the next chunk meets the next logical lanes. After the
 * loop acc0 is the chunk a next whole chunk would fill, so the window (the 16 elements ending at n, lanes from
 * 16 - n % 16 on) is one masked add onto acc0. The accumulators are not rotated back: the halving fold,
 * {@code (acc0 + acc2) + (acc1 + acc3)}, gives the same bits under any rotation (each pair sum commutes, and so does
 * the sum of the two pairs; NaN payloads aside, which the README leaves out of the guarantee). {@link Reductions8}
 * has the same chunk loop with two vectors per chunk.
 *
 * <p>Why this shape, and not the written-out block kernel ({@code PanamaLossKernels.dotBlocks} and so on, one
 * method for all widths, 1,868 bytes of bytecode for dot): C2 inlines a hot callee only up to
 * {@code FreqInlineSize} = 325 bytes of bytecode, so the block kernel was always a call. On JDK 25 the call cost
 * more than the canonical dot's whole gap to an inlined {@code reduceLanes} dot (at n = 100, fastest iterations of
 * paired forks: inlined {@code reduceLanes} 18.7 ns, this kernel's first draft, inlined, 19.1, the called block
 * kernel 22.9; session 8, a probe, docs/performance-history.md, "What reproducibility costs"). Each method here stays
 * within 325 bytes, which {@code InlineBudgetTest} checks; the byte-saving spellings say so where they are. For the
 * same reason the fold is written out in each method, not a helper: a helper that C2 did not inline would box its
 * vector arguments (the class comment of {@code PanamaLossKernels} has the 10x it cost once).
 */
final class Reductions16 {
  private Reductions16() {}

  /**
   * Whether this JDK's C2 runs the rotating chunk loops below as fast as a block loop: JDK 25 does; JDK 17 does
   * not unroll them. Only those two were measured; the JDKs between are taken to be JDK 17's kind. The two
   * thresholds below and {@code Reductions8.BLOCK_KERNELS_MIN} depend on it (their comments have the numbers).
   */
  static final boolean FAST_ROTATING_LOOPS = Runtime.version().feature() >= 25;

  /**
   * From this n on, PanamaLossKernels calls {@link #sumLong} and {@link #dotLong} (a block loop, inlinable) instead of
   * the rotating loops {@link #sum} and {@link #dot}: 512 on JDKs before 25; on JDK 25 no n reaches it, so the
   * rotating loop takes every n. (8 lanes have their own threshold since session 18,
   * {@code Reductions8.BLOCK_KERNELS_MIN}.) Until session 21 the block loop was inside {@link #sum} and {@link #dot},
   * ahead of the rotating loop; the window took dot past the inlining limit (323 bytes before), and from session 21
   * to 24 the long rows called PanamaLossKernels' block kernels ({@code sumBlocks}, {@code dotBlocks}). Session 25
   * made them inlinable again, with the window as the last pass of the chunk loop and a cheaper fold (the two
   * methods' comments; measured: docs/performance-history.md, "What reproducibility costs", sessions 21 and 25).
   *
   * <p>Why a block loop at all: C2 checks the bounds of all the block loop's loads before the loop on every call
   * (loop predication), which one or two blocks do not repay; the rotating loop has two loads to check (dot). But
   * JDK 17's C2 does not unroll the rotating loop, so on long rows it runs its register moves every chunk.
   * Measured on a probe of this dot (ns, fastest iterations of 4 paired forks, session 8, Intel host): n = 100,
   * block loop then chunks 24.4 on JDK 17 and 18.2 on JDK 25, rotating loop alone 14.7 and 12.8; n = 1024, 38.0
   * and 38.2 against 56.6 and 38.3.
   *
   * <p>Why not on JDK 25 (session 15, Zen 5 host, fastest-iteration ratios to the inlined {@code reduceLanes}
   * baseline, {@code ReproducibilityReport -p n=1000,1024,4096 -f 4}, two paired runs each, block loop -> rotating
   * loop alone):
   * <ul>
   *   <li>512 bits: sum 1.09-1.10, 1.16-1.18, 0.99-1.01 -> 1.00-1.03, 1.07-1.09, 0.99-1.00; dot 1.19-1.21,
   *       1.08-1.37, 1.02-1.05 -> 1.06-1.07, 1.06-1.08, 1.02-1.03;
   *   <li>256 bits, where the block loop is PanamaLossKernels' block kernels (a call, 16 loads to check for dot;
   *       about 130 instructions of checks ahead of its loop, disassembled): dot 1.30, 1.21, 1.30 -> 1.11, 1.07,
   *       1.07; crossEntropy 1.20, 1.10, 1.02 -> 1.09, 1.07, 1.01; sum 1.19, 1.07, 1.02 -> 0.95, 0.99, 1.03;
   *   <li>on JDK 17 at 256 bits the rotating loop alone was 1.4-2.4x the baseline (sum 1.80-2.01, dot 1.44-1.98,
   *       crossEntropy 2.10-2.38, against 0.98-1.21 with the block kernels).
   * </ul>
   * Only JDK 17 and 25 were measured; the JDKs between keep JDK 17's threshold. The bits are the same either way
   * (the canonical order; CI runs {@code CanonicalReductionTest} and the golden corpus on both JDKs at every
   * width).
   */
  static final int BLOCK_LOOP_MIN = FAST_ROTATING_LOOPS ? Integer.MAX_VALUE : 512;

  /**
   * crossEntropy has no block loop here (its four terms would take it past 325 bytes), so from this n on
   * PanamaLossKernels calls its written-out block kernel instead, where the call is a small part of the time: 512
   * before JDK 25, 2048 on JDK 25.
   *
   * <p>Session 8 (Intel host) chose 2048 for both JDKs: below it the rotating loop was as fast as the reduceLanes
   * baseline on both; at n = 4096 on JDK 17 it was 1.21x (250.9 against 207.2 ns, fastest iterations, 6 paired
   * rounds, ReproducibilityReport). On the Zen 5 host JDK 17's rotating loop was 1.19-1.24x already at n = 1000
   * and 1.34-1.38x at 1024, and the block kernel from 512 on gave 1.09-1.13 and 0.96 (canonical 42-44 -> 40 ns
   * and 42-43 -> 31-33 ns; two paired runs of {@code -p kernel=crossEntropy -p n=1000,1024,4096 -f 4},
   * session 15), so JDK 17 calls it from 512. JDK 25's rotating loop is within the bound there (session 13: 1.09
   * at 1000, 0.99 at 1024) and keeps 2048; the JDKs between take JDK 17's.
   */
  static final int CROSS_ENTROPY_BLOCKS_MIN = FAST_ROTATING_LOOPS ? 2048 : 512;

  /**
   * Canonical sum of a[ao .. ao + n) for 16 <= n < 64: the one to three whole chunks and the window without a
   * loop. No block is whole, so chunk c alone fills logical lanes [16c, 16c + 16), the window (if n % 16 is not 0)
   * fills the upper n % 16 lanes of chunk k = n / 16, and every other lane is +0f. The halving fold's first two
   * steps are {@code (c0 + c2) + (c1 + c3)} per lane (lanes j + 32 onto j, then j + 16 onto j), so the window pairs
   * with chunk 1 when k = 3, and with chunk 0 when k is 1 or 2; the +0f lanes are dropped (a masked add keeps the
   * other operand's lane).
   *
   * <p>Dropping them, and the +0f that every logical lane starts from, changes no value, only possibly the sign of
   * a zero: each operation gets the same real operands, so it rounds to the same value. And the canonical result
   * is never -0f here: at least one logical lane, 48, holds +0f (the window starts at lane 48 + 16 - n % 16 when
   * k = 3), {@code x + y} is -0f only when both are, so the fold of 64 lanes is -0f only when all of them are. So one
   * {@code + 0f} at the end (-0f to +0f, every other value unchanged) gives the canonical bits. A partial
   * normalization would not: a canonical dot lane can itself be -0f, from a negative product that underflows, and
   * -0f plus another chunk's exact -0f product stays -0f where the canonical order has +0f
   * ({@code CanonicalReductionTest.underflowingProductsKeepTheCanonicalSignOfZero}).
   *
   * <p>Why not the rotating loop: at n = 48 its three iterations cost more than their adds. Rotating loop ->
   * these methods, canonical ns (fastest iteration of 6 paired rounds) and its ratio to the inlined
   * {@code reduceLanes} baseline, n = 48, 512 bits: see docs/performance-history.md, "What reproducibility costs",
   * session 17.
   */
  static float sumShort(float[] a, int ao, int n) {
    VectorSpecies<Float> f = FLOATS;
    // p: the chunk the window pairs with in the fold; q: what their sum pairs with (chunk 1, chunks 0 + 2, or +0f)
    FloatVector p = FloatVector.fromArray(f, a, ao);
    FloatVector q = FloatVector.zero(f);
    if (n >= 32) {
      q = FloatVector.fromArray(f, a, ao + 16);
      if (n >= 48) { // the window is chunk 3 and pairs with chunk 1; chunks 0 and 2 pair
        FloatVector c02 = p.add(FloatVector.fromArray(f, a, ao + 32));
        p = q;
        q = c02;
      }
    }
    if ((n & 15) != 0) { // the window: the 16 elements ending at n, their lanes from 16 - n % 16 on
      p = p.add(FloatVector.fromArray(f, a, ao + n - 16), VectorMask.fromArray(f, WINDOW, n & 15));
    }
    p = p.add(q);
    p = p.add(p.rearrange(DOWN_8));
    p = p.add(p.rearrange(DOWN_4));
    return ((p.lane(0) + p.lane(2)) + (p.lane(1) + p.lane(3))) + 0f;
  }

  /**
   * Canonical dot product for 16 <= n < 64, as {@link #sumShort} does the sum, with plain products: each rounds
   * the exact product as the canonical fma onto a +0f lane does.
   */
  static float dotShort(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector p = FloatVector.fromArray(f, a, ao).mul(FloatVector.fromArray(f, b, bo));
    FloatVector q = FloatVector.zero(f);
    if (n >= 32) {
      q = FloatVector.fromArray(f, a, ao + 16).mul(FloatVector.fromArray(f, b, bo + 16));
      if (n >= 48) {
        FloatVector c02 = p.add(FloatVector.fromArray(f, a, ao + 32).mul(FloatVector.fromArray(f, b, bo + 32)));
        p = q;
        q = c02;
      }
    }
    if ((n & 15) != 0) {
      p = p.add(FloatVector.fromArray(f, a, ao + n - 16).mul(FloatVector.fromArray(f, b, bo + n - 16)),
          VectorMask.fromArray(f, WINDOW, n & 15));
    }
    p = p.add(q);
    p = p.add(p.rearrange(DOWN_8));
    p = p.add(p.rearrange(DOWN_4));
    return ((p.lane(0) + p.lane(2)) + (p.lane(1) + p.lane(3))) + 0f;
  }

  /** Canonical sum of label * ((shift - pred) + logSum) for 16 <= n < 64, as {@link #sumShort} does the sum. */
  static float crossEntropyShort(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector shiftV = FloatVector.broadcast(f, shift);
    FloatVector logSumV = FloatVector.broadcast(f, logSum);
    FloatVector p = FloatVector.fromArray(f, label, lo)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po)).add(logSumV));
    FloatVector q = FloatVector.zero(f);
    if (n >= 32) {
      q = FloatVector.fromArray(f, label, lo + 16)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 16)).add(logSumV));
      if (n >= 48) {
        FloatVector c02 = p.add(FloatVector.fromArray(f, label, lo + 32)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 32)).add(logSumV)));
        p = q;
        q = c02;
      }
    }
    if ((n & 15) != 0) {
      p = p.add(FloatVector.fromArray(f, label, lo + n - 16)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + n - 16)).add(logSumV)),
          VectorMask.fromArray(f, WINDOW, n & 15));
    }
    p = p.add(q);
    p = p.add(p.rearrange(DOWN_8));
    p = p.add(p.rearrange(DOWN_4));
    return ((p.lane(0) + p.lane(2)) + (p.lane(1) + p.lane(3))) + 0f;
  }

  /** Canonical sum of a[ao .. ao + n), n >= 16. */
  static float sum(float[] a, int ao, int n) {
    VectorSpecies<Float> f = FLOATS; // a local costs 2 bytes of bytecode per use, the static field 3
    FloatVector acc0 = FloatVector.zero(f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (int i = 0; i <= n - 16; i += 16) { // 4 bytes fewer than a bound variable
      FloatVector next = acc0.add(FloatVector.fromArray(f, a, ao + i));
      acc0 = acc1;
      acc1 = acc2;
      acc2 = acc3;
      acc3 = next;
    }
    if ((n & 15) != 0) { // the window onto acc0, the chunk a next whole chunk would fill
      acc0 = acc0.add(FloatVector.fromArray(f, a, ao + n - 16), VectorMask.fromArray(f, WINDOW, n & 15));
    }
    // the halving fold, written out (see the class comment of PanamaLossKernels for why not a helper)
    acc0 = acc0.add(acc2).add(acc1.add(acc3));
    acc0 = acc0.add(acc0.rearrange(DOWN_8));
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    return (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3));
  }

  /** Canonical dot product of a[ao .. ao + n) and b[bo .. bo + n), one fma per element, n >= 16. */
  static float dot(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector acc0 = FloatVector.zero(f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (int i = 0; i <= n - 16; i += 16) {
      FloatVector next = FloatVector.fromArray(f, a, ao + i).fma(FloatVector.fromArray(f, b, bo + i), acc0);
      acc0 = acc1;
      acc1 = acc2;
      acc2 = acc3;
      acc3 = next;
    }
    if ((n & 15) != 0) { // the window: lanes left out keep acc0's bits (not zeroed inputs: 0 * inf, a -0f lane)
      acc0 = acc0.blend(FloatVector.fromArray(f, a, ao + n - 16).fma(FloatVector.fromArray(f, b, bo + n - 16), acc0),
          VectorMask.fromArray(f, WINDOW, n & 15));
    }
    acc0 = acc0.add(acc2).add(acc1.add(acc3));
    acc0 = acc0.add(acc0.rearrange(DOWN_8));
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    return (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3));
  }

  /**
   * Canonical sum of a[ao .. ao + n) for n >= {@link #BLOCK_LOOP_MIN} (before JDK 25): a block loop, one 64-element
   * block per pass into the four accumulators (no register moves, which JDK 17's C2 does not unroll away in the
   * rotating loop of {@link #sum}), then the last n % 64 elements as {@link #sum} takes them, one 16-element chunk per
   * pass onto acc0 and a rotation. The window (the 16 elements ending at n) is that loop's last pass: with
   * {@code r = min(remaining, 16)} a pass reads the 16 elements that end r elements past its start and adds their
   * lanes from 16 - r on ({@code WINDOW} at offset r; every lane when r = 16), so the window needs no code of its
   * own.
   *
   * <p>The fold: {@code (acc0 + acc2) + (acc1 + acc3)}, lanes j + 8 onto j, then the canonical tree of the 8 lanes
   * left, {@code ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7))}, as scalar adds of extracted lanes: the same adds
   * as the second rearrange and the 4-lane tree of {@link #sum}, so the same bits. Why: on JDK 17 each {@code
   * rearrange} also checks its shuffle's indexes (a load, a conversion, a compare and a test, about 12 instructions in
   * its compiled code), and in a kernel that C2 inlines into its caller that was all that was left over the {@code
   * reduceLanes} baseline. Measured on dot, n = 512 and 1024, ns, fastest of 2 forks in each of two rounds (the
   * library's dot forced inline, from a scratch jmh class; docs/performance-history.md, "What reproducibility costs",
   * session 25): the loop with no fold 21.2 and 40.3, the baseline 21.7 and 39.9; two rearranges 26.5 and 45.1; one
   * rearrange and 8 lane extractions 24.0 and 42.5; 16 lane extractions 25.0 and 43.8. Not used in the methods for
   * shorter rows: 8 lane extractions take more of C2's node budget, and crossEntropyShort with them ran out of it in a
   * JMH method (a lane extraction left a call, 192 bytes boxed per call; {@code -XX:+PrintInlining}:
   * NodeCountInliningCutoff).
   */
  static float sumLong(float[] a, int ao, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector acc0 = FloatVector.zero(f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (int end = ao + (n & -64); ao < end; ao += 64) {
      acc0 = acc0.add(FloatVector.fromArray(f, a, ao));
      acc1 = acc1.add(FloatVector.fromArray(f, a, ao + 16));
      acc2 = acc2.add(FloatVector.fromArray(f, a, ao + 32));
      acc3 = acc3.add(FloatVector.fromArray(f, a, ao + 48));
    }
    for (n &= 63; n > 0; n -= 16, ao += 16) {
      int r = Math.min(n, 16);
      FloatVector next = acc0.add(FloatVector.fromArray(f, a, ao + r - 16), VectorMask.fromArray(f, WINDOW, r));
      acc0 = acc1;
      acc1 = acc2;
      acc2 = acc3;
      acc3 = next;
    }
    acc0 = acc0.add(acc2).add(acc1.add(acc3));
    acc0 = acc0.add(acc0.rearrange(DOWN_8));
    return ((acc0.lane(0) + acc0.lane(4)) + (acc0.lane(2) + acc0.lane(6)))
        + ((acc0.lane(1) + acc0.lane(5)) + (acc0.lane(3) + acc0.lane(7)));
  }

  /**
   * Canonical dot product for n >= {@link #BLOCK_LOOP_MIN} (before JDK 25), as {@link #sumLong} takes the sum, with
   * one difference: the main loop takes 32 elements per pass, two chunks onto acc0 and acc1, and rotates the
   * accumulators by two. A 64-element block loop, as in sumLong, came to 339 bytes of bytecode, past C2's inlining
   * limit of 325 (this is 301). Rotating by two gives every chunk the logical lanes it has in the canonical order,
   * as rotating by one does in {@link #dot}, and the fold is the same under any rotation (the class comment). It ran
   * as fast as the 64-element block loop forced inline (session 25, {@code ReproducibilityReport -p kernel=dot
   * -p n=512,768,1000,1024,4096 -f 3}, JDK 17, fastest ratios 1.08, 1.06, 0.94, 1.07, 1.08 against 1.08, 1.04, 1.09,
   * 1.06, 1.01). The window blends: lanes outside it keep acc0's bits (see {@link #dot}).
   */
  static float dotLong(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector acc0 = FloatVector.zero(f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (int end = ao + (n & -32); ao < end; ao += 32, bo += 32) {
      FloatVector next0 = FloatVector.fromArray(f, a, ao).fma(FloatVector.fromArray(f, b, bo), acc0);
      FloatVector next1 = FloatVector.fromArray(f, a, ao + 16).fma(FloatVector.fromArray(f, b, bo + 16), acc1);
      acc0 = acc2;
      acc1 = acc3;
      acc2 = next0;
      acc3 = next1;
    }
    for (n &= 31; n > 0; n -= 16, ao += 16, bo += 16) {
      int r = Math.min(n, 16);
      FloatVector next = acc0.blend(FloatVector.fromArray(f, a, ao + r - 16)
          .fma(FloatVector.fromArray(f, b, bo + r - 16), acc0), VectorMask.fromArray(f, WINDOW, r));
      acc0 = acc1;
      acc1 = acc2;
      acc2 = acc3;
      acc3 = next;
    }
    acc0 = acc0.add(acc2).add(acc1.add(acc3));
    acc0 = acc0.add(acc0.rearrange(DOWN_8));
    return ((acc0.lane(0) + acc0.lane(4)) + (acc0.lane(2) + acc0.lane(6)))
        + ((acc0.lane(1) + acc0.lane(5)) + (acc0.lane(3) + acc0.lane(7)));
  }

  /**
   * Canonical sum of label * ((shift - pred) + logSum) over 16 <= n < CROSS_ENTROPY_BLOCKS_MIN elements, one
   * chunk per iteration.
   */
  static float crossEntropy(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector shiftV = FloatVector.broadcast(f, shift);
    FloatVector logSumV = FloatVector.broadcast(f, logSum);
    FloatVector acc0 = FloatVector.zero(f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (int i = 0; i <= n - 16; i += 16) {
      FloatVector next = acc0.add(FloatVector.fromArray(f, label, lo + i)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + i)).add(logSumV)));
      acc0 = acc1;
      acc1 = acc2;
      acc2 = acc3;
      acc3 = next;
    }
    if ((n & 15) != 0) {
      acc0 = acc0.add(FloatVector.fromArray(f, label, lo + n - 16)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + n - 16)).add(logSumV)),
          VectorMask.fromArray(f, WINDOW, n & 15));
    }
    acc0 = acc0.add(acc2).add(acc1.add(acc3));
    acc0 = acc0.add(acc0.rearrange(DOWN_8));
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    return (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3));
  }

  /**
   * Canonical sum of the triplet terms {@code (p - q)^2 - (p - r)^2} (formed as {@code tripletTerm} forms them) of
   * elements [o, o + n) of the three operands, n >= 16, one chunk per iteration: the bits of {@code tripletTerm}
   * into a buffer and {@link #sum} of it, without the buffer. No block loop (it would not fit in 325 bytes); the
   * triplet loss calls this for runs of at most Workspace.CHUNK = 1024 elements. What it gained:
   * docs/performance-history.md, "Triplet, session 9" ({@code jmh} TripletFloor).
   */
  static float tripletSum(float[] p, float[] q, float[] r, int o, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector acc0 = FloatVector.zero(f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (int i = 0; i <= n - 16; i += 16) {
      int k = o + i;
      FloatVector x = FloatVector.fromArray(f, p, k);
      FloatVector dq = x.sub(FloatVector.fromArray(f, q, k));
      FloatVector dr = x.sub(FloatVector.fromArray(f, r, k));
      FloatVector next = acc0.add(dq.mul(dq).sub(dr.mul(dr)));
      acc0 = acc1;
      acc1 = acc2;
      acc2 = acc3;
      acc3 = next;
    }
    if ((n & 15) != 0) {
      int k = o + n - 16;
      FloatVector x = FloatVector.fromArray(f, p, k);
      FloatVector dq = x.sub(FloatVector.fromArray(f, q, k));
      FloatVector dr = x.sub(FloatVector.fromArray(f, r, k));
      acc0 = acc0.add(dq.mul(dq).sub(dr.mul(dr)), VectorMask.fromArray(f, WINDOW, n & 15));
    }
    acc0 = acc0.add(acc2).add(acc1.add(acc3));
    acc0 = acc0.add(acc0.rearrange(DOWN_8));
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    return (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3));
  }
}
