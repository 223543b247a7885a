package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaVectorConstants.FLOATS;
import static io.simdloss.internal.vector.PanamaVectorConstants.WINDOW;
import static io.simdloss.internal.vector.PanamaVectorConstants.LANES;

import io.simdloss.internal.LossKernels;
import io.simdloss.internal.PointwiseOp;
import io.simdloss.internal.ScalarLossKernels;
import io.simdloss.internal.ScalarMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * The Vector API kernels, mirroring {@link ScalarLossKernels} method for method.
 *
 * <p>Elementwise maps: a main loop up to {@code FLOATS.loopBound(n)} over whole vectors, then the remaining
 * {@code n % LANES} elements handed to the scalar kernel (same formula, same {@code ScalarMath} twins of
 * exp/log). No {@code indexInRange} masked tails: on JDK 17 a masked loop runs slower than scalar code
 * (measured by Lucene), and a tail of at most LANES-1 elements is cheap in scalar.
 *
 * <p>Contiguous reductions ({@code sum}, {@code dot}, {@code logSumExp}, {@code crossEntropy}) follow one
 * canonical order, the same in {@link ScalarLossKernels}, so that their results are bit-identical at every
 * vector width, in the scalar fallback, and interpreted, in C1 or in C2 ({@code reduceLanes(ADD)} has an
 * unspecified order, and was seen to change when JDK 25 compiled the method):
 * <ol>
 *   <li>64 logical accumulators, all +0f: element i of the range, for i below {@code m = n - n % 16}, is added
 *       to logical lane {@code i % 64}, in increasing i. Here they are {@code 64 / LANES} vectors (4 at 512
 *       bits, 8 at 256, 16 at 128); vector k holds logical lanes {@code [k*LANES, (k+1)*LANES)}, and the loop
 *       takes one 64-element block per iteration; the last {@code n % 64} elements then go in as whole
 *       16-element chunks (0 to 3 of them, one vector at 512 bits, two at 256, four at 128: 16 lanes is the
 *       widest supported vector, so a chunk is whole vectors at every width) into logical lanes
 *       {@code [0, 16)}, {@code [16, 32)}, {@code [32, 48)} ({@code logSumExp} takes one vector per iteration and
 *       rotates the accumulators, to keep a single {@code VectorMath.exp} call site, then finishes the partial
 *       block with rotations alone; the order of additions per logical lane is the same).
 *   <li>The window: when {@code r = n % 16} is not 0, the 16 elements ending at n ({@code [n - 16, n)}, always in
 *       the range since n >= 16) are loaded, and element {@code n - 16 + j}, for j from {@code 16 - r} to 15 (the
 *       last r; the lanes below hold elements already counted), is added to logical lane {@code m % 64 + j}: the
 *       upper r lanes of the chunk a next whole chunk would fill. In vector code that is one load per vector of a
 *       chunk and a masked add ({@code acc.add(v, mask)}, or {@code acc.blend(a.fma(b, acc), mask)}
 *       for {@code dot}; the mask from a table, {@code PanamaVectorConstants.WINDOW}), so the lanes left out keep the
 *       accumulator's exact bits. Never zeroed inputs instead:
 *       0 * inf is NaN, and adding +0f turns a -0f lane (a dot product that underflows) into +0f. Sessions 8-20
 *       added these last r elements one at a time after the fold, in scalar: a chain of up to 15 dependent adds
 *       that cost up to half the time at n = 140 ({@code jmh} TailOrderProbe; docs/performance-history.md, "What
 *       reproducibility costs", sessions 20 and 21).
 *   <li>The 64 lanes are combined by halving: {@code acc[j] += acc[j + half]} for {@code j < half}, half = 32,
 *       16, ..., 1; the result is {@code acc[0]}. Across vectors that is vector k += vector k + count/2; inside
 *       the last vector, {@code v.add(v.rearrange(DOWN_h))} with a constant shuffle (lane j takes lane
 *       j + h) down to 4 lanes, then {@code (l0 + l2) + (l1 + l3)} on the extracted lanes (measured no
 *       slower, and in most runs faster, for sum and dot at 512 bits than shuffling down to one lane).
 * </ol>
 * A range shorter than 16 is a plain sequential sum from +0f, in increasing index order, and goes straight to the
 * scalar kernel. Until the chunked tail (issue #3, session 8) the whole {@code n % 64} tail was added
 * sequentially and ranges below 64 went to scalar; until the window (session 21) the last {@code n % 16}.
 * Why 64: it is the smallest count that every supported width can hold as whole vectors while keeping at
 * least four independent vector accumulators at 512 bits (a float add has a latency of 4 cycles and two ports
 * issue one per cycle each, so one accumulator would leave the adder idle most of the time; the previous
 * kernels used four, as Lucene does). At 128 bits it means 16 accumulators: they fit in the 32 vector
 * registers of AVX-512 (where the timings below were taken); a 16-register AVX2 machine forced to 128 bits
 * would spill some (not measured). The blocks for 8 and 16 vectors are written out behind branches on the
 * {@code static final} LANES, which C2 folds. Other widths
 * (2 lanes, or more than 16) run the reductions in the scalar kernel. The per-element operations are the
 * scalar kernel's exactly: {@code fma} in {@code dot} ({@code Math.fma} there), and
 * {@code label * (logSumExp - pred)} in {@code crossEntropy}. Speed against the previous {@code reduceLanes}
 * kernels, n = 1024, ns per call (best of 15 x 200,000 calls, 3 runs alternating, JDK 17, AVX-512 host):
 * <pre>
 *              512-bit          256-bit          128-bit
 *              before  after    before  after    before  after
 * sum            35.1   31.8      57.9   38.3      58.2   55.2
 * dot            63.4   50.2      69.1   68.0     103.4   79.6
 * logSumExp     414.8  426.5     694.3  691.7    1309.8 1355.3
 * crossEntropy   75.6   67.3     116.4   76.9     165.1  106.5
 * </pre>
 * (a 2-core VM with run-to-run noise of 10-20%; logSumExp is within 4%, the others no slower).
 * Each kernel is one flat method: the combination is written out, because a helper C2 declined
 * to inline (its node budget is spent by 16 accumulators at 128 bits) boxed the vectors (crossEntropy at
 * 128 bits went from 113 to 1,270 ns). The fused {@link #mapSum} kernels of the cheap pointwise losses follow
 * the same order in {@code PanamaMapSum}, generated per op by {@code gen_PanamaMapSum.py} (why generated, and
 * why their terms are pasted rather than called: the generator's docstring).
 *
 * <p>Two loop shapes give this order for {@code sum}, {@code dot} and {@code crossEntropy} (session 8). The block
 * kernels ({@code sumBlocks}, {@code dotBlocks}, {@code crossEntropyBlocks}: one 64-element block per iteration,
 * the chunks of the partial block written out, as described above) serve 16 and 8 lanes (4 lanes have theirs in
 * {@link Reductions4} since session 19), but at 940 bytes of bytecode (dot) C2 never inlines them, and they check
 * the bounds of all the block's loads before the loop on every call. {@link Reductions16} and {@link Reductions8}
 * take one 16-element chunk per iteration and rotate the accumulators, as {@code expSum} does; they fit C2's
 * inlining limit of 325 bytes. The public methods choose:
 * 16 lanes, {@code Reductions16} (below one block, {@code n < 64}, its loop-free {@code sumShort},
 * {@code dotShort} and {@code crossEntropyShort}; from there sum and dot below 512, crossEntropy below 2048 on JDK 25
 * and below 512 before; before JDK 25, from 512 on, its {@code sumLong} and {@code dotLong}, a block loop that fits
 * the inlining limit (since session 25; from session 21 to 24 the block kernels here), and crossEntropy's block
 * kernel here); 8 lanes, {@code Reductions8} below 128
 * before
 * JDK 25 and at every n on JDK 25 (its {@code ...Short} methods below 64, its {@code ...OneBlock} methods for one
 * whole block, no loop); 4 lanes, {@link Reductions4} (its {@code ...OneBlock} methods for one whole block,
 * {@code 64 <= n < 128}, no loop, {@code dotShort} below 64, and its own block kernels at every other n, whose loop
 * C2 does not count on JDK 25);
 * otherwise the block kernels. On JDK 25 no n reaches 512
 * ({@code Reductions16.BLOCK_LOOP_MIN}): the rotating loops take every n there. Why each threshold, and what each
 * change measured: the comments in those classes and docs/performance-history.md, "What reproducibility costs".
 *
 * <p>The price of the canonical order was in short and ragged ranges: up to 63 elements were added (and, in
 * logSumExp, exponentiated) one at a time, and ranges below 64 were entirely scalar. Hence the 16-element
 * chunks (CHUNK below): the sequential tail is now at most 15 elements and ranges of 16 or more take the vector
 * path. Evidence, canonical / (lanewise(EXP) or plain vector + reduceLanes) ratio of the fastest of 10
 * iterations, same JMH run, 512-bit, JDK 17, before -> after the chunks (the baselines include a one-vector loop
 * before their scalar tail): sum n=48 4.46 -> 0.67, n=100 3.91 -> 0.85, n=1000 3.42 -> 0.86; dot n=48 2.39 ->
 * 0.97, n=100 3.03 -> 0.89, n=1000 4.75 -> 0.78; crossEntropy n=48 2.80 -> 0.83, n=100 2.02 -> 0.83; logSumExp
 * n=48 1.74 -> 1.16 ({@code java -jar jmh/target/benchmarks.jar 'ReproducibilityCost.(sum|dot|crossEntropy|
 * logSumExp_canonical|logSumExp_svml)' -p n=48,100,1000,1024,4096 -wi 4 -w 1 -i 5 -r 300ms -f 2}). The host
 * had a load average of 8-11 on 2 cores during these runs: single results moved by up to 2x between runs, so
 * the ratios show the shape (the sequential tail was the cost) but cannot certify a 10% bound. The in-vector
 * fold is not the cost at n = 1024: the 4-accumulator sum loop alone (no fold, lane 0) took 52 ns, with this
 * fold 70, shuffled down to one lane 59, down to 8 lanes then scalar 57, with {@code reduceLanes(ADD)} 90, via
 * {@code intoArray} and a scalar tree 114 (fastest of 20 iterations, same run, same load caveat).
 */
public final class PanamaLossKernels implements LossKernels {
  static final ScalarLossKernels TAIL = ScalarLossKernels.INSTANCE;

  static {
    // before any kernel runs: otherwise a warmed-up kernel can box a vector per iteration (see OperatorCaches)
    OperatorCaches.fill();
  }
  private static final float EPSILON = 1e-12f;

  /** Logical accumulators of the canonical reductions (see the class comment). */
  static final int BLOCK = 64;

  /**
   * The last n % 64 elements go to logical lanes 0..47 in whole chunks of this many, the widest supported vector
   * (16 lanes), so a chunk is whole vectors at every width; below it the tail is sequential. Measured effect in
   * the class comment (sum of 100 floats: 3.9x the reduceLanes variant before, 0.85x after).
   */
  static final int CHUNK = 16;

  /** Whether the canonical reductions have a vector path for this width; otherwise they run in scalar. */
  static final boolean CANONICAL = LANES == 4 || LANES == 8 || LANES == 16;

  /** Shuffles for the fold inside one vector: lane j takes lane j + h (lanes past LANES - h: don't care). */
  static final VectorShuffle<Float> DOWN_8 = down(8);
  static final VectorShuffle<Float> DOWN_4 = down(4);

  private static VectorShuffle<Float> down(int h) {
    return VectorShuffle.fromOp(FLOATS, j -> (j + h) % LANES);
  }

  /** Width of the preferred species in bits; read reflectively by the provider. */
  public static int preferredBits() {
    return FLOATS.vectorBitSize();
  }

  @Override
  public String describe() {
    return "vector " + FLOATS.vectorBitSize() + "-bit";
  }

  // ---- elementwise maps -------------------------------------------------------------------------------

  @Override
  public void squaredError(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector diff = FloatVector.fromArray(FLOATS, a, ao + i).sub(FloatVector.fromArray(FLOATS, b, bo + i));
      diff.mul(diff).intoArray(dst, d + i);
    }
    TAIL.squaredError(a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void absoluteError(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector.fromArray(FLOATS, a, ao + i).sub(FloatVector.fromArray(FLOATS, b, bo + i)).abs()
          .intoArray(dst, d + i);
    }
    TAIL.absoluteError(a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void huber(float rho, float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    float halfRho = 0.5f * rho;
    float halfInvRho = 0.5f / rho;
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector abs = FloatVector.fromArray(FLOATS, a, ao + i).sub(FloatVector.fromArray(FLOATS, b, bo + i)).abs();
      FloatVector quadratic = abs.mul(halfInvRho).mul(abs);
      FloatVector linear = abs.sub(halfRho);
      quadratic.blend(linear, abs.compare(VectorOperators.GT, rho)).intoArray(dst, d + i);
    }
    TAIL.huber(rho, a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void hinge(float margin, float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector product = FloatVector.fromArray(FLOATS, a, ao + i).mul(FloatVector.fromArray(FLOATS, b, bo + i));
      relu(product.neg().add(margin)).intoArray(dst, d + i);
    }
    TAIL.hinge(margin, a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void squaredHinge(float margin, float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector product = FloatVector.fromArray(FLOATS, a, ao + i).mul(FloatVector.fromArray(FLOATS, b, bo + i));
      FloatVector h = relu(product.neg().add(margin));
      h.mul(h).intoArray(dst, d + i);
    }
    TAIL.squaredHinge(margin, a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void logistic(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector product = FloatVector.fromArray(FLOATS, a, ao + i).mul(FloatVector.fromArray(FLOATS, b, bo + i));
      VectorMath.softplus(product.neg()).intoArray(dst, d + i);
    }
    TAIL.logistic(a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void sigmoidBce(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(FLOATS, a, ao + i);
      FloatVector z = FloatVector.fromArray(FLOATS, b, bo + i);
      VectorMath.softplus(x).sub(x.mul(z)).intoArray(dst, d + i);
    }
    TAIL.sigmoidBce(a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void sigmoidBceFromProbability(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector p = FloatVector.fromArray(FLOATS, a, ao + i);
      FloatVector z = FloatVector.fromArray(FLOATS, b, bo + i);
      FloatVector logP = VectorMath.log(p.add(EPSILON));
      FloatVector logQ = VectorMath.log(p.neg().add(1f).add(EPSILON));
      logP.mul(z).add(logQ.mul(z.neg().add(1f))).neg().intoArray(dst, d + i);
    }
    TAIL.sigmoidBceFromProbability(a, ao + i, b, bo + i, dst, d + i, n - i);
  }

  @Override
  public void klDivergence(float[] label, int lo, float[] pred, int po, float shift, float logSum, float[] dst,
      int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector z = FloatVector.fromArray(FLOATS, label, lo + i);
      FloatVector logp = FloatVector.fromArray(FLOATS, pred, po + i).sub(shift).sub(logSum);
      z.mul(VectorMath.log(z.add(EPSILON)).sub(logp)).intoArray(dst, d + i);
    }
    TAIL.klDivergence(label, lo + i, pred, po + i, shift, logSum, dst, d + i, n - i);
  }

  @Override
  public void klDivergenceShifted(float[] label, int lo, float[] pred, int po, float[] shift, float[] logSum,
      int so, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector z = FloatVector.fromArray(FLOATS, label, lo + i);
      FloatVector logp = FloatVector.fromArray(FLOATS, pred, po + i).sub(FloatVector.fromArray(FLOATS, shift, so + i))
          .sub(FloatVector.fromArray(FLOATS, logSum, so + i));
      z.mul(VectorMath.log(z.add(EPSILON)).sub(logp)).intoArray(dst, d + i);
    }
    TAIL.klDivergenceShifted(label, lo + i, pred, po + i, shift, logSum, so + i, dst, d + i, n - i);
  }

  @Override
  public void tripletTerm(float[] p, int po, float[] q, int qo, float[] r, int ro, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(FLOATS, p, po + i);
      FloatVector dq = x.sub(FloatVector.fromArray(FLOATS, q, qo + i));
      FloatVector dr = x.sub(FloatVector.fromArray(FLOATS, r, ro + i));
      dq.mul(dq).sub(dr.mul(dr)).intoArray(dst, d + i);
    }
    TAIL.tripletTerm(p, po + i, q, qo + i, r, ro + i, dst, d + i, n - i);
  }

  // ---- reductions -------------------------------------------------------------------------------------

  @Override
  public float sum(float[] a, int ao, int n) {
    if (n < CHUNK || !CANONICAL) {
      return TAIL.sum(a, ao, n);
    }
    if (LANES == 16 && n < Reductions16.BLOCK_LOOP_MIN) {
      // below one block, the chunks without a loop; else the rotating loop, up to the block kernel's threshold
      return n < BLOCK ? Reductions16.sumShort(a, ao, n) : Reductions16.sum(a, ao, n);
    }
    if (LANES == 16) {
      return Reductions16.sumLong(a, ao, n); // before JDK 25, n >= 512: a block loop (BLOCK_LOOP_MIN says why)
    }
    if (LANES == 8 && n < Reductions8.BLOCK_KERNELS_MIN) {
      return n < BLOCK ? Reductions8.sumShort(a, ao, n)
          : n < 2 * BLOCK ? Reductions8.sumOneBlock(a, ao, n) : Reductions8.sum(a, ao, n);
    }
    if (LANES == 4) {
      // one whole block without a loop (no loop bounds to check), else Reductions4's block kernel (why: its comment)
      return n >= BLOCK && n < 2 * BLOCK ? Reductions4.sumOneBlock(a, ao, n) : Reductions4.sumBlocks(a, ao, n);
    }
    return sumBlocks(a, ao, n);
  }

  /**
   * The canonical {@code sum} as a block kernel (see the class comment), n >= 16: for 8 lanes from n = 128 before
   * JDK 25 ({@code Reductions8.BLOCK_KERNELS_MIN}); 4 lanes have their own ({@code Reductions4.sumBlocks}, why:
   * there). Its 16-lane branches are not reached (Reductions16 serves 16 lanes); they stay so that the three block
   * kernels keep one shape, and crossEntropyBlocks does use them.
   */
  private static float sumBlocks(float[] a, int ao, int n) {
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
    int bound = n - n % BLOCK;
    for (int i = 0; i < bound; i += BLOCK) {
      int p = ao + i;
      acc0 = acc0.add(FloatVector.fromArray(FLOATS, a, p));
      acc1 = acc1.add(FloatVector.fromArray(FLOATS, a, p + LANES));
      acc2 = acc2.add(FloatVector.fromArray(FLOATS, a, p + 2 * LANES));
      acc3 = acc3.add(FloatVector.fromArray(FLOATS, a, p + 3 * LANES));
      if (LANES == 8) {
        acc4 = acc4.add(FloatVector.fromArray(FLOATS, a, p + 4 * LANES));
        acc5 = acc5.add(FloatVector.fromArray(FLOATS, a, p + 5 * LANES));
        acc6 = acc6.add(FloatVector.fromArray(FLOATS, a, p + 6 * LANES));
        acc7 = acc7.add(FloatVector.fromArray(FLOATS, a, p + 7 * LANES));
      }
    }
    // the last n % 64 elements: whole 16-element chunks c = 0, 1, 2 into logical lanes [16c, 16c + 16)
    int rest = n - bound;
    if (rest >= CHUNK) {
      int p = ao + bound;
      if (LANES == 16) {
        acc0 = acc0.add(FloatVector.fromArray(FLOATS, a, p));
      } else {
        acc0 = acc0.add(FloatVector.fromArray(FLOATS, a, p));
        acc1 = acc1.add(FloatVector.fromArray(FLOATS, a, p + LANES));
      }
      if (rest >= 2 * CHUNK) {
        if (LANES == 16) {
          acc1 = acc1.add(FloatVector.fromArray(FLOATS, a, p + LANES));
        } else {
          acc2 = acc2.add(FloatVector.fromArray(FLOATS, a, p + 2 * LANES));
          acc3 = acc3.add(FloatVector.fromArray(FLOATS, a, p + 3 * LANES));
        }
        if (rest >= 3 * CHUNK) {
          if (LANES == 16) {
            acc2 = acc2.add(FloatVector.fromArray(FLOATS, a, p + 2 * LANES));
          } else {
            acc4 = acc4.add(FloatVector.fromArray(FLOATS, a, p + 4 * LANES));
            acc5 = acc5.add(FloatVector.fromArray(FLOATS, a, p + 5 * LANES));
          }
        }
      }
    }
    // the window (see the class comment): the last r = n % 16 elements, as the lanes from 16 - r on of the 16
    // elements ending at n, onto chunk c, the one a next whole chunk would fill (a masked add: the other lanes
    // keep their bits)
    int r = n & (CHUNK - 1);
    if (r != 0) {
      int w = ao + n - CHUNK;
      FloatVector w0 = FloatVector.fromArray(FLOATS, a, w);
      VectorMask<Float> m0 = VectorMask.fromArray(FLOATS, WINDOW, r);
      int c = rest >> 4;
      if (LANES == 16) {
        if (c == 0) {
          acc0 = acc0.add(w0, m0);
        } else if (c == 1) {
          acc1 = acc1.add(w0, m0);
        } else if (c == 2) {
          acc2 = acc2.add(w0, m0);
        } else {
          acc3 = acc3.add(w0, m0);
        }
      } else {
        FloatVector w1 = FloatVector.fromArray(FLOATS, a, w + LANES);
        VectorMask<Float> m1 = VectorMask.fromArray(FLOATS, WINDOW, r + LANES);
        if (c == 0) {
          acc0 = acc0.add(w0, m0);
          acc1 = acc1.add(w1, m1);
        } else if (c == 1) {
          acc2 = acc2.add(w0, m0);
          acc3 = acc3.add(w1, m1);
        } else if (c == 2) {
          acc4 = acc4.add(w0, m0);
          acc5 = acc5.add(w1, m1);
        } else {
          acc6 = acc6.add(w0, m0);
          acc7 = acc7.add(w1, m1);
        }
      }
    }
    // combine by halving (written out, see the class comment)
    if (LANES == 8) {
      acc0 = acc0.add(acc4);
      acc1 = acc1.add(acc5);
      acc2 = acc2.add(acc6);
      acc3 = acc3.add(acc7);
    }
    acc0 = acc0.add(acc2);
    acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    if (LANES == 16) {
      acc0 = acc0.add(acc0.rearrange(DOWN_8));
    }
    if (LANES >= 8) {
      acc0 = acc0.add(acc0.rearrange(DOWN_4));
    }
    return (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3)); // half = 2, then 1
  }

  /**
   * Not at 4 lanes (128 bits). There a 16-element chunk of the fused kernels is four unrolled vector blocks, and
   * C2's compilation can pass its node cutoff before the last one and box a vector per iteration (JDK 17, session
   * 12). L1, hinge and Huber {@code forwardBackward} did so even alone in a JMH fork (GradientCost 64x1024, 128-bit:
   * 106-171 us at best, against 16-31 us with the separate kernels). Squared hinge's did among other losses
   * (AllocationTest, 4.6 KB per call), and so did L2's forward and gradient in one clean-clone CI run (63 KB per
   * call), after many runs without. The separate map, {@code ...WithGradient} and {@code sum} kernels give the
   * same bits.
   */
  @Override
  public boolean fusesMapSum() {
    return CANONICAL && LANES >= 8;
  }

  @Override
  public float mapSum(PointwiseOp op, float c, float[] a, int ao, float[] b, int bo, int n, float up, float[] grad,
      int g) {
    switch (op) {
      case SQUARED_ERROR:
        return PanamaMapSum.squaredError(c, a, ao, b, bo, n, up, grad, g);
      case ABSOLUTE_ERROR:
        return PanamaMapSum.absoluteError(c, a, ao, b, bo, n, up, grad, g);
      case HUBER:
        return PanamaMapSum.huber(c, a, ao, b, bo, n, up, grad, g);
      case HINGE:
        return PanamaMapSum.hinge(c, a, ao, b, bo, n, up, grad, g);
      default:
        return PanamaMapSum.squaredHinge(c, a, ao, b, bo, n, up, grad, g);
    }
  }

  @Override
  public float tripletSum(float[] p, float[] q, float[] r, int o, int n, float[] scratch) {
    if (n < CHUNK || !CANONICAL) {
      return TAIL.tripletSum(p, q, r, o, n, scratch);
    }
    if (LANES == 16) {
      return Reductions16.tripletSum(p, q, r, o, n);
    }
    // No fused loop at 8 or 4 lanes: the terms through the buffer, then the sum. (At 8 lanes the fused chunk loop,
    // two vectors per chunk like Reductions8's, came to 360 bytes of bytecode, past C2's inlining limit of 325.)
    tripletTerm(p, o, q, o, r, o, scratch, 0, n);
    return sum(scratch, 0, n);
  }

  @Override
  public boolean fusesTripletSum() {
    return LANES == 16;
  }

  @Override
  public float dot(float[] a, int ao, float[] b, int bo, int n) {
    if (n < CHUNK || !CANONICAL) {
      return TAIL.dot(a, ao, b, bo, n);
    }
    if (LANES == 16 && n < Reductions16.BLOCK_LOOP_MIN) {
      return n < BLOCK ? Reductions16.dotShort(a, ao, b, bo, n) : Reductions16.dot(a, ao, b, bo, n);
    }
    if (LANES == 16) {
      return Reductions16.dotLong(a, ao, b, bo, n); // before JDK 25, n >= 512, as sum
    }
    if (LANES == 8 && n < Reductions8.BLOCK_KERNELS_MIN) {
      return n < BLOCK ? Reductions8.dotShort(a, ao, b, bo, n)
          : n < 2 * BLOCK ? Reductions8.dotOneBlock(a, ao, b, bo, n) : Reductions8.dot(a, ao, b, bo, n);
    }
    if (LANES == 8 && n < Reductions8.UNCOUNTED_DOT_MAX) {
      return Reductions8.dotBlocks(a, ao, b, bo, n); // before JDK 25, 128 <= n < 896: UNCOUNTED_DOT_MAX says why
    }
    if (LANES == 4 && (Reductions4.UNCOUNTED_BLOCK_LOOPS || n < Reductions4.UNCOUNTED_DOT_MAX)) {
      return n < BLOCK ? Reductions4.dotShort(a, ao, b, bo, n)
          : n < 2 * BLOCK ? Reductions4.dotOneBlock(a, ao, b, bo, n) : Reductions4.dotBlocks(a, ao, b, bo, n);
    }
    if (LANES == 4) {
      return Reductions4.dotBlocksCounted(a, ao, b, bo, n); // before JDK 25, from UNCOUNTED_DOT_MAX on
    }
    return dotBlocks(a, ao, b, bo, n);
  }

  /**
   * The canonical {@code dot} as a block kernel (see the class comment), n >= 16, taken before JDK 25 only: for 8
   * lanes from n = 896 ({@code Reductions8.UNCOUNTED_DOT_MAX}; from 128 to there {@code Reductions8.dotBlocks}, the
   * same kernel with a loop C2 does not count); 4 lanes have their own ({@code Reductions4.dotBlocks}). Its 16-lane
   * branches are not reached since session 25 ({@code Reductions16.dotLong} serves 16 lanes from n = 512 before JDK
   * 25); they stay so that the three block kernels keep one shape.
   *
   * <p>At 8 lanes on JDK 17 its C2 compilation sits at the edge of C2's node budget for inlining
   * ({@code NodeCountInliningCutoff}): in {@code AllocationTest} (256 bits) a few added bytes of bytecode, even
   * branches C2 folds away, left the fold's last {@code lane()} call not inlined, and the vector was boxed on every
   * call (512 bytes per call; session 19, {@code -XX:+PrintInlining}). Change it only with that execution run.
   */
  private static float dotBlocks(float[] a, int ao, float[] b, int bo, int n) {
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
    int bound = n - n % BLOCK;
    for (int i = 0; i < bound; i += BLOCK) {
      int p = ao + i;
      int q = bo + i;
      acc0 = FloatVector.fromArray(FLOATS, a, p).fma(FloatVector.fromArray(FLOATS, b, q), acc0);
      acc1 = FloatVector.fromArray(FLOATS, a, p + LANES).fma(FloatVector.fromArray(FLOATS, b, q + LANES), acc1);
      acc2 = FloatVector.fromArray(FLOATS, a, p + 2 * LANES)
          .fma(FloatVector.fromArray(FLOATS, b, q + 2 * LANES), acc2);
      acc3 = FloatVector.fromArray(FLOATS, a, p + 3 * LANES)
          .fma(FloatVector.fromArray(FLOATS, b, q + 3 * LANES), acc3);
      if (LANES == 8) {
        acc4 = FloatVector.fromArray(FLOATS, a, p + 4 * LANES)
            .fma(FloatVector.fromArray(FLOATS, b, q + 4 * LANES), acc4);
        acc5 = FloatVector.fromArray(FLOATS, a, p + 5 * LANES)
            .fma(FloatVector.fromArray(FLOATS, b, q + 5 * LANES), acc5);
        acc6 = FloatVector.fromArray(FLOATS, a, p + 6 * LANES)
            .fma(FloatVector.fromArray(FLOATS, b, q + 6 * LANES), acc6);
        acc7 = FloatVector.fromArray(FLOATS, a, p + 7 * LANES)
            .fma(FloatVector.fromArray(FLOATS, b, q + 7 * LANES), acc7);
      }
    }
    // the last n % 64 elements: whole 16-element chunks c = 0, 1, 2 into logical lanes [16c, 16c + 16)
    int rest = n - bound;
    if (rest >= CHUNK) {
      int p = ao + bound;
      int q = bo + bound;
      if (LANES == 16) {
        acc0 = FloatVector.fromArray(FLOATS, a, p).fma(FloatVector.fromArray(FLOATS, b, q), acc0);
      } else {
        acc0 = FloatVector.fromArray(FLOATS, a, p).fma(FloatVector.fromArray(FLOATS, b, q), acc0);
        acc1 = FloatVector.fromArray(FLOATS, a, p + LANES).fma(FloatVector.fromArray(FLOATS, b, q + LANES), acc1);
      }
      if (rest >= 2 * CHUNK) {
        if (LANES == 16) {
          acc1 = FloatVector.fromArray(FLOATS, a, p + LANES).fma(FloatVector.fromArray(FLOATS, b, q + LANES), acc1);
        } else {
          acc2 = FloatVector.fromArray(FLOATS, a, p + 2 * LANES)
              .fma(FloatVector.fromArray(FLOATS, b, q + 2 * LANES), acc2);
          acc3 = FloatVector.fromArray(FLOATS, a, p + 3 * LANES)
              .fma(FloatVector.fromArray(FLOATS, b, q + 3 * LANES), acc3);
        }
        if (rest >= 3 * CHUNK) {
          if (LANES == 16) {
            acc2 = FloatVector.fromArray(FLOATS, a, p + 2 * LANES)
                .fma(FloatVector.fromArray(FLOATS, b, q + 2 * LANES), acc2);
          } else {
            acc4 = FloatVector.fromArray(FLOATS, a, p + 4 * LANES)
                .fma(FloatVector.fromArray(FLOATS, b, q + 4 * LANES), acc4);
            acc5 = FloatVector.fromArray(FLOATS, a, p + 5 * LANES)
                .fma(FloatVector.fromArray(FLOATS, b, q + 5 * LANES), acc5);
          }
        }
      }
    }
    // the window (see the class comment): the last r = n % 16 elements, as the lanes from 16 - r on of the 16
    // elements ending at n, onto chunk c, the one a next whole chunk would fill (a masked add: the other lanes
    // keep their bits)
    int r = n & (CHUNK - 1);
    if (r != 0) {
      int w = n - CHUNK;
      FloatVector a0 = FloatVector.fromArray(FLOATS, a, ao + w);
      FloatVector b0 = FloatVector.fromArray(FLOATS, b, bo + w);
      VectorMask<Float> m0 = VectorMask.fromArray(FLOATS, WINDOW, r);
      int c = rest >> 4;
      if (LANES == 16) {
        if (c == 0) {
          acc0 = acc0.blend(a0.fma(b0, acc0), m0);
        } else if (c == 1) {
          acc1 = acc1.blend(a0.fma(b0, acc1), m0);
        } else if (c == 2) {
          acc2 = acc2.blend(a0.fma(b0, acc2), m0);
        } else {
          acc3 = acc3.blend(a0.fma(b0, acc3), m0);
        }
      } else {
        FloatVector a1 = FloatVector.fromArray(FLOATS, a, ao + w + LANES);
        FloatVector b1 = FloatVector.fromArray(FLOATS, b, bo + w + LANES);
        VectorMask<Float> m1 = VectorMask.fromArray(FLOATS, WINDOW, r + LANES);
        if (c == 0) {
          acc0 = acc0.blend(a0.fma(b0, acc0), m0);
          acc1 = acc1.blend(a1.fma(b1, acc1), m1);
        } else if (c == 1) {
          acc2 = acc2.blend(a0.fma(b0, acc2), m0);
          acc3 = acc3.blend(a1.fma(b1, acc3), m1);
        } else if (c == 2) {
          acc4 = acc4.blend(a0.fma(b0, acc4), m0);
          acc5 = acc5.blend(a1.fma(b1, acc5), m1);
        } else {
          acc6 = acc6.blend(a0.fma(b0, acc6), m0);
          acc7 = acc7.blend(a1.fma(b1, acc7), m1);
        }
      }
    }
    // combine by halving (written out, see the class comment)
    if (LANES == 8) {
      acc0 = acc0.add(acc4);
      acc1 = acc1.add(acc5);
      acc2 = acc2.add(acc6);
      acc3 = acc3.add(acc7);
    }
    acc0 = acc0.add(acc2);
    acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    if (LANES == 16) {
      acc0 = acc0.add(acc0.rearrange(DOWN_8));
    }
    if (LANES >= 8) {
      acc0 = acc0.add(acc0.rearrange(DOWN_4));
    }
    return (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3)); // half = 2, then 1
  }

  @Override
  public float max(float[] a, int ao, int n) {
    return maxOf(a, ao, n);
  }

  @Override
  public float logSumExp(float[] a, int ao, int n, float shift) {
    return ScalarMath.log(expSum(a, ao, n, shift, null, 0));
  }

  @Override
  public float expSum(float[] a, int ao, int n, float shift, float[] dst, int d) {
    if (n < CHUNK || !CANONICAL) {
      // A row shorter than 16 stays scalar. Measured on JDK 17 at 512 bits, one 10-class row (max, expSum, log),
      // ns per row in one JMH run: scalar 87; one vector built lane by lane (withLane) 117-120; the row copied
      // into a padded 16-float buffer then loaded as a vector 110-135 (the wide load after the copy's narrow
      // stores stalls); a masked fromArray past the end of a 10-float array 45 ns for the load alone on JDK 17
      // (5.7 on JDK 25). A probe, not kept: the numbers are in the session-4 note.
      return TAIL.expSum(a, ao, n, shift, dst, d);
    }
    // dst == null (the loss alone) or not (the softmax numerators kept for a gradient): the branch is loop
    // invariant, so C2 unswitches the loop and the loss pays nothing for it.
    // One exp call site: each further inlined exp costs C2 ~6,700 IR nodes of its inlining budget; a third call
    // site was not inlined and boxed its vectors (4x slower, softmax CE 256x1000 went from 145 to 630 us per
    // call). So this loop takes one vector per iteration, not one 64-element block, and rotates the 64/LANES
    // accumulators instead: acc0 always receives the next vector, and after 64/LANES iterations (one block)
    // every accumulator is back in its place, holding logical lanes [k*LANES, (k+1)*LANES) as in sum().
    // The rotation costs register moves only, hidden behind exp's latency.
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
    FloatVector acc8 = acc0, acc9 = acc0, acc10 = acc0, acc11 = acc0, acc12 = acc0, acc13 = acc0, acc14 = acc0;
    FloatVector acc15 = acc0;
    // Whole 16-element chunks up to bound, the last ones into logical lanes [0, 16), [16, 32), ...; then, if n % 16
    // is not 0, the window as 16 / LANES more iterations of the same loop (one exp call site): iteration i >= bound
    // loads the vector at p = i - (16 - n % 16), whose lanes below bound - p hold elements already counted, and adds
    // only the others (a masked add: the lanes left out keep the accumulator's bits; offset 16 of WINDOW selects
    // every lane, offset 16 - (bound - p) those from bound - p on). Those lanes' exps are the same
    // bits as before, so dst gets them again.
    int bound = n - n % CHUNK;
    int end = bound == n ? n : bound + CHUNK;
    for (int i = 0; i < end; i += LANES) {
      int p = i < bound ? i : i - (bound + CHUNK - n);
      FloatVector e = VectorMath.exp(FloatVector.fromArray(FLOATS, a, ao + p).sub(shift));
      if (dst != null) {
        e.intoArray(dst, d + p);
      }
      FloatVector next = acc0.add(e, VectorMask.fromArray(FLOATS, WINDOW, CHUNK - Math.min(i, bound) + p));
      acc0 = acc1;
      acc1 = acc2;
      acc2 = acc3;
      if (LANES == 16) {
        acc3 = next;
      } else {
        acc3 = acc4;
        acc4 = acc5;
        acc5 = acc6;
        acc6 = acc7;
        if (LANES == 8) {
          acc7 = next;
        } else {
          acc7 = acc8;
          acc8 = acc9;
          acc9 = acc10;
          acc10 = acc11;
          acc11 = acc12;
          acc12 = acc13;
          acc13 = acc14;
          acc14 = acc15;
          acc15 = next;
        }
      }
    }
    // After a partial block the accumulators are rotated by a whole number of vectors: accumulator k holds logical
    // lanes [((k + r) % m) * LANES, ...) for some r, m = 64 / LANES. No need to rotate them back: the halving
    // fold below is invariant under any rotation. Its first step adds accumulators k and k + m/2, and a rotation
    // maps these pairs onto themselves (each pair's sum is the same by commutativity); the m/2 sums are then
    // rotated among themselves, and so on down to two, whose sum is again commutative. Same bits, and it
    // saves a loop that cost C2 dearly: logSumExp at n = 992 (2 rotations owed) took 1,246 ns against 453 ns at
    // n = 960 and 606 at n = 1024 (java -jar jmh/target/benchmarks.jar 'ReproducibilityCost.logSumExp_canonical'
    // -p n=960,992,1000,1024 -wi 3 -w 1 -i 3 -r 500ms -f 1, JDK 17, 512-bit).
    // combine by halving (written out, see the class comment)
    if (LANES == 4) {
      acc0 = acc0.add(acc8);
      acc1 = acc1.add(acc9);
      acc2 = acc2.add(acc10);
      acc3 = acc3.add(acc11);
      acc4 = acc4.add(acc12);
      acc5 = acc5.add(acc13);
      acc6 = acc6.add(acc14);
      acc7 = acc7.add(acc15);
    }
    if (LANES <= 8) {
      acc0 = acc0.add(acc4);
      acc1 = acc1.add(acc5);
      acc2 = acc2.add(acc6);
      acc3 = acc3.add(acc7);
    }
    acc0 = acc0.add(acc2);
    acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    if (LANES == 16) {
      acc0 = acc0.add(acc0.rearrange(DOWN_8));
    }
    if (LANES >= 8) {
      acc0 = acc0.add(acc0.rearrange(DOWN_4));
    }
    return (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3)); // half = 2, then 1
  }

  @Override
  public float crossEntropy(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    if (n < CHUNK || !CANONICAL) {
      return TAIL.crossEntropy(label, lo, pred, po, shift, logSum, n);
    }
    if (LANES == 16 && n < Reductions16.CROSS_ENTROPY_BLOCKS_MIN) {
      return n < BLOCK ? Reductions16.crossEntropyShort(label, lo, pred, po, shift, logSum, n)
          : Reductions16.crossEntropy(label, lo, pred, po, shift, logSum, n);
    }
    if (LANES == 8 && n < BLOCK) {
      return Reductions8.crossEntropyShort(label, lo, pred, po, shift, logSum, n);
    }
    if (LANES == 8 && n < 2 * BLOCK) {
      return Reductions8.crossEntropyOneBlock(label, lo, pred, po, shift, logSum, n);
    }
    if (LANES == 8 && n < Reductions8.BLOCK_KERNELS_MIN) {
      return Reductions8.crossEntropy(label, lo, pred, po, shift, logSum, n);
    }
    if (LANES == 4) {
      return n >= BLOCK && n < 2 * BLOCK ? Reductions4.crossEntropyOneBlock(label, lo, pred, po, shift, logSum, n)
          : Reductions4.crossEntropyBlocks(label, lo, pred, po, shift, logSum, n);
    }
    return crossEntropyBlocks(label, lo, pred, po, shift, logSum, n);
  }

  /**
   * The canonical {@code crossEntropy} as a block kernel (see the class comment), n >= 16: for 16 lanes from
   * n = 512 before JDK 25 and 2048 on JDK 25, for 8 lanes from n = 128 before JDK 25 (4 lanes: {@code
   * Reductions4.crossEntropyBlocks}).
   */
  private static float crossEntropyBlocks(float[] label, int lo, float[] pred, int po, float shift, float logSum,
      int n) {
    // per element label * ((shift - pred) + logSum), the scalar kernel's operations exactly
    FloatVector shiftV = FloatVector.broadcast(FLOATS, shift);
    FloatVector logSumV = FloatVector.broadcast(FLOATS, logSum);
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
    int bound = n - n % BLOCK;
    for (int i = 0; i < bound; i += BLOCK) {
      int p = lo + i;
      int q = po + i;
      acc0 = acc0.add(FloatVector.fromArray(FLOATS, label, p)
          .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q)).add(logSumV)));
      acc1 = acc1.add(FloatVector.fromArray(FLOATS, label, p + LANES)
          .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + LANES)).add(logSumV)));
      acc2 = acc2.add(FloatVector.fromArray(FLOATS, label, p + 2 * LANES)
          .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + 2 * LANES)).add(logSumV)));
      acc3 = acc3.add(FloatVector.fromArray(FLOATS, label, p + 3 * LANES)
          .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + 3 * LANES)).add(logSumV)));
      if (LANES == 8) {
        acc4 = acc4.add(FloatVector.fromArray(FLOATS, label, p + 4 * LANES)
            .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + 4 * LANES)).add(logSumV)));
        acc5 = acc5.add(FloatVector.fromArray(FLOATS, label, p + 5 * LANES)
            .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + 5 * LANES)).add(logSumV)));
        acc6 = acc6.add(FloatVector.fromArray(FLOATS, label, p + 6 * LANES)
            .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + 6 * LANES)).add(logSumV)));
        acc7 = acc7.add(FloatVector.fromArray(FLOATS, label, p + 7 * LANES)
            .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + 7 * LANES)).add(logSumV)));
      }
    }
    // the last n % 64 elements: whole 16-element chunks c = 0, 1, 2 into logical lanes [16c, 16c + 16)
    int rest = n - bound;
    if (rest >= CHUNK) {
      int p = lo + bound;
      int q = po + bound;
      if (LANES == 16) {
        acc0 = acc0.add(FloatVector.fromArray(FLOATS, label, p).mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q)).add(logSumV)));
      } else {
        acc0 = acc0.add(FloatVector.fromArray(FLOATS, label, p).mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q)).add(logSumV)));
        acc1 = acc1.add(FloatVector.fromArray(FLOATS, label, p + LANES)
            .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + LANES)).add(logSumV)));
      }
      if (rest >= 2 * CHUNK) {
        if (LANES == 16) {
          acc1 = acc1.add(FloatVector.fromArray(FLOATS, label, p + LANES)
              .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + LANES)).add(logSumV)));
        } else {
          acc2 = acc2.add(FloatVector.fromArray(FLOATS, label, p + 2 * LANES)
              .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + 2 * LANES)).add(logSumV)));
          acc3 = acc3.add(FloatVector.fromArray(FLOATS, label, p + 3 * LANES)
              .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + 3 * LANES)).add(logSumV)));
        }
        if (rest >= 3 * CHUNK) {
          if (LANES == 16) {
            acc2 = acc2.add(FloatVector.fromArray(FLOATS, label, p + 2 * LANES)
                .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + 2 * LANES)).add(logSumV)));
          } else {
            acc4 = acc4.add(FloatVector.fromArray(FLOATS, label, p + 4 * LANES)
                .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + 4 * LANES)).add(logSumV)));
            acc5 = acc5.add(FloatVector.fromArray(FLOATS, label, p + 5 * LANES)
                .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, q + 5 * LANES)).add(logSumV)));
          }
        }
      }
    }
    // the window (see the class comment): the last r = n % 16 elements, as the lanes from 16 - r on of the 16
    // elements ending at n, onto chunk c, the one a next whole chunk would fill (a masked add: the other lanes
    // keep their bits)
    int r = n & (CHUNK - 1);
    if (r != 0) {
      int w = n - CHUNK;
      FloatVector w0 = FloatVector.fromArray(FLOATS, label, lo + w)
          .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, po + w)).add(logSumV));
      VectorMask<Float> m0 = VectorMask.fromArray(FLOATS, WINDOW, r);
      int c = rest >> 4;
      if (LANES == 16) {
        if (c == 0) {
          acc0 = acc0.add(w0, m0);
        } else if (c == 1) {
          acc1 = acc1.add(w0, m0);
        } else if (c == 2) {
          acc2 = acc2.add(w0, m0);
        } else {
          acc3 = acc3.add(w0, m0);
        }
      } else {
        FloatVector w1 = FloatVector.fromArray(FLOATS, label, lo + w + LANES)
            .mul(shiftV.sub(FloatVector.fromArray(FLOATS, pred, po + w + LANES)).add(logSumV));
        VectorMask<Float> m1 = VectorMask.fromArray(FLOATS, WINDOW, r + LANES);
        if (c == 0) {
          acc0 = acc0.add(w0, m0);
          acc1 = acc1.add(w1, m1);
        } else if (c == 1) {
          acc2 = acc2.add(w0, m0);
          acc3 = acc3.add(w1, m1);
        } else if (c == 2) {
          acc4 = acc4.add(w0, m0);
          acc5 = acc5.add(w1, m1);
        } else {
          acc6 = acc6.add(w0, m0);
          acc7 = acc7.add(w1, m1);
        }
      }
    }
    // combine by halving (written out, see the class comment)
    if (LANES == 8) {
      acc0 = acc0.add(acc4);
      acc1 = acc1.add(acc5);
      acc2 = acc2.add(acc6);
      acc3 = acc3.add(acc7);
    }
    acc0 = acc0.add(acc2);
    acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    if (LANES == 16) {
      acc0 = acc0.add(acc0.rearrange(DOWN_8));
    }
    if (LANES >= 8) {
      acc0 = acc0.add(acc0.rearrange(DOWN_4));
    }
    return (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3)); // half = 2, then 1
  }

  /** The maximum of a[ao .. ao+n), NaN if any element is NaN; -inf for n == 0. */
  private static float maxOf(float[] a, int ao, int n) {
    if (n < LANES || !CANONICAL) {
      return TAIL.max(a, ao, n);
    }
    FloatVector acc0 = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
    FloatVector acc1 = acc0;
    int i = 0;
    for (int bound = n - n % (2 * LANES); i < bound; i += 2 * LANES) {
      acc0 = acc0.max(FloatVector.fromArray(FLOATS, a, ao + i));
      acc1 = acc1.max(FloatVector.fromArray(FLOATS, a, ao + i + LANES));
    }
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      acc0 = acc0.max(FloatVector.fromArray(FLOATS, a, ao + i));
    }
    // MAX is exact and its result does not depend on the order (Math.max semantics: NaN wins, +0 > -0). Folded
    // with the sum's shuffles, not reduceLanes(MAX): on JDK 17 at 512 bits C2 does not intrinsify that reduction
    // and its Java fallback took 38% of a 1x10 softmax cross-entropy call (async-profiler, itimer).
    acc0 = acc0.max(acc1);
    if (LANES == 16) {
      acc0 = acc0.max(acc0.rearrange(DOWN_8));
    }
    if (LANES >= 8) {
      acc0 = acc0.max(acc0.rearrange(DOWN_4));
    }
    float m = Math.max(Math.max(acc0.lane(0), acc0.lane(1)), Math.max(acc0.lane(2), acc0.lane(3)));
    for (; i < n; i++) {
      m = Math.max(m, a[ao + i]);
    }
    return m;
  }

  // ---- strided class axis: lanes run across positions ---------------------------------------------------

  @Override
  public void logSumExpStrided(float[] a, int ao, int classes, int stride, float[] shifts, float[] logSums, int d,
      int n) {
    int j = 0;
    for (int bound = FLOATS.loopBound(n); j < bound; j += LANES) {
      FloatVector max = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
      for (int c = 0; c < classes; c++) {
        max = max.max(FloatVector.fromArray(FLOATS, a, ao + c * stride + j));
      }
      // finiteOrZero per lane: an infinite maximum shifts by 0 (see ScalarLossKernels.finiteOrZero)
      VectorMask<Float> infinite = max.abs().compare(VectorOperators.EQ, Float.POSITIVE_INFINITY);
      FloatVector shift = max.blend(0f, infinite);
      FloatVector s = FloatVector.zero(FLOATS);
      for (int c = 0; c < classes; c++) {
        s = s.add(VectorMath.exp(FloatVector.fromArray(FLOATS, a, ao + c * stride + j).sub(shift)));
      }
      shift.intoArray(shifts, d + j);
      VectorMath.log(s).intoArray(logSums, d + j);
    }
    TAIL.logSumExpStrided(a, ao + j, classes, stride, shifts, logSums, d + j, n - j);
  }

  /**
   * Two vectors of positions per iteration, then the scalar tail (fewer than two vectors of positions). Why this
   * shape (session 14, `-XX:+LogCompilation` and {@code AllocationTest}):
   * <ul>
   *   <li>one vector per iteration (about 230 bytes), C2 inlined it into {@code SoftmaxCrossEntropyLoss}'s
   *       transposed rows, whose compile could come before this method had been profiled; the exp call site then
   *       had no count, C2 judged it cold ("too big", count -1) and called exp, boxing its vectors (32x10
   *       forwardBackward: 1.3 to 17 us per call from one iteration to the next);
   *   <li>written out for two vectors, it is more than {@code FreqInlineSize} (325 bytes; {@code InlineBudgetTest}
   *       checks it), so a compilation of its own, with its own profile; the two chains of exps also overlap;
   *   <li>a one-vector loop after it (a third exp) took C2 past its inlining node cutoff, and that exp was called,
   *       boxing (48x10: 1,920 bytes per call on both JDKs), so the rest goes to the scalar tail.
   * </ul>
   */
  @Override
  public void expSumStrided(float[] a, int ao, int classes, int stride, float[] shifts, float[] sums, int d,
      float[] e, int n) {
    int j = 0;
    for (int bound = FLOATS.loopBound(n) - LANES; j < bound; j += 2 * LANES) {
      int k = j + LANES;
      FloatVector max = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
      FloatVector max2 = max;
      for (int c = 0; c < classes; c++) {
        max = max.max(FloatVector.fromArray(FLOATS, a, ao + c * stride + j));
        max2 = max2.max(FloatVector.fromArray(FLOATS, a, ao + c * stride + k));
      }
      // finiteOrZero per lane, as in logSumExpStrided
      FloatVector shift = max.blend(0f, max.abs().compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
      FloatVector shift2 = max2.blend(0f, max2.abs().compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
      FloatVector s = FloatVector.zero(FLOATS);
      FloatVector s2 = s;
      for (int c = 0; c < classes; c++) {
        int i = ao + c * stride + j;
        FloatVector x = VectorMath.exp(FloatVector.fromArray(FLOATS, a, i).sub(shift));
        FloatVector x2 = VectorMath.exp(FloatVector.fromArray(FLOATS, a, i + LANES).sub(shift2));
        x.intoArray(e, i);
        x2.intoArray(e, i + LANES);
        s = s.add(x);
        s2 = s2.add(x2);
      }
      shift.intoArray(shifts, d + j);
      shift2.intoArray(shifts, d + k);
      s.intoArray(sums, d + j);
      s2.intoArray(sums, d + k);
    }
    TAIL.expSumStrided(a, ao + j, classes, stride, shifts, sums, d + j, e, n - j);
  }

  @Override
  public void crossEntropyStrided(float[] label, int lo, float[] pred, int po, int classes, int stride,
      float[] shifts, float[] logSums, int so, float[] dst, int d, int n) {
    int j = 0;
    for (int bound = FLOATS.loopBound(n); j < bound; j += LANES) {
      FloatVector shift = FloatVector.fromArray(FLOATS, shifts, so + j);
      FloatVector logSum = FloatVector.fromArray(FLOATS, logSums, so + j);
      FloatVector s = FloatVector.zero(FLOATS);
      for (int c = 0; c < classes; c++) {
        FloatVector negLogp = shift.sub(FloatVector.fromArray(FLOATS, pred, po + c * stride + j)).add(logSum);
        s = s.add(FloatVector.fromArray(FLOATS, label, lo + c * stride + j).mul(negLogp));
      }
      s.intoArray(dst, d + j);
    }
    TAIL.crossEntropyStrided(label, lo + j, pred, po + j, classes, stride, shifts, logSums, so + j, dst, d + j,
        n - j);
  }

  // ---- gradients (the per-lane operations are ScalarLossKernels' exactly) -------------------------------

  @Override
  public void squaredErrorWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst,
      int d, float[] grad, int g, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector diff = FloatVector.fromArray(FLOATS, a, ao + i).sub(FloatVector.fromArray(FLOATS, b, bo + i));
      diff.mul(diff).intoArray(dst, d + i);
      FloatVector u = FloatVector.fromArray(FLOATS, up, uo + i);
      u.add(u).mul(diff).intoArray(grad, g + i);
    }
    TAIL.squaredErrorWithGradient(a, ao + i, b, bo + i, up, uo + i, dst, d + i, grad, g + i, n - i);
  }

  @Override
  public void absoluteErrorWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst,
      int d, float[] grad, int g, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector diff = FloatVector.fromArray(FLOATS, a, ao + i).sub(FloatVector.fromArray(FLOATS, b, bo + i));
      diff.abs().intoArray(dst, d + i);
      FloatVector.fromArray(FLOATS, up, uo + i).mul(sign(diff)).intoArray(grad, g + i);
    }
    TAIL.absoluteErrorWithGradient(a, ao + i, b, bo + i, up, uo + i, dst, d + i, grad, g + i, n - i);
  }

  @Override
  public void huberWithGradient(float rho, float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst,
      int d, float[] grad, int g, int n) {
    float halfRho = 0.5f * rho;
    float halfInvRho = 0.5f / rho;
    float invRho = 2f * halfInvRho;
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector diff = FloatVector.fromArray(FLOATS, a, ao + i).sub(FloatVector.fromArray(FLOATS, b, bo + i));
      FloatVector abs = diff.abs();
      VectorMask<Float> linear = abs.compare(VectorOperators.GT, rho);
      abs.mul(halfInvRho).mul(abs).blend(abs.sub(halfRho), linear).intoArray(dst, d + i);
      // |diff| > rho >= 0 in the linear lanes (HuberLoss takes rho >= Float.MIN_NORMAL), so sign(diff) is +-1
      FloatVector slope = diff.mul(invRho).blend(unitWithSignOf(diff), linear);
      FloatVector.fromArray(FLOATS, up, uo + i).mul(slope).intoArray(grad, g + i);
    }
    TAIL.huberWithGradient(rho, a, ao + i, b, bo + i, up, uo + i, dst, d + i, grad, g + i, n - i);
  }

  @Override
  public void hingeWithGradient(float margin, float[] a, int ao, float[] b, int bo, float[] up, int uo,
      float[] dst, int d, float[] grad, int g, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector z = FloatVector.fromArray(FLOATS, b, bo + i);
      FloatVector h = FloatVector.fromArray(FLOATS, a, ao + i).mul(z).neg().add(margin);
      FloatVector r = relu(h);
      r.intoArray(dst, d + i);
      reluGate(h, r, FloatVector.fromArray(FLOATS, up, uo + i).mul(z.neg())).intoArray(grad, g + i);
    }
    TAIL.hingeWithGradient(margin, a, ao + i, b, bo + i, up, uo + i, dst, d + i, grad, g + i, n - i);
  }

  @Override
  public void squaredHingeWithGradient(float margin, float[] a, int ao, float[] b, int bo, float[] up, int uo,
      float[] dst, int d, float[] grad, int g, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector z = FloatVector.fromArray(FLOATS, b, bo + i);
      FloatVector h = relu(FloatVector.fromArray(FLOATS, a, ao + i).mul(z).neg().add(margin));
      h.mul(h).intoArray(dst, d + i);
      FloatVector.fromArray(FLOATS, up, uo + i).mul(h.add(h).mul(z).neg()).intoArray(grad, g + i);
    }
    TAIL.squaredHingeWithGradient(margin, a, ao + i, b, bo + i, up, uo + i, dst, d + i, grad, g + i, n - i);
  }

  @Override
  public void logisticWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst, int d,
      float[] grad, int g, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector z = FloatVector.fromArray(FLOATS, b, bo + i);
      FloatVector t = FloatVector.fromArray(FLOATS, a, ao + i).mul(z).neg();
      FloatVector e = VectorMath.exp(t.abs().neg());
      relu(t).add(VectorMath.log1pUnit(e)).intoArray(dst, d + i); // softplus(t), bit for bit
      FloatVector.fromArray(FLOATS, up, uo + i).mul(sigmoid(t, e).mul(z).neg()).intoArray(grad, g + i);
    }
    TAIL.logisticWithGradient(a, ao + i, b, bo + i, up, uo + i, dst, d + i, grad, g + i, n - i);
  }

  @Override
  public void sigmoidBceWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo, float[] dst, int d,
      float[] grad, int g, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(FLOATS, a, ao + i);
      FloatVector z = FloatVector.fromArray(FLOATS, b, bo + i);
      FloatVector e = VectorMath.exp(x.abs().neg());
      relu(x).add(VectorMath.log1pUnit(e)).sub(x.mul(z)).intoArray(dst, d + i);
      FloatVector.fromArray(FLOATS, up, uo + i).mul(sigmoid(x, e).sub(z)).intoArray(grad, g + i);
    }
    TAIL.sigmoidBceWithGradient(a, ao + i, b, bo + i, up, uo + i, dst, d + i, grad, g + i, n - i);
  }

  @Override
  public void sigmoidBceFromProbabilityWithGradient(float[] a, int ao, float[] b, int bo, float[] up, int uo,
      float[] dst, int d, float[] grad, int g, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector p = FloatVector.fromArray(FLOATS, a, ao + i);
      FloatVector z = FloatVector.fromArray(FLOATS, b, bo + i);
      FloatVector pe = p.add(EPSILON);
      FloatVector qe = p.neg().add(1f).add(EPSILON);
      FloatVector notZ = z.neg().add(1f);
      VectorMath.log(pe).mul(z).add(VectorMath.log(qe).mul(notZ)).neg().intoArray(dst, d + i);
      FloatVector.fromArray(FLOATS, up, uo + i).mul(notZ.div(qe).sub(z.div(pe))).intoArray(grad, g + i);
    }
    TAIL.sigmoidBceFromProbabilityWithGradient(a, ao + i, b, bo + i, up, uo + i, dst, d + i, grad, g + i, n - i);
  }

  @Override
  public void klDivergenceWithGradient(float[] label, int lo, float[] pred, int po, float[] up, int uo,
      float[] dst, int d, float[] grad, int g, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector z = FloatVector.fromArray(FLOATS, label, lo + i);
      FloatVector x = FloatVector.fromArray(FLOATS, pred, po + i);
      z.mul(VectorMath.log(z.add(EPSILON)).sub(x)).intoArray(dst, d + i);
      FloatVector.fromArray(FLOATS, up, uo + i).mul(z).neg().intoArray(grad, g + i);
    }
    TAIL.klDivergenceWithGradient(label, lo + i, pred, po + i, up, uo + i, dst, d + i, grad, g + i, n - i);
  }

  @Override
  public void klDivergenceSoftmaxWithGradient(float[] label, int lo, float[] pred, int po, float shift,
      float logSum, float scale, float[] up, int uo, float[] dst, int d, float[] grad, int g, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector z = FloatVector.fromArray(FLOATS, label, lo + i);
      FloatVector y = FloatVector.fromArray(FLOATS, pred, po + i).sub(shift).sub(logSum);
      z.mul(VectorMath.log(z.add(EPSILON)).sub(y)).intoArray(dst, d + i);
      FloatVector.fromArray(FLOATS, grad, g + i).mul(scale).sub(FloatVector.fromArray(FLOATS, up, uo + i).mul(z))
          .intoArray(grad, g + i);
    }
    TAIL.klDivergenceSoftmaxWithGradient(label, lo + i, pred, po + i, shift, logSum, scale, up, uo + i, dst, d + i,
        grad, g + i, n - i);
  }

  @Override
  public void klDivergenceSoftmaxShiftedWithGradient(float[] label, int lo, float[] pred, int po, float[] shift,
      float[] logSum, int so, float[] mass, int mo, float[] up, int uo, float[] dst, int d, float[] grad, int g,
      int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector z = FloatVector.fromArray(FLOATS, label, lo + i);
      FloatVector y = FloatVector.fromArray(FLOATS, pred, po + i).sub(FloatVector.fromArray(FLOATS, shift, so + i))
          .sub(FloatVector.fromArray(FLOATS, logSum, so + i));
      z.mul(VectorMath.log(z.add(EPSILON)).sub(y)).intoArray(dst, d + i);
      VectorMath.exp(y).mul(FloatVector.fromArray(FLOATS, mass, mo + i))
          .sub(FloatVector.fromArray(FLOATS, up, uo + i).mul(z)).intoArray(grad, g + i);
    }
    TAIL.klDivergenceSoftmaxShiftedWithGradient(label, lo + i, pred, po + i, shift, logSum, so + i, mass, mo + i,
        up, uo + i, dst, d + i, grad, g + i, n - i);
  }

  @Override
  public void softmaxGradient(float[] x, int xo, float shift, float logSum, float scale, float[] label, int lo,
      float labelScale, float[] grad, int g, int n) {
    int i = 0;
    if (label == null) {
      for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
        VectorMath.exp(FloatVector.fromArray(FLOATS, x, xo + i).sub(shift).sub(logSum)).mul(scale)
            .intoArray(grad, g + i);
      }
    } else {
      for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
        VectorMath.exp(FloatVector.fromArray(FLOATS, x, xo + i).sub(shift).sub(logSum)).mul(scale)
            .sub(FloatVector.fromArray(FLOATS, label, lo + i).mul(labelScale)).intoArray(grad, g + i);
      }
    }
    TAIL.softmaxGradient(x, xo + i, shift, logSum, scale, label, lo + i, labelScale, grad, g + i, n - i);
  }

  @Override
  public void softmaxGradientShifted(float[] x, int xo, float[] shift, float[] logSum, int so, float[] scale,
      int co, float[] label, int lo, float[] labelScale, int lso, float[] grad, int g, int n) {
    int i = 0;
    if (label == null) {
      for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
        FloatVector y = FloatVector.fromArray(FLOATS, x, xo + i).sub(FloatVector.fromArray(FLOATS, shift, so + i))
            .sub(FloatVector.fromArray(FLOATS, logSum, so + i));
        VectorMath.exp(y).mul(FloatVector.fromArray(FLOATS, scale, co + i)).intoArray(grad, g + i);
      }
    } else {
      for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
        FloatVector y = FloatVector.fromArray(FLOATS, x, xo + i).sub(FloatVector.fromArray(FLOATS, shift, so + i))
            .sub(FloatVector.fromArray(FLOATS, logSum, so + i));
        FloatVector labelTerm = FloatVector.fromArray(FLOATS, label, lo + i)
            .mul(FloatVector.fromArray(FLOATS, labelScale, lso + i));
        VectorMath.exp(y).mul(FloatVector.fromArray(FLOATS, scale, co + i)).sub(labelTerm).intoArray(grad, g + i);
      }
    }
    TAIL.softmaxGradientShifted(x, xo + i, shift, logSum, so + i, scale, co + i, label, lo + i, labelScale,
        lso + i, grad, g + i, n - i);
  }

  @Override
  public void scale(float[] a, int ao, float s, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector.fromArray(FLOATS, a, ao + i).mul(s).intoArray(dst, d + i);
    }
    TAIL.scale(a, ao + i, s, dst, d + i, n - i);
  }

  @Override
  public void scaleSubtract(float[] a, int ao, float s, float[] b, int bo, float t, float[] dst, int d, int n) {
    int i = 0;
    for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
      FloatVector.fromArray(FLOATS, a, ao + i).mul(s).sub(FloatVector.fromArray(FLOATS, b, bo + i).mul(t))
          .intoArray(dst, d + i);
    }
    TAIL.scaleSubtract(a, ao + i, s, b, bo + i, t, dst, d + i, n - i);
  }

  @Override
  public void sumStrided(float[] a, int ao, int classes, int stride, float[] dst, int d, int n) {
    int j = 0;
    for (int bound = FLOATS.loopBound(n); j < bound; j += LANES) {
      FloatVector s = FloatVector.zero(FLOATS);
      for (int c = 0; c < classes; c++) {
        s = s.add(FloatVector.fromArray(FLOATS, a, ao + c * stride + j));
      }
      s.intoArray(dst, d + j);
    }
    TAIL.sumStrided(a, ao + j, classes, stride, dst, d + j, n - j);
  }

  @Override
  public void dotStrided(float[] a, int ao, float[] b, int bo, int classes, int stride, float[] dst, int d,
      int n) {
    int j = 0;
    for (int bound = FLOATS.loopBound(n); j < bound; j += LANES) {
      FloatVector s = FloatVector.zero(FLOATS);
      for (int c = 0; c < classes; c++) {
        s = FloatVector.fromArray(FLOATS, a, ao + c * stride + j)
            .fma(FloatVector.fromArray(FLOATS, b, bo + c * stride + j), s);
      }
      s.intoArray(dst, d + j);
    }
    TAIL.dotStrided(a, ao + j, b, bo + j, classes, stride, dst, d + j, n - j);
  }

  @Override
  public void tripletGradient(float s, float[] p, int po, float[] q, int qo, float[] r, int ro, float[] gp,
      float[] gq, float[] gr, int g, int n) {
    // One gradient array per loop (see LossKernels#tripletGradient): the same operations per element as one loop
    // writing all three, at half the time.
    int bound = FLOATS.loopBound(n);
    for (int i = 0; i < bound; i += LANES) {
      FloatVector rq = FloatVector.fromArray(FLOATS, r, ro + i).sub(FloatVector.fromArray(FLOATS, q, qo + i));
      rq.add(rq).mul(s).intoArray(gp, g + i);
    }
    for (int i = 0; i < bound; i += LANES) {
      FloatVector qp = FloatVector.fromArray(FLOATS, q, qo + i).sub(FloatVector.fromArray(FLOATS, p, po + i));
      qp.add(qp).mul(s).intoArray(gq, g + i);
    }
    for (int i = 0; i < bound; i += LANES) {
      FloatVector pr = FloatVector.fromArray(FLOATS, p, po + i).sub(FloatVector.fromArray(FLOATS, r, ro + i));
      pr.add(pr).mul(s).intoArray(gr, g + i);
    }
    TAIL.tripletGradient(s, p, po + bound, q, qo + bound, r, ro + bound, gp, gq, gr, g + bound, n - bound);
  }

  /** ScalarLossKernels.sign per lane: +-1, +-0 for +-0, NaN for NaN. */
  static FloatVector sign(FloatVector x) {
    return x.mul(0f).blend(1f, x.compare(VectorOperators.GT, 0f)).blend(-1f, x.compare(VectorOperators.LT, 0f));
  }

  /**
   * {@link #sign} given {@code abs = x.abs()}, which the fused L1 kernel has already: x itself where x is +-0 or
   * NaN (x * 0 there, as sign makes it: the same bits, x being a difference and so a quiet NaN), else
   * {@link #unitWithSignOf}; one compare and blend instead of two of each (four instructions each on JDK 17
   * AVX-512, see unitWithSignOf). C2's fused L1 loop (JDK 17, 512-bit, printed and disassembled as there): 13 ->
   * 9 vector instructions besides the loads, the store and the accumulator moves, and 512-bit instructions run
   * on ports 0 and 5 only. L1 forwardBackward 64x1024, alternating runs of the old and new jar (8 and 6,
   * `GradientCost -p loss=L1,Hinge,Huber -wi 3 -w 300ms -i 12 -r 200ms -f 1`), all iterations pooled: fastest
   * 14.3 -> 13.3 us, median 23.1 -> 19.8 us, while unchanged Huber went 26.7 -> 22.5 us in the same runs. JDK
   * 25 (masks stay in k registers, loop unrolled): 9 -> 7 vector instructions per vector plus two register
   * copies for the destructive vpternlogd; seven runs each (`-jvm .../temurin-25-jdk-amd64/bin/java`): fastest
   * 10.7 -> 10.9 us, median 14.0 -> 14.9 us (Huber 16.1 -> 15.6): no change beyond the noise.
   */
  static FloatVector sign(FloatVector x, FloatVector abs) {
    return x.blend(unitWithSignOf(x), abs.compare(VectorOperators.GT, 0f));
  }

  /**
   * The factor f with {@code f * y} the bits of {@code up * -y} wherever the hinge gradient keeps them (h > 0,
   * so y is not NaN): -up, or up itself when up is NaN (x86 returns the NaN operand, quieted, so up * -y is
   * up's NaN, not -up's; MapSumTest fails for a plain -up). Broadcast once per call, it spares the fused hinge
   * kernel a negation per vector: 23 -> 22 vector instructions in C2's loop (JDK 17, 512-bit). Hinge
   * forwardBackward 64x1024, same runs as sign(x, abs): fastest 18.5 -> 16.8 us, median 26.8 -> 21.3 us
   * (unchanged Huber 26.7 -> 22.5); JDK 25, four runs each: fastest 15.8 -> 14.5 us, median 19.3 -> 17.5 us:
   * about the noise, kept as the smaller loop.
   */
  static float negatedFactor(float up) {
    return up != up ? up : -up;
  }

  // ---- the CTC recursion, in double: the passes of CtcPasses, each a compilation of its own ----------

  @Override
  public void logAddExpSelectExp(double[] x, int stay, int advance, int skip, double[] skipAllowed, int f,
      double[] max, int mo, double[] e, int e1, int e2, int n) {
    CtcPasses.logAddExpSelectExp(x, stay, advance, skip, skipAllowed, f, max, mo, e, e1, e2, n);
  }

  @Override
  public void logAddExpFinish(double[] max, int mo, double[] e, int e1, int e2, double[] emit, int eo,
      double[] dst, int d, int n) {
    CtcPasses.logAddExpFinish(max, mo, e, e1, e2, emit, eo, dst, d, n);
  }

  @Override
  public void occupancy(double[] alpha, int ao, double[] beta, int bo, double[] emit, int eo,
      double logLikelihood, double[] dst, int d, int n) {
    CtcPasses.occupancy(alpha, ao, beta, bo, emit, eo, logLikelihood, dst, d, n);
  }

  /**
   * ScalarLossKernels.sign per lane where x is neither zero nor NaN (Huber's linear lanes, |x| > rho >= 0): +-1
   * with x's sign bit, made from the bits by an AND and an OR instead of sign's two compares and three blends. On
   * JDK 17 with AVX-512 a compare and a blend are four instructions each way (vcmpps into a k register, a
   * masked load of all-ones that turns it into a vector, vpcmpeqd back into a k register, the blend; seen in
   * the C2 code printed with -XX:CompileCommand=print and disassembled with objdump), and port 5 alone runs
   * the compares; C2 fuses the AND and OR into one vpternlogd. Huber forwardBackward 64x1024, JDK 17, 512-bit,
   * five alternating runs of the old and new jar, all iterations pooled (`GradientCost -p loss=Huber,Hinge,L2
   * -wi 3 -w 300ms -i 12 -r 200ms -f 1`): fastest 26.4 -> 18.5 us, median 35.2 -> 27.2 us, forward unchanged.
   * JDK 25 (masks stay in k registers, loop unrolled): no change beyond the noise, two runs each.
   */
  static FloatVector unitWithSignOf(FloatVector x) {
    return x.viewAsIntegralLanes().and(0x8000_0000).or(0x3f80_0000).viewAsFloatingLanes();
  }

  /**
   * ScalarLossKernels.reluGate per lane: v where h > 0, 0 where h <= 0, NaN (Float.NaN's bits) where h is NaN,
   * given {@code r = relu(h)}. Where h is not > 0, r is +0 (max(h, +0) for h <= 0, -0 included) or a NaN made by
   * arithmetic, which is quiet: its exponent and quiet bit are set, so {@code r & 0x7fc00000} is +0 or exactly
   * Float.NaN, and one compare and one blend pick v. It was {@code v.blend(0f, h <= 0).blend(Float.NaN, h != h)}
   * (h != h itself beat test(IS_NAN), which goes through an integer view and a mask cast: 24.0 -> 20.5 us);
   * each compare and blend costs four instructions on JDK 17 AVX-512 (see unitWithSignOf). Hinge
   * forwardBackward 64x1024, JDK 17, 512-bit, same runs as there: fastest 23.1 -> 19.4 us, median 35.4 -> 28.1
   * us, forward unchanged; JDK 25 (one instruction fewer per vector there): no change beyond the noise.
   */
  static FloatVector reluGate(FloatVector h, FloatVector r, FloatVector v) {
    return r.viewAsIntegralLanes().and(0x7fc0_0000).viewAsFloatingLanes().blend(v, h.compare(VectorOperators.GT, 0f));
  }

  /** ScalarLossKernels.sigmoid per lane: {@code (t >= 0 ? 1 : e) / (1 + e)}. */
  private static FloatVector sigmoid(FloatVector t, FloatVector e) {
    return e.blend(1f, t.compare(VectorOperators.GE, 0f)).div(e.add(1f));
  }

  static FloatVector relu(FloatVector x) {
    return x.max(0f);
  }
}
