package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaVectorConstants.FLOATS;
import static io.simdloss.internal.vector.PanamaVectorConstants.WINDOW;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The canonical {@code sum}, {@code dot} and {@code crossEntropy} of {@link PanamaLossKernels} for 4-lane vectors
 * (128-bit floats), n >= 16. One whole block, {@code 64 <= n < 128}, takes the {@code ...OneBlock} methods, without a
 * loop: the 16 vectors of the block load straight into the 16 accumulators (vector k holds logical lanes [4k, 4k +
 * 4)), the partial block's whole chunks c = 0, 1, 2 add onto vectors 4c .. 4c + 3, then the window (below), then the
 * block kernels' halving fold. Below 64, dot takes {@link #dotShort}, without a loop. Every other n takes the
 * {@code ...Blocks} methods at the end: the block kernels of PanamaLossKernels at 4 lanes, moved here in session 19
 * so that their block loop can be uncounted on JDK 25 ({@link #UNCOUNTED_BLOCK_LOOPS}) without a byte changing in
 * the 8-lane compilation of {@code PanamaLossKernels.dotBlocks}, which sits at the edge of JDK 17's C2 node budget
 * (its comment).
 *
 * <p>The window: when n % 16 is not 0, the canonical order adds element n - 16 + j, for j from t = 16 - n % 16 to
 * 15 (the last n % 16 elements), to logical lane 16c + j of chunk c = (n % 64) / 16, the chunk a next whole chunk
 * would fill (ScalarLossKernels' class comment). Here that is the 4 vectors ending at n (offsets n - 16, n - 12,
 * n - 8, n - 4: in range, as n >= 16), vector k onto accumulator 4c + k under the mask of its lanes from t - 4k on,
 * {@code VectorMask.fromArray(f, WINDOW, n % 16 + 4k)} (all lanes from offset 16 on; PanamaVectorConstants.WINDOW
 * says why a table). The lanes left out hold
 * elements already counted and must keep the accumulator's bits, a dot lane's -0f too: so a masked add for sum and
 * crossEntropy, the fma blended in for dot, and never inputs set to zero instead (0 * inf is NaN, and adding a +0f
 * turns a -0f lane into +0f). It replaced the order's sequential tail (the last n % 16 elements added one at a time
 * after the fold).
 *
 * <p>Its shape: chunk c's 4 vectors are taken out into s0 .. s3 and put back by written-out if/else chains (a helper
 * taking or returning vectors would box them whenever C2 did not inline it), and the 4 window vectors go through one
 * loop of 4 iterations in which s0 .. s3 rotate, so that each meets its vector at s0 and all four are back in place
 * after the last. Why not written out (4 masked adds per chunk, or 4 onto s0 .. s3): JDK 17's C1 gives up on a method
 * that needs more virtual registers than its fixed limit ({@code -XX:+PrintCompilation}: "COMPILE SKIPPED: out of
 * virtual registers", at tier 3), and every inlined Vector API call takes many. Written out, {@code
 * crossEntropyBlocks}, {@code crossEntropyOneBlock} and {@code dotBlocks} failed their tier-3 compile, and a method
 * whose tier-3 compile fails after a tier-2 one (taken when C2's queue is long) stays in tier 2, C1's code, which
 * boxes every vector: in {@code AllocationTest} at 128 bits SoftmaxCE dense batch-first (n = 300) allocated 187,136
 * bytes per call, in 3 of 4 runs. The loop takes one call site per operation. JDK 25's C1 compiled all of them.
 * {@code crossEntropyBlocks} remains the nearest to the limit on JDK 17: 4 more statements {@code v0 =
 * v0.add(FloatVector.fromArray(...))} in it fail its tier-3 compile and 3 do not (session 22, with the {@link
 * #PIN_BROADCASTS} branch, which C1 folds away on JDK 17), where 9 failed before the window (a scratch harness with
 * {@code -XX:TieredStopAtLevel=3}); mind it when adding to that method. A second copy of the block loop failed too:
 * in {@code dotBlocks} on JDK 17, and in {@code crossEntropyBlocks} even on JDK 25 (session 22). Hence {@link
 * #dotBlocksCounted} is a method of its own.
 *
 * <p>Why the {@code ...OneBlock} methods: before JDK 25 the block loop is counted, and C2 checks the bounds of all
 * of a block's loads (32 for dot) before it on every call that enters it (loop predication), which one block does
 * not repay: at n = 100 the block kernels took up to 2.43x the inlined {@code reduceLanes} baseline
 * (docs/performance-history.md, "What reproducibility costs", session 15). A loop-free method has no loop to predicate.
 * Session 15 tried the same first block peeled inside the block kernels; that took {@code crossEntropyBlocks} past what
 * C1 compiles. All the methods here are methods of their own (730-1,820 bytes of bytecode, so calls, not inlined; they
 * take arrays and return a float, so nothing boxes). Measured: docs/performance-history.md, "What reproducibility
 * costs", sessions 18 and 19 (before the window).
 *
 * <p>Why these are the canonical bits. {@code dot} forms each lane as the canonical order does: an fma of the first
 * product onto +0f, then of each later one (a later chunk's, the window's) onto it. {@code sum} and {@code
 * crossEntropy} leave out the +0f each logical lane starts from in the {@code ...OneBlock} methods, which changes no
 * value, at most the sign of a zero: every operation gets the same real operands as in the canonical order and
 * rounds them the same. The canonical result of these two is never -0f (a lane that starts from +0f and adds is
 * never -0f, and {@code x + y} is -0f only when both are), so one {@code + 0f} after the fold gives the canonical
 * bits, as {@code Reductions16.sumShort} argues. That would not do for dot: from n = 64 on its canonical result can
 * be -0f (every product a negative underflow; {@code
 * CanonicalReductionTest.underflowEverywhereGivesTheCanonicalNegativeZero}).
 */
final class Reductions4 {
  private Reductions4() {}

  /**
   * Whether the block loops below step by {@link #blockStride} (JDK 25) rather than by the constant 64 (before).
   *
   * <p>Why: C2 turns a loop whose stride is a constant into a counted loop and predicates it, checking the bounds of
   * every load in the body once before the loop, on every call (16 loads for sum, 32 for dot at 4 lanes). JDK 25
   * pays for that far more than JDK 17 does: with {@code -XX:-UseLoopPredicate} for the whole JVM (a diagnosis),
   * 128 bits, n = 140, its canonical sum took 11.1 instead of 16.1 ns and dot 20.0 instead of 36.3 (session 18). A
   * stride C2 cannot fold keeps the loop uncounted, so its checks stay in the body, where they are cheap. JDK 17
   * lost with the same loop (sum at n = 1000 and 4096 went from 1.02 and 0.96 to 1.18 and 1.22 of the baseline), so
   * it keeps the counted loop (but for dot below {@link #UNCOUNTED_DOT_MAX}: its comment); the JDKs between are
   * taken to be JDK 17's kind, as {@code Reductions16.FAST_ROTATING_LOOPS} does.
   *
   * <p>Measured at 4 lanes on JDK 25 (session 19; {@code ReproducibilityReport -p kernel=sum,dot,crossEntropy -p
   * n=140,200,400,1000,4096 -f 3} with {@code -XX:MaxVectorSize=16}, the counted and the uncounted loop back to
   * back, two runs), fastest ratios to the inlined {@code reduceLanes} baseline, counted -> uncounted:
   * <ul>
   *   <li>sum: n = 140 1.77-1.86 -> 1.12, 200 1.78-2.06 -> 1.14-1.20, 400 1.41-1.59 -> 1.04-1.07, 1000 1.08 ->
   *       0.97-0.99, 4096 0.90 -> 0.91-0.92;
   *   <li>dot: 2.49-2.52 -> 1.34, 2.04-2.07 -> 1.22-1.28, 1.49 -> 1.13, 1.25-1.27 -> 1.09-1.12, 1.00-1.03 -> 1.02;
   *   <li>crossEntropy: 1.88-2.01 -> 1.34, 1.41-1.70 -> 1.21-1.32, 1.17-1.20 -> 1.03-1.04, 1.16-1.21 -> 0.98-1.03,
   *       1.03-1.09 -> 1.04-1.05.
   * </ul>
   */
  static final boolean UNCOUNTED_BLOCK_LOOPS = Reductions16.FAST_ROTATING_LOOPS;

  /**
   * 64, in a field that is neither final nor ever written, so C2 cannot take it for a constant: the stride of the
   * block loops when {@link #UNCOUNTED_BLOCK_LOOPS}.
   *
   * <p>The numbers, in ns: docs/performance-history.md, "What reproducibility costs", session 19.
   */
  private static int blockStride = 64;

  /**
   * Whether the crossEntropy kernels here and in {@link Reductions8} turn their two broadcasts into sums with -0f
   * (JDK 25) before using them.
   *
   * <p>Why: JDK 25's C2 takes a broadcast for an instruction cheap enough to form again at each use, and with the
   * accumulators holding most vector registers it does so rather than keep the broadcast in a register. Printed
   * code ({@code -XX:CompileCommand=print}, {@code docs/tools/hex_to_asm.py}; session 22): {@link
   * #crossEntropyBlocks} formed the two broadcasts 94 times, 32 times in each pass of its block loop, and {@link
   * #crossEntropyOneBlock} 80 times; at 8 lanes {@code Reductions8.crossEntropyOneBlock} 53 and {@code
   * crossEntropyShort} 31. An add has two inputs, which C2 does not form again, so the sum stays in a register: 3-4
   * broadcasts in each kernel after. The bits do not change: x + -0f is x for every x, +0f and -0f included (NaN
   * payloads aside, which the README's guarantee leaves out).
   *
   * <p>Not on JDK 17, whose C2 kept the broadcasts in registers (0-3 per kernel), and not at 16 lanes, whose kernels
   * have 4 accumulators: there the add only lengthens the chain before the first use. Measured, {@code
   * ReproducibilityReport -p kernel=crossEntropy -p n=48,100,140,200,1000 -f 3} with {@code -XX:MaxVectorSize=N}, the
   * add in every width's kernels against none, fastest canonical iterations in ns:
   * <ul>
   *   <li>JDK 25, 4 lanes: n = 48 9.1 -> 9.6, 100 19.4 -> 13.9, 140 26.6 -> 20.2, 200 36.7 -> 26.0, 1000 157.9 ->
   *       107.3 (the baseline's 11.2, 17.7, 21.1, 27.2, 108.6: fastest ratios 1.09-1.45 -> 0.78-0.98);
   *   <li>JDK 25, 8 lanes: 6.3 -> 5.8, 11.5 -> 9.8, 15.8 -> 15.8, 17.8 -> 18.3, 57.2 -> 57.5;
   *   <li>JDK 25, 16 lanes: 6.3 -> 6.9, 10.6 -> 11.9, 11.6 -> 12.5, 13.9 -> 15.0, 56.4 -> 55.4 (so not there);
   *   <li>JDK 17, 8 lanes: 6.3 -> 6.9 at n = 48, the rest within 0.4 (so not there either).
   * </ul>
   * The JDKs between 17 and 25 are taken to be JDK 17's kind, as {@link #UNCOUNTED_BLOCK_LOOPS} does.
   */
  static final boolean PIN_BROADCASTS = Reductions16.FAST_ROTATING_LOOPS;

  /**
   * Before JDK 25, {@code dot} takes {@link #dotBlocks}, whose block loop C2 does not count, below this n (from 128),
   * and {@link #dotBlocksCounted} from here on. Why: as {@code Reductions8.UNCOUNTED_DOT_MAX} (the counted loop's
   * set-up on every call, against the uncounted loop's checks in its body). Measured on JDK 17,
   * 128 bits, session 22 ({@code ReproducibilityReport -p kernel=dot -p n=140,200,500,1000,1500,2048,3000,4096 -f
   * 3} with {@code -XX:MaxVectorSize=16}, one jar, all counted and then all uncounted through a scratch property),
   * fastest canonical iterations in ns, counted -> uncounted: n = 140 21.0 -> 16.1, 200 25.6 -> 20.7, 500 45.8 ->
   * 43.7, 1000 80.4 -> 78.6, 1500 115.4 -> 115.7, 2048 150.9 -> 155.0, 3000 221.8 -> 231.8, 4096 303.3 -> 315.8
   * (the baseline: 17.5, 21.6, 41.9, 76.0, 112.7, 148.4, 216.0, 299.4). sum and crossEntropy gained little or lost
   * with the uncounted loop on JDK 17 (sum at n = 1000 41.1 -> 49.0 ns), so they keep the counted one.
   */
  static final int UNCOUNTED_DOT_MAX = 1536;

  /** Canonical sum of a[ao .. ao + n), 64 <= n < 128. */
  static float sumOneBlock(float[] a, int ao, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector v0 = FloatVector.fromArray(f, a, ao);
    FloatVector v1 = FloatVector.fromArray(f, a, ao + 4);
    FloatVector v2 = FloatVector.fromArray(f, a, ao + 8);
    FloatVector v3 = FloatVector.fromArray(f, a, ao + 12);
    FloatVector v4 = FloatVector.fromArray(f, a, ao + 16);
    FloatVector v5 = FloatVector.fromArray(f, a, ao + 20);
    FloatVector v6 = FloatVector.fromArray(f, a, ao + 24);
    FloatVector v7 = FloatVector.fromArray(f, a, ao + 28);
    FloatVector v8 = FloatVector.fromArray(f, a, ao + 32);
    FloatVector v9 = FloatVector.fromArray(f, a, ao + 36);
    FloatVector v10 = FloatVector.fromArray(f, a, ao + 40);
    FloatVector v11 = FloatVector.fromArray(f, a, ao + 44);
    FloatVector v12 = FloatVector.fromArray(f, a, ao + 48);
    FloatVector v13 = FloatVector.fromArray(f, a, ao + 52);
    FloatVector v14 = FloatVector.fromArray(f, a, ao + 56);
    FloatVector v15 = FloatVector.fromArray(f, a, ao + 60);
    if (n >= 80) {
      v0 = v0.add(FloatVector.fromArray(f, a, ao + 64));
      v1 = v1.add(FloatVector.fromArray(f, a, ao + 68));
      v2 = v2.add(FloatVector.fromArray(f, a, ao + 72));
      v3 = v3.add(FloatVector.fromArray(f, a, ao + 76));
      if (n >= 96) {
        v4 = v4.add(FloatVector.fromArray(f, a, ao + 80));
        v5 = v5.add(FloatVector.fromArray(f, a, ao + 84));
        v6 = v6.add(FloatVector.fromArray(f, a, ao + 88));
        v7 = v7.add(FloatVector.fromArray(f, a, ao + 92));
        if (n >= 112) {
          v8 = v8.add(FloatVector.fromArray(f, a, ao + 96));
          v9 = v9.add(FloatVector.fromArray(f, a, ao + 100));
          v10 = v10.add(FloatVector.fromArray(f, a, ao + 104));
          v11 = v11.add(FloatVector.fromArray(f, a, ao + 108));
        }
      }
    }
    int r = n & 15; // n % 16
    if (r != 0) {
      // the window (the class comment): chunk c's 4 vectors out into s0 .. s3, the window onto them, back in
      int w = ao + n - 16;
      int c = (n - 64) >> 4;
      FloatVector s0, s1, s2, s3;
      if (c == 0) {
        s0 = v0;
        s1 = v1;
        s2 = v2;
        s3 = v3;
      } else if (c == 1) {
        s0 = v4;
        s1 = v5;
        s2 = v6;
        s3 = v7;
      } else if (c == 2) {
        s0 = v8;
        s1 = v9;
        s2 = v10;
        s3 = v11;
      } else {
        s0 = v12;
        s1 = v13;
        s2 = v14;
        s3 = v15;
      }
      for (int k = 0; k < 16; k += 4) {
        // the window's vector at offset k onto s0 in its lanes from t - k on; s0 .. s3 rotate, back in place after 4
        FloatVector next = s0.add(FloatVector.fromArray(f, a, w + k), VectorMask.fromArray(f, WINDOW, r + k));
        s0 = s1;
        s1 = s2;
        s2 = s3;
        s3 = next;
      }
      if (c == 0) {
        v0 = s0;
        v1 = s1;
        v2 = s2;
        v3 = s3;
      } else if (c == 1) {
        v4 = s0;
        v5 = s1;
        v6 = s2;
        v7 = s3;
      } else if (c == 2) {
        v8 = s0;
        v9 = s1;
        v10 = s2;
        v11 = s3;
      } else {
        v12 = s0;
        v13 = s1;
        v14 = s2;
        v15 = s3;
      }
    }
    // the halving fold of the 16 vectors (logical lanes [4k, 4k + 4) in vector k), as in the block kernels
    v0 = v0.add(v8);
    v1 = v1.add(v9);
    v2 = v2.add(v10);
    v3 = v3.add(v11);
    v4 = v4.add(v12);
    v5 = v5.add(v13);
    v6 = v6.add(v14);
    v7 = v7.add(v15);
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    return ((v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3))) + 0f; // half = 2, then 1; +0f: the class comment
  }

  /**
   * Canonical dot product for 16 <= n < 64 without a loop, as {@code Reductions8.dotShort} at 8 lanes: chunk c is the
   * vectors 4c .. 4c + 3 of plain products; the fold's first two steps add only the chunks that exist (the logical
   * lanes no element reaches are +0f), and one {@code + 0f} at the end gives the canonical bits, as {@code
   * Reductions16.sumShort} argues (below 64 some logical lanes stay +0f, so the canonical fold is never -0f).
   *
   * <p>The window (the class comment) fills chunk n / 16, which no whole chunk reaches: its vectors are the plain
   * products of the window's lanes and +0f in the others, so they add as one more chunk, at its place in the halving
   * fold, where the canonical order's lanes are ((c0 + c2) + (c1 + c3)): onto chunk 0 for n < 48 (c0 + c1, or c0 + c2
   * before c1 is added), onto chunk 1 from 49 on. The argument for the {@code + 0f} still holds: the window's lanes
   * start at t = 16 - n % 16 >= 1, so the first lane of its chunk stays +0f, and below 48 chunk 3 is all +0f, so
   * logical lane 48 stays +0f at every n here; the +0f lanes added in, and the plain products where the canonical
   * order has an fma onto +0f, change at most the sign of a zero.
   *
   * <p>Why only dot: after session 19 moved the 4-lane block kernels here, {@link #dotBlocks} (which took n < 64, its
   * loop not entered) measured slower here than the same code had in PanamaLossKernels on JDK 17 (n = 48, 6.9 ->
   * 8.9 ns), for no reason found; sum and crossEntropy did not. This method is faster than either on both JDKs
   * (n = 16, 32, 48, 63 against the session-start code: JDK 17 4.4 -> 3.7, 5.3 -> 4.8, 7.0 -> 6.5, 14.8 -> 13.6 ns;
   * JDK 25 4.1 -> 3.6, 5.6 -> 5.1, 7.2 -> 7.1, 15.8 -> 13.2; docs/performance-history.md, "What reproducibility costs",
   * session 19, before the window).
   */
  static float dotShort(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector w0 = FloatVector.zero(f);
    FloatVector w1 = w0, w2 = w0, w3 = w0;
    int r = n & 15; // n % 16
    if (r != 0) {
      // the window's chunk: vector k of the 16 elements ending at n keeps its lanes from t - 4k on, +0f in the others
      int wa = ao + n - 16;
      int wb = bo + n - 16;
      w0 = w0.blend(FloatVector.fromArray(f, a, wa).mul(FloatVector.fromArray(f, b, wb)),
          VectorMask.fromArray(f, WINDOW, r));
      w1 = w1.blend(FloatVector.fromArray(f, a, wa + 4).mul(FloatVector.fromArray(f, b, wb + 4)),
          VectorMask.fromArray(f, WINDOW, r + 4));
      w2 = w2.blend(FloatVector.fromArray(f, a, wa + 8).mul(FloatVector.fromArray(f, b, wb + 8)),
          VectorMask.fromArray(f, WINDOW, r + 8));
      w3 = w3.blend(FloatVector.fromArray(f, a, wa + 12).mul(FloatVector.fromArray(f, b, wb + 12)),
          VectorMask.fromArray(f, WINDOW, r + 12));
    }
    FloatVector v0 = FloatVector.fromArray(f, a, ao).mul(FloatVector.fromArray(f, b, bo));
    FloatVector v1 = FloatVector.fromArray(f, a, ao + 4).mul(FloatVector.fromArray(f, b, bo + 4));
    FloatVector v2 = FloatVector.fromArray(f, a, ao + 8).mul(FloatVector.fromArray(f, b, bo + 8));
    FloatVector v3 = FloatVector.fromArray(f, a, ao + 12).mul(FloatVector.fromArray(f, b, bo + 12));
    if (n < 48) {
      // the window is chunk 1 or 2, which the fold adds onto chunk 0 (before chunk 1, if there is one)
      v0 = v0.add(w0);
      v1 = v1.add(w1);
      v2 = v2.add(w2);
      v3 = v3.add(w3);
    }
    if (n >= 32) {
      FloatVector v4 = FloatVector.fromArray(f, a, ao + 16).mul(FloatVector.fromArray(f, b, bo + 16));
      FloatVector v5 = FloatVector.fromArray(f, a, ao + 20).mul(FloatVector.fromArray(f, b, bo + 20));
      FloatVector v6 = FloatVector.fromArray(f, a, ao + 24).mul(FloatVector.fromArray(f, b, bo + 24));
      FloatVector v7 = FloatVector.fromArray(f, a, ao + 28).mul(FloatVector.fromArray(f, b, bo + 28));
      if (n >= 48) {
        v0 = v0.add(FloatVector.fromArray(f, a, ao + 32).mul(FloatVector.fromArray(f, b, bo + 32)));
        v1 = v1.add(FloatVector.fromArray(f, a, ao + 36).mul(FloatVector.fromArray(f, b, bo + 36)));
        v2 = v2.add(FloatVector.fromArray(f, a, ao + 40).mul(FloatVector.fromArray(f, b, bo + 40)));
        v3 = v3.add(FloatVector.fromArray(f, a, ao + 44).mul(FloatVector.fromArray(f, b, bo + 44)));
        // the window is chunk 3 (or +0f at n = 48), which the fold adds onto chunk 1
        v4 = v4.add(w0);
        v5 = v5.add(w1);
        v6 = v6.add(w2);
        v7 = v7.add(w3);
      }
      v0 = v0.add(v4);
      v1 = v1.add(v5);
      v2 = v2.add(v6);
      v3 = v3.add(v7);
    }
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    return ((v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3))) + 0f;
  }

  /** Canonical dot product of a[ao .. ao + n) and b[bo .. bo + n), 64 <= n < 128, one fma per element. */
  static float dotOneBlock(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector z = FloatVector.zero(f);
    FloatVector v0 = FloatVector.fromArray(f, a, ao).fma(FloatVector.fromArray(f, b, bo), z);
    FloatVector v1 = FloatVector.fromArray(f, a, ao + 4).fma(FloatVector.fromArray(f, b, bo + 4), z);
    FloatVector v2 = FloatVector.fromArray(f, a, ao + 8).fma(FloatVector.fromArray(f, b, bo + 8), z);
    FloatVector v3 = FloatVector.fromArray(f, a, ao + 12).fma(FloatVector.fromArray(f, b, bo + 12), z);
    FloatVector v4 = FloatVector.fromArray(f, a, ao + 16).fma(FloatVector.fromArray(f, b, bo + 16), z);
    FloatVector v5 = FloatVector.fromArray(f, a, ao + 20).fma(FloatVector.fromArray(f, b, bo + 20), z);
    FloatVector v6 = FloatVector.fromArray(f, a, ao + 24).fma(FloatVector.fromArray(f, b, bo + 24), z);
    FloatVector v7 = FloatVector.fromArray(f, a, ao + 28).fma(FloatVector.fromArray(f, b, bo + 28), z);
    FloatVector v8 = FloatVector.fromArray(f, a, ao + 32).fma(FloatVector.fromArray(f, b, bo + 32), z);
    FloatVector v9 = FloatVector.fromArray(f, a, ao + 36).fma(FloatVector.fromArray(f, b, bo + 36), z);
    FloatVector v10 = FloatVector.fromArray(f, a, ao + 40).fma(FloatVector.fromArray(f, b, bo + 40), z);
    FloatVector v11 = FloatVector.fromArray(f, a, ao + 44).fma(FloatVector.fromArray(f, b, bo + 44), z);
    FloatVector v12 = FloatVector.fromArray(f, a, ao + 48).fma(FloatVector.fromArray(f, b, bo + 48), z);
    FloatVector v13 = FloatVector.fromArray(f, a, ao + 52).fma(FloatVector.fromArray(f, b, bo + 52), z);
    FloatVector v14 = FloatVector.fromArray(f, a, ao + 56).fma(FloatVector.fromArray(f, b, bo + 56), z);
    FloatVector v15 = FloatVector.fromArray(f, a, ao + 60).fma(FloatVector.fromArray(f, b, bo + 60), z);
    if (n >= 80) {
      v0 = FloatVector.fromArray(f, a, ao + 64).fma(FloatVector.fromArray(f, b, bo + 64), v0);
      v1 = FloatVector.fromArray(f, a, ao + 68).fma(FloatVector.fromArray(f, b, bo + 68), v1);
      v2 = FloatVector.fromArray(f, a, ao + 72).fma(FloatVector.fromArray(f, b, bo + 72), v2);
      v3 = FloatVector.fromArray(f, a, ao + 76).fma(FloatVector.fromArray(f, b, bo + 76), v3);
      if (n >= 96) {
        v4 = FloatVector.fromArray(f, a, ao + 80).fma(FloatVector.fromArray(f, b, bo + 80), v4);
        v5 = FloatVector.fromArray(f, a, ao + 84).fma(FloatVector.fromArray(f, b, bo + 84), v5);
        v6 = FloatVector.fromArray(f, a, ao + 88).fma(FloatVector.fromArray(f, b, bo + 88), v6);
        v7 = FloatVector.fromArray(f, a, ao + 92).fma(FloatVector.fromArray(f, b, bo + 92), v7);
        if (n >= 112) {
          v8 = FloatVector.fromArray(f, a, ao + 96).fma(FloatVector.fromArray(f, b, bo + 96), v8);
          v9 = FloatVector.fromArray(f, a, ao + 100).fma(FloatVector.fromArray(f, b, bo + 100), v9);
          v10 = FloatVector.fromArray(f, a, ao + 104).fma(FloatVector.fromArray(f, b, bo + 104), v10);
          v11 = FloatVector.fromArray(f, a, ao + 108).fma(FloatVector.fromArray(f, b, bo + 108), v11);
        }
      }
    }
    int r = n & 15; // n % 16
    if (r != 0) {
      // the window (the class comment): chunk c's 4 vectors out into s0 .. s3, the window onto them, back in
      int wa = ao + n - 16;
      int wb = bo + n - 16;
      int c = (n - 64) >> 4;
      FloatVector s0, s1, s2, s3;
      if (c == 0) {
        s0 = v0;
        s1 = v1;
        s2 = v2;
        s3 = v3;
      } else if (c == 1) {
        s0 = v4;
        s1 = v5;
        s2 = v6;
        s3 = v7;
      } else if (c == 2) {
        s0 = v8;
        s1 = v9;
        s2 = v10;
        s3 = v11;
      } else {
        s0 = v12;
        s1 = v13;
        s2 = v14;
        s3 = v15;
      }
      for (int k = 0; k < 16; k += 4) {
        // the window's vector at offset k onto s0 in its lanes from t - k on; s0 .. s3 rotate, back in place after 4
        FloatVector next = s0.blend(FloatVector.fromArray(f, a, wa + k).fma(FloatVector.fromArray(f, b, wb + k), s0),
            VectorMask.fromArray(f, WINDOW, r + k));
        s0 = s1;
        s1 = s2;
        s2 = s3;
        s3 = next;
      }
      if (c == 0) {
        v0 = s0;
        v1 = s1;
        v2 = s2;
        v3 = s3;
      } else if (c == 1) {
        v4 = s0;
        v5 = s1;
        v6 = s2;
        v7 = s3;
      } else if (c == 2) {
        v8 = s0;
        v9 = s1;
        v10 = s2;
        v11 = s3;
      } else {
        v12 = s0;
        v13 = s1;
        v14 = s2;
        v15 = s3;
      }
    }
    // the halving fold of the 16 vectors (logical lanes [4k, 4k + 4) in vector k), as in the block kernels
    v0 = v0.add(v8);
    v1 = v1.add(v9);
    v2 = v2.add(v10);
    v3 = v3.add(v11);
    v4 = v4.add(v12);
    v5 = v5.add(v13);
    v6 = v6.add(v14);
    v7 = v7.add(v15);
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    return (v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3)); // half = 2, then 1
  }

  /** Canonical sum of label * ((shift - pred) + logSum), 64 <= n < 128. */
  static float crossEntropyOneBlock(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector shiftV = FloatVector.broadcast(f, shift);
    FloatVector logSumV = FloatVector.broadcast(f, logSum);
    if (PIN_BROADCASTS) { // its comment says why
      shiftV = shiftV.add(-0f);
      logSumV = logSumV.add(-0f);
    }
    FloatVector v0 = FloatVector.fromArray(f, label, lo)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po)).add(logSumV));
    FloatVector v1 = FloatVector.fromArray(f, label, lo + 4)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 4)).add(logSumV));
    FloatVector v2 = FloatVector.fromArray(f, label, lo + 8)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 8)).add(logSumV));
    FloatVector v3 = FloatVector.fromArray(f, label, lo + 12)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 12)).add(logSumV));
    FloatVector v4 = FloatVector.fromArray(f, label, lo + 16)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 16)).add(logSumV));
    FloatVector v5 = FloatVector.fromArray(f, label, lo + 20)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 20)).add(logSumV));
    FloatVector v6 = FloatVector.fromArray(f, label, lo + 24)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 24)).add(logSumV));
    FloatVector v7 = FloatVector.fromArray(f, label, lo + 28)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 28)).add(logSumV));
    FloatVector v8 = FloatVector.fromArray(f, label, lo + 32)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 32)).add(logSumV));
    FloatVector v9 = FloatVector.fromArray(f, label, lo + 36)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 36)).add(logSumV));
    FloatVector v10 = FloatVector.fromArray(f, label, lo + 40)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 40)).add(logSumV));
    FloatVector v11 = FloatVector.fromArray(f, label, lo + 44)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 44)).add(logSumV));
    FloatVector v12 = FloatVector.fromArray(f, label, lo + 48)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 48)).add(logSumV));
    FloatVector v13 = FloatVector.fromArray(f, label, lo + 52)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 52)).add(logSumV));
    FloatVector v14 = FloatVector.fromArray(f, label, lo + 56)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 56)).add(logSumV));
    FloatVector v15 = FloatVector.fromArray(f, label, lo + 60)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 60)).add(logSumV));
    if (n >= 80) {
      v0 = v0.add(FloatVector.fromArray(f, label, lo + 64)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 64)).add(logSumV)));
      v1 = v1.add(FloatVector.fromArray(f, label, lo + 68)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 68)).add(logSumV)));
      v2 = v2.add(FloatVector.fromArray(f, label, lo + 72)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 72)).add(logSumV)));
      v3 = v3.add(FloatVector.fromArray(f, label, lo + 76)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 76)).add(logSumV)));
      if (n >= 96) {
        v4 = v4.add(FloatVector.fromArray(f, label, lo + 80)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 80)).add(logSumV)));
        v5 = v5.add(FloatVector.fromArray(f, label, lo + 84)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 84)).add(logSumV)));
        v6 = v6.add(FloatVector.fromArray(f, label, lo + 88)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 88)).add(logSumV)));
        v7 = v7.add(FloatVector.fromArray(f, label, lo + 92)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 92)).add(logSumV)));
        if (n >= 112) {
          v8 = v8.add(FloatVector.fromArray(f, label, lo + 96)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 96)).add(logSumV)));
          v9 = v9.add(FloatVector.fromArray(f, label, lo + 100)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 100)).add(logSumV)));
          v10 = v10.add(FloatVector.fromArray(f, label, lo + 104)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 104)).add(logSumV)));
          v11 = v11.add(FloatVector.fromArray(f, label, lo + 108)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 108)).add(logSumV)));
        }
      }
    }
    int r = n & 15; // n % 16
    if (r != 0) {
      // the window (the class comment): chunk c's 4 vectors out into s0 .. s3, the window onto them, back in
      int wl = lo + n - 16;
      int wp = po + n - 16;
      int c = (n - 64) >> 4;
      FloatVector s0, s1, s2, s3;
      if (c == 0) {
        s0 = v0;
        s1 = v1;
        s2 = v2;
        s3 = v3;
      } else if (c == 1) {
        s0 = v4;
        s1 = v5;
        s2 = v6;
        s3 = v7;
      } else if (c == 2) {
        s0 = v8;
        s1 = v9;
        s2 = v10;
        s3 = v11;
      } else {
        s0 = v12;
        s1 = v13;
        s2 = v14;
        s3 = v15;
      }
      for (int k = 0; k < 16; k += 4) {
        // the window's vector at offset k onto s0 in its lanes from t - k on; s0 .. s3 rotate, back in place after 4
        FloatVector next = s0.add(FloatVector.fromArray(f, label, wl + k)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, wp + k)).add(logSumV)),
            VectorMask.fromArray(f, WINDOW, r + k));
        s0 = s1;
        s1 = s2;
        s2 = s3;
        s3 = next;
      }
      if (c == 0) {
        v0 = s0;
        v1 = s1;
        v2 = s2;
        v3 = s3;
      } else if (c == 1) {
        v4 = s0;
        v5 = s1;
        v6 = s2;
        v7 = s3;
      } else if (c == 2) {
        v8 = s0;
        v9 = s1;
        v10 = s2;
        v11 = s3;
      } else {
        v12 = s0;
        v13 = s1;
        v14 = s2;
        v15 = s3;
      }
    }
    // the halving fold of the 16 vectors (logical lanes [4k, 4k + 4) in vector k), as in the block kernels
    v0 = v0.add(v8);
    v1 = v1.add(v9);
    v2 = v2.add(v10);
    v3 = v3.add(v11);
    v4 = v4.add(v12);
    v5 = v5.add(v13);
    v6 = v6.add(v14);
    v7 = v7.add(v15);
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    return ((v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3))) + 0f; // half = 2, then 1; +0f: the class comment
  }

  /**
   * Canonical sum of a[ao .. ao + n) for n >= 16 but not 64-127 (those: {@link #sumOneBlock}), the block kernel at
   * 4 lanes (the order: PanamaLossKernels' class comment). One 64-element block per iteration into the 16
   * accumulators, the partial block's whole chunks c = 0, 1, 2 onto vectors 4c .. 4c + 3, the window (the class
   * comment), the halving fold.
   */
  static float sumBlocks(float[] a, int ao, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector v0 = FloatVector.zero(f);
    FloatVector v1 = v0, v2 = v0, v3 = v0, v4 = v0, v5 = v0, v6 = v0, v7 = v0, v8 = v0, v9 = v0, v10 = v0, v11 = v0;
    FloatVector v12 = v0, v13 = v0, v14 = v0, v15 = v0;
    int bound = n - n % 64;
    for (int i = 0; i < bound; i += UNCOUNTED_BLOCK_LOOPS ? blockStride : 64) {
      int p = ao + i;
      v0 = v0.add(FloatVector.fromArray(f, a, p));
      v1 = v1.add(FloatVector.fromArray(f, a, p + 4));
      v2 = v2.add(FloatVector.fromArray(f, a, p + 8));
      v3 = v3.add(FloatVector.fromArray(f, a, p + 12));
      v4 = v4.add(FloatVector.fromArray(f, a, p + 16));
      v5 = v5.add(FloatVector.fromArray(f, a, p + 20));
      v6 = v6.add(FloatVector.fromArray(f, a, p + 24));
      v7 = v7.add(FloatVector.fromArray(f, a, p + 28));
      v8 = v8.add(FloatVector.fromArray(f, a, p + 32));
      v9 = v9.add(FloatVector.fromArray(f, a, p + 36));
      v10 = v10.add(FloatVector.fromArray(f, a, p + 40));
      v11 = v11.add(FloatVector.fromArray(f, a, p + 44));
      v12 = v12.add(FloatVector.fromArray(f, a, p + 48));
      v13 = v13.add(FloatVector.fromArray(f, a, p + 52));
      v14 = v14.add(FloatVector.fromArray(f, a, p + 56));
      v15 = v15.add(FloatVector.fromArray(f, a, p + 60));
    }
    int rest = n - bound;
    int p = ao + bound;
    if (rest >= 16) {
      v0 = v0.add(FloatVector.fromArray(f, a, p));
      v1 = v1.add(FloatVector.fromArray(f, a, p + 4));
      v2 = v2.add(FloatVector.fromArray(f, a, p + 8));
      v3 = v3.add(FloatVector.fromArray(f, a, p + 12));
      if (rest >= 32) {
        v4 = v4.add(FloatVector.fromArray(f, a, p + 16));
        v5 = v5.add(FloatVector.fromArray(f, a, p + 20));
        v6 = v6.add(FloatVector.fromArray(f, a, p + 24));
        v7 = v7.add(FloatVector.fromArray(f, a, p + 28));
        if (rest >= 48) {
          v8 = v8.add(FloatVector.fromArray(f, a, p + 32));
          v9 = v9.add(FloatVector.fromArray(f, a, p + 36));
          v10 = v10.add(FloatVector.fromArray(f, a, p + 40));
          v11 = v11.add(FloatVector.fromArray(f, a, p + 44));
        }
      }
    }
    int r = n & 15; // n % 16
    if (r != 0) {
      // the window (the class comment): chunk c's 4 vectors out into s0 .. s3, the window onto them, back in
      int w = ao + n - 16;
      int c = rest >> 4;
      FloatVector s0, s1, s2, s3;
      if (c == 0) {
        s0 = v0;
        s1 = v1;
        s2 = v2;
        s3 = v3;
      } else if (c == 1) {
        s0 = v4;
        s1 = v5;
        s2 = v6;
        s3 = v7;
      } else if (c == 2) {
        s0 = v8;
        s1 = v9;
        s2 = v10;
        s3 = v11;
      } else {
        s0 = v12;
        s1 = v13;
        s2 = v14;
        s3 = v15;
      }
      for (int k = 0; k < 16; k += 4) {
        // the window's vector at offset k onto s0 in its lanes from t - k on; s0 .. s3 rotate, back in place after 4
        FloatVector next = s0.add(FloatVector.fromArray(f, a, w + k), VectorMask.fromArray(f, WINDOW, r + k));
        s0 = s1;
        s1 = s2;
        s2 = s3;
        s3 = next;
      }
      if (c == 0) {
        v0 = s0;
        v1 = s1;
        v2 = s2;
        v3 = s3;
      } else if (c == 1) {
        v4 = s0;
        v5 = s1;
        v6 = s2;
        v7 = s3;
      } else if (c == 2) {
        v8 = s0;
        v9 = s1;
        v10 = s2;
        v11 = s3;
      } else {
        v12 = s0;
        v13 = s1;
        v14 = s2;
        v15 = s3;
      }
    }
    // the halving fold of the 16 vectors (logical lanes [4k, 4k + 4) in vector k)
    v0 = v0.add(v8);
    v1 = v1.add(v9);
    v2 = v2.add(v10);
    v3 = v3.add(v11);
    v4 = v4.add(v12);
    v5 = v5.add(v13);
    v6 = v6.add(v14);
    v7 = v7.add(v15);
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    return (v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3)); // half = 2, then 1
  }

  /**
   * Canonical dot product of a[ao .. ao + n) and b[bo .. bo + n), n >= 128 (below: {@link #dotShort},
   * {@link #dotOneBlock}), as {@link #sumBlocks}, one fma per element. Its block loop is never counted. It is
   * taken on JDK 25 for every n, as the other block kernels with their uncounted loops ({@link
   * #UNCOUNTED_BLOCK_LOOPS}), and before JDK 25 below {@link #UNCOUNTED_DOT_MAX}; from there on {@link
   * #dotBlocksCounted} is taken.
   */
  static float dotBlocks(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector v0 = FloatVector.zero(f);
    FloatVector v1 = v0, v2 = v0, v3 = v0, v4 = v0, v5 = v0, v6 = v0, v7 = v0, v8 = v0, v9 = v0, v10 = v0, v11 = v0;
    FloatVector v12 = v0, v13 = v0, v14 = v0, v15 = v0;
    int bound = n - n % 64;
    for (int i = 0; i < bound; i += blockStride) {
      int p = ao + i;
      int q = bo + i;
      v0 = FloatVector.fromArray(f, a, p).fma(FloatVector.fromArray(f, b, q), v0);
      v1 = FloatVector.fromArray(f, a, p + 4).fma(FloatVector.fromArray(f, b, q + 4), v1);
      v2 = FloatVector.fromArray(f, a, p + 8).fma(FloatVector.fromArray(f, b, q + 8), v2);
      v3 = FloatVector.fromArray(f, a, p + 12).fma(FloatVector.fromArray(f, b, q + 12), v3);
      v4 = FloatVector.fromArray(f, a, p + 16).fma(FloatVector.fromArray(f, b, q + 16), v4);
      v5 = FloatVector.fromArray(f, a, p + 20).fma(FloatVector.fromArray(f, b, q + 20), v5);
      v6 = FloatVector.fromArray(f, a, p + 24).fma(FloatVector.fromArray(f, b, q + 24), v6);
      v7 = FloatVector.fromArray(f, a, p + 28).fma(FloatVector.fromArray(f, b, q + 28), v7);
      v8 = FloatVector.fromArray(f, a, p + 32).fma(FloatVector.fromArray(f, b, q + 32), v8);
      v9 = FloatVector.fromArray(f, a, p + 36).fma(FloatVector.fromArray(f, b, q + 36), v9);
      v10 = FloatVector.fromArray(f, a, p + 40).fma(FloatVector.fromArray(f, b, q + 40), v10);
      v11 = FloatVector.fromArray(f, a, p + 44).fma(FloatVector.fromArray(f, b, q + 44), v11);
      v12 = FloatVector.fromArray(f, a, p + 48).fma(FloatVector.fromArray(f, b, q + 48), v12);
      v13 = FloatVector.fromArray(f, a, p + 52).fma(FloatVector.fromArray(f, b, q + 52), v13);
      v14 = FloatVector.fromArray(f, a, p + 56).fma(FloatVector.fromArray(f, b, q + 56), v14);
      v15 = FloatVector.fromArray(f, a, p + 60).fma(FloatVector.fromArray(f, b, q + 60), v15);
    }
    int rest = n - bound;
    int p = ao + bound;
    int q = bo + bound;
    if (rest >= 16) {
      v0 = FloatVector.fromArray(f, a, p).fma(FloatVector.fromArray(f, b, q), v0);
      v1 = FloatVector.fromArray(f, a, p + 4).fma(FloatVector.fromArray(f, b, q + 4), v1);
      v2 = FloatVector.fromArray(f, a, p + 8).fma(FloatVector.fromArray(f, b, q + 8), v2);
      v3 = FloatVector.fromArray(f, a, p + 12).fma(FloatVector.fromArray(f, b, q + 12), v3);
      if (rest >= 32) {
        v4 = FloatVector.fromArray(f, a, p + 16).fma(FloatVector.fromArray(f, b, q + 16), v4);
        v5 = FloatVector.fromArray(f, a, p + 20).fma(FloatVector.fromArray(f, b, q + 20), v5);
        v6 = FloatVector.fromArray(f, a, p + 24).fma(FloatVector.fromArray(f, b, q + 24), v6);
        v7 = FloatVector.fromArray(f, a, p + 28).fma(FloatVector.fromArray(f, b, q + 28), v7);
        if (rest >= 48) {
          v8 = FloatVector.fromArray(f, a, p + 32).fma(FloatVector.fromArray(f, b, q + 32), v8);
          v9 = FloatVector.fromArray(f, a, p + 36).fma(FloatVector.fromArray(f, b, q + 36), v9);
          v10 = FloatVector.fromArray(f, a, p + 40).fma(FloatVector.fromArray(f, b, q + 40), v10);
          v11 = FloatVector.fromArray(f, a, p + 44).fma(FloatVector.fromArray(f, b, q + 44), v11);
        }
      }
    }
    int r = n & 15; // n % 16
    if (r != 0) {
      // the window (the class comment): chunk c's 4 vectors out into s0 .. s3, the window onto them, back in
      int wa = ao + n - 16;
      int wb = bo + n - 16;
      int c = rest >> 4;
      FloatVector s0, s1, s2, s3;
      if (c == 0) {
        s0 = v0;
        s1 = v1;
        s2 = v2;
        s3 = v3;
      } else if (c == 1) {
        s0 = v4;
        s1 = v5;
        s2 = v6;
        s3 = v7;
      } else if (c == 2) {
        s0 = v8;
        s1 = v9;
        s2 = v10;
        s3 = v11;
      } else {
        s0 = v12;
        s1 = v13;
        s2 = v14;
        s3 = v15;
      }
      for (int k = 0; k < 16; k += 4) {
        // the window's vector at offset k onto s0 in its lanes from t - k on; s0 .. s3 rotate, back in place after 4
        FloatVector next = s0.blend(FloatVector.fromArray(f, a, wa + k).fma(FloatVector.fromArray(f, b, wb + k), s0),
            VectorMask.fromArray(f, WINDOW, r + k));
        s0 = s1;
        s1 = s2;
        s2 = s3;
        s3 = next;
      }
      if (c == 0) {
        v0 = s0;
        v1 = s1;
        v2 = s2;
        v3 = s3;
      } else if (c == 1) {
        v4 = s0;
        v5 = s1;
        v6 = s2;
        v7 = s3;
      } else if (c == 2) {
        v8 = s0;
        v9 = s1;
        v10 = s2;
        v11 = s3;
      } else {
        v12 = s0;
        v13 = s1;
        v14 = s2;
        v15 = s3;
      }
    }
    // the halving fold
    v0 = v0.add(v8);
    v1 = v1.add(v9);
    v2 = v2.add(v10);
    v3 = v3.add(v11);
    v4 = v4.add(v12);
    v5 = v5.add(v13);
    v6 = v6.add(v14);
    v7 = v7.add(v15);
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    return (v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3)); // half = 2, then 1
  }

  /**
   * {@link #dotBlocks} with a counted block loop, taken before JDK 25 from n = {@link #UNCOUNTED_DOT_MAX} on. A copy,
   * not a second loop in that method: with both loops in it, JDK 17's C1 gave up on it ("out of virtual registers",
   * the class comment).
   */
  static float dotBlocksCounted(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector v0 = FloatVector.zero(f);
    FloatVector v1 = v0, v2 = v0, v3 = v0, v4 = v0, v5 = v0, v6 = v0, v7 = v0, v8 = v0, v9 = v0, v10 = v0, v11 = v0;
    FloatVector v12 = v0, v13 = v0, v14 = v0, v15 = v0;
    int bound = n - n % 64;
    for (int i = 0; i < bound; i += 64) {
      int p = ao + i;
      int q = bo + i;
      v0 = FloatVector.fromArray(f, a, p).fma(FloatVector.fromArray(f, b, q), v0);
      v1 = FloatVector.fromArray(f, a, p + 4).fma(FloatVector.fromArray(f, b, q + 4), v1);
      v2 = FloatVector.fromArray(f, a, p + 8).fma(FloatVector.fromArray(f, b, q + 8), v2);
      v3 = FloatVector.fromArray(f, a, p + 12).fma(FloatVector.fromArray(f, b, q + 12), v3);
      v4 = FloatVector.fromArray(f, a, p + 16).fma(FloatVector.fromArray(f, b, q + 16), v4);
      v5 = FloatVector.fromArray(f, a, p + 20).fma(FloatVector.fromArray(f, b, q + 20), v5);
      v6 = FloatVector.fromArray(f, a, p + 24).fma(FloatVector.fromArray(f, b, q + 24), v6);
      v7 = FloatVector.fromArray(f, a, p + 28).fma(FloatVector.fromArray(f, b, q + 28), v7);
      v8 = FloatVector.fromArray(f, a, p + 32).fma(FloatVector.fromArray(f, b, q + 32), v8);
      v9 = FloatVector.fromArray(f, a, p + 36).fma(FloatVector.fromArray(f, b, q + 36), v9);
      v10 = FloatVector.fromArray(f, a, p + 40).fma(FloatVector.fromArray(f, b, q + 40), v10);
      v11 = FloatVector.fromArray(f, a, p + 44).fma(FloatVector.fromArray(f, b, q + 44), v11);
      v12 = FloatVector.fromArray(f, a, p + 48).fma(FloatVector.fromArray(f, b, q + 48), v12);
      v13 = FloatVector.fromArray(f, a, p + 52).fma(FloatVector.fromArray(f, b, q + 52), v13);
      v14 = FloatVector.fromArray(f, a, p + 56).fma(FloatVector.fromArray(f, b, q + 56), v14);
      v15 = FloatVector.fromArray(f, a, p + 60).fma(FloatVector.fromArray(f, b, q + 60), v15);
    }
    int rest = n - bound;
    int p = ao + bound;
    int q = bo + bound;
    if (rest >= 16) {
      v0 = FloatVector.fromArray(f, a, p).fma(FloatVector.fromArray(f, b, q), v0);
      v1 = FloatVector.fromArray(f, a, p + 4).fma(FloatVector.fromArray(f, b, q + 4), v1);
      v2 = FloatVector.fromArray(f, a, p + 8).fma(FloatVector.fromArray(f, b, q + 8), v2);
      v3 = FloatVector.fromArray(f, a, p + 12).fma(FloatVector.fromArray(f, b, q + 12), v3);
      if (rest >= 32) {
        v4 = FloatVector.fromArray(f, a, p + 16).fma(FloatVector.fromArray(f, b, q + 16), v4);
        v5 = FloatVector.fromArray(f, a, p + 20).fma(FloatVector.fromArray(f, b, q + 20), v5);
        v6 = FloatVector.fromArray(f, a, p + 24).fma(FloatVector.fromArray(f, b, q + 24), v6);
        v7 = FloatVector.fromArray(f, a, p + 28).fma(FloatVector.fromArray(f, b, q + 28), v7);
        if (rest >= 48) {
          v8 = FloatVector.fromArray(f, a, p + 32).fma(FloatVector.fromArray(f, b, q + 32), v8);
          v9 = FloatVector.fromArray(f, a, p + 36).fma(FloatVector.fromArray(f, b, q + 36), v9);
          v10 = FloatVector.fromArray(f, a, p + 40).fma(FloatVector.fromArray(f, b, q + 40), v10);
          v11 = FloatVector.fromArray(f, a, p + 44).fma(FloatVector.fromArray(f, b, q + 44), v11);
        }
      }
    }
    int r = n & 15; // n % 16
    if (r != 0) {
      // the window (the class comment): chunk c's 4 vectors out into s0 .. s3, the window onto them, back in
      int wa = ao + n - 16;
      int wb = bo + n - 16;
      int c = rest >> 4;
      FloatVector s0, s1, s2, s3;
      if (c == 0) {
        s0 = v0;
        s1 = v1;
        s2 = v2;
        s3 = v3;
      } else if (c == 1) {
        s0 = v4;
        s1 = v5;
        s2 = v6;
        s3 = v7;
      } else if (c == 2) {
        s0 = v8;
        s1 = v9;
        s2 = v10;
        s3 = v11;
      } else {
        s0 = v12;
        s1 = v13;
        s2 = v14;
        s3 = v15;
      }
      for (int k = 0; k < 16; k += 4) {
        // the window's vector at offset k onto s0 in its lanes from t - k on; s0 .. s3 rotate, back in place after 4
        FloatVector next = s0.blend(FloatVector.fromArray(f, a, wa + k).fma(FloatVector.fromArray(f, b, wb + k), s0),
            VectorMask.fromArray(f, WINDOW, r + k));
        s0 = s1;
        s1 = s2;
        s2 = s3;
        s3 = next;
      }
      if (c == 0) {
        v0 = s0;
        v1 = s1;
        v2 = s2;
        v3 = s3;
      } else if (c == 1) {
        v4 = s0;
        v5 = s1;
        v6 = s2;
        v7 = s3;
      } else if (c == 2) {
        v8 = s0;
        v9 = s1;
        v10 = s2;
        v11 = s3;
      } else {
        v12 = s0;
        v13 = s1;
        v14 = s2;
        v15 = s3;
      }
    }
    // the halving fold
    v0 = v0.add(v8);
    v1 = v1.add(v9);
    v2 = v2.add(v10);
    v3 = v3.add(v11);
    v4 = v4.add(v12);
    v5 = v5.add(v13);
    v6 = v6.add(v14);
    v7 = v7.add(v15);
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    return (v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3)); // half = 2, then 1
  }

  /**
   * Canonical sum of label * ((shift - pred) + logSum) over n elements, as {@link #sumBlocks}, the scalar
   * kernel's operations per element.
   */
  static float crossEntropyBlocks(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector shiftV = FloatVector.broadcast(f, shift);
    FloatVector logSumV = FloatVector.broadcast(f, logSum);
    if (PIN_BROADCASTS) { // its comment says why
      shiftV = shiftV.add(-0f);
      logSumV = logSumV.add(-0f);
    }
    FloatVector v0 = FloatVector.zero(f);
    FloatVector v1 = v0, v2 = v0, v3 = v0, v4 = v0, v5 = v0, v6 = v0, v7 = v0, v8 = v0, v9 = v0, v10 = v0, v11 = v0;
    FloatVector v12 = v0, v13 = v0, v14 = v0, v15 = v0;
    int bound = n - n % 64;
    for (int i = 0; i < bound; i += UNCOUNTED_BLOCK_LOOPS ? blockStride : 64) {
      int p = lo + i;
      int q = po + i;
      v0 = v0.add(FloatVector.fromArray(f, label, p)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q)).add(logSumV)));
      v1 = v1.add(FloatVector.fromArray(f, label, p + 4)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 4)).add(logSumV)));
      v2 = v2.add(FloatVector.fromArray(f, label, p + 8)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 8)).add(logSumV)));
      v3 = v3.add(FloatVector.fromArray(f, label, p + 12)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 12)).add(logSumV)));
      v4 = v4.add(FloatVector.fromArray(f, label, p + 16)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 16)).add(logSumV)));
      v5 = v5.add(FloatVector.fromArray(f, label, p + 20)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 20)).add(logSumV)));
      v6 = v6.add(FloatVector.fromArray(f, label, p + 24)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 24)).add(logSumV)));
      v7 = v7.add(FloatVector.fromArray(f, label, p + 28)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 28)).add(logSumV)));
      v8 = v8.add(FloatVector.fromArray(f, label, p + 32)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 32)).add(logSumV)));
      v9 = v9.add(FloatVector.fromArray(f, label, p + 36)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 36)).add(logSumV)));
      v10 = v10.add(FloatVector.fromArray(f, label, p + 40)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 40)).add(logSumV)));
      v11 = v11.add(FloatVector.fromArray(f, label, p + 44)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 44)).add(logSumV)));
      v12 = v12.add(FloatVector.fromArray(f, label, p + 48)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 48)).add(logSumV)));
      v13 = v13.add(FloatVector.fromArray(f, label, p + 52)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 52)).add(logSumV)));
      v14 = v14.add(FloatVector.fromArray(f, label, p + 56)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 56)).add(logSumV)));
      v15 = v15.add(FloatVector.fromArray(f, label, p + 60)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 60)).add(logSumV)));
    }
    int rest = n - bound;
    int p = lo + bound;
    int q = po + bound;
    if (rest >= 16) {
      v0 = v0.add(FloatVector.fromArray(f, label, p)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q)).add(logSumV)));
      v1 = v1.add(FloatVector.fromArray(f, label, p + 4)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 4)).add(logSumV)));
      v2 = v2.add(FloatVector.fromArray(f, label, p + 8)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 8)).add(logSumV)));
      v3 = v3.add(FloatVector.fromArray(f, label, p + 12)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 12)).add(logSumV)));
      if (rest >= 32) {
        v4 = v4.add(FloatVector.fromArray(f, label, p + 16)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 16)).add(logSumV)));
        v5 = v5.add(FloatVector.fromArray(f, label, p + 20)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 20)).add(logSumV)));
        v6 = v6.add(FloatVector.fromArray(f, label, p + 24)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 24)).add(logSumV)));
        v7 = v7.add(FloatVector.fromArray(f, label, p + 28)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 28)).add(logSumV)));
        if (rest >= 48) {
          v8 = v8.add(FloatVector.fromArray(f, label, p + 32)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 32)).add(logSumV)));
          v9 = v9.add(FloatVector.fromArray(f, label, p + 36)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 36)).add(logSumV)));
          v10 = v10.add(FloatVector.fromArray(f, label, p + 40)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 40)).add(logSumV)));
          v11 = v11.add(FloatVector.fromArray(f, label, p + 44)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, q + 44)).add(logSumV)));
        }
      }
    }
    int r = n & 15; // n % 16
    if (r != 0) {
      // the window (the class comment): chunk c's 4 vectors out into s0 .. s3, the window onto them, back in
      int wl = lo + n - 16;
      int wp = po + n - 16;
      int c = rest >> 4;
      FloatVector s0, s1, s2, s3;
      if (c == 0) {
        s0 = v0;
        s1 = v1;
        s2 = v2;
        s3 = v3;
      } else if (c == 1) {
        s0 = v4;
        s1 = v5;
        s2 = v6;
        s3 = v7;
      } else if (c == 2) {
        s0 = v8;
        s1 = v9;
        s2 = v10;
        s3 = v11;
      } else {
        s0 = v12;
        s1 = v13;
        s2 = v14;
        s3 = v15;
      }
      for (int k = 0; k < 16; k += 4) {
        // the window's vector at offset k onto s0 in its lanes from t - k on; s0 .. s3 rotate, back in place after 4
        FloatVector next = s0.add(FloatVector.fromArray(f, label, wl + k)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, wp + k)).add(logSumV)),
            VectorMask.fromArray(f, WINDOW, r + k));
        s0 = s1;
        s1 = s2;
        s2 = s3;
        s3 = next;
      }
      if (c == 0) {
        v0 = s0;
        v1 = s1;
        v2 = s2;
        v3 = s3;
      } else if (c == 1) {
        v4 = s0;
        v5 = s1;
        v6 = s2;
        v7 = s3;
      } else if (c == 2) {
        v8 = s0;
        v9 = s1;
        v10 = s2;
        v11 = s3;
      } else {
        v12 = s0;
        v13 = s1;
        v14 = s2;
        v15 = s3;
      }
    }
    // the halving fold
    v0 = v0.add(v8);
    v1 = v1.add(v9);
    v2 = v2.add(v10);
    v3 = v3.add(v11);
    v4 = v4.add(v12);
    v5 = v5.add(v13);
    v6 = v6.add(v14);
    v7 = v7.add(v15);
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    return (v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3)); // half = 2, then 1
  }
}
