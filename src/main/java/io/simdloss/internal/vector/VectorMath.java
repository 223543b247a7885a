package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaVectorConstants.FLOATS;
import static io.simdloss.internal.vector.PanamaVectorConstants.INTS;
import static io.simdloss.internal.vector.PanamaVectorConstants.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Lanewise {@code exp}, {@code log}, {@code log1p} and {@code softplus} for the Vector API kernels: the twin of
 * {@link io.simdloss.internal.ScalarMath}, performing per lane exactly the same sequence of IEEE-754
 * operations, so every lane is bit-identical to the scalar method (NaN payloads aside). Methods, error bounds
 * and the meaning of the constants are documented in {@code ScalarMath}; the constants are repeated here and
 * must stay equal.
 *
 * <p>Each method has a short fast path for the common case (every lane an ordinary input) and a separate cold
 * method for vectors holding at least one lane that needs the wide or special handling; the cold method
 * computes the ordinary lanes by the same operations, so the choice of path never changes a lane. The cold
 * methods take and return their lanes through a per-thread array, never as a vector: once a process has seen
 * special inputs, C2 compiles the branch to the cold path as a real call and, the call being cold, does not
 * inline it; a vector argument to such a call is boxed where the vector is made, in every iteration of the
 * kernel loop, whether the branch is taken or not (session 12: 19-58 KB per call of KL divergence and
 * SigmoidBCE fromSigmoid at 2400 elements, with a log's special path behind a vector-typed call).
 *
 * <p>Why the code looks the way it does (measured with {@code -XX:+LogCompilation} on JDK 17 and 25): a vector
 * that crosses a call C2 did not inline is boxed on the heap, which makes a loop several times slower. C2
 * refuses to inline an ordinary method (1) once the compilation has created about 18000 IR nodes
 * ({@code NodeCountInliningCutoff}; the Vector API's own methods are exempt) and (2) when its bytecode exceeds
 * 325 bytes ({@code FreqInlineSize}). Parsing one Vector API operation creates about 415 nodes, and a
 * {@code FloatVector.broadcast} about 135 more plus 8 bytes of bytecode. Hence: each public method is one flat
 * method on its fast path (a helper call is a place where inlining can be refused; the calls to the cold paths
 * sit on branches C2 has seen untaken and turns into uncommon traps), and every operation the algorithm can spare
 * is spared. Fast-path size: exp 17 operations (about 6700 nodes, plus the broadcasts below), log 22 (8900), log1p
 * 29 (11600); softplus calls exp and log1pUnit. What counts for a caller is the node count when C2 reaches its
 * last call to this class, which must be below 18000: roughly 40 operations parsed before it. Two logs or three
 * exps in one loop (or one method) fit; three logs would not.
 *
 * <p>Constants. log's, log1p's and log1pUnit's are {@code static final} vectors: cheap in nodes and bytecode. But
 * a static final vector's lanes live in a {@code float[]} on the heap, and C2 must assume that a loop's store
 * into any {@code float[]} may change them: in a loop that stores (a gradient, the softmax numerators, the
 * elementwise losses) it reloaded every such constant in every iteration, where a loop without stores keeps them
 * in registers (JDK 17 C2 code of {@code expSum}, session 23: about 8 constants reloaded per vector with the
 * numerators stored, none without). exp's constants are therefore floats, broadcast where they are used
 * ({@code FloatVector.broadcast}, which touches no memory). The softmax rows with their numerators stored went
 * from 1.25-1.46x the time of the rows without to 0.99-1.05x (jmh {@code SoftmaxNumerators}, both JDKs), and
 * softmax CE 256x1000's forwardBackward from 163 to 126 us (JDK 17) and from 172 to 118 us (JDK 25)
 * (docs/performance-history.md, "The cost of the gradient", session 23). Each broadcast costs about 135 IR nodes, so
 * this is done only for exp. Two wider attempts passed C2's inlining cutoff on JDK 17, and vectors were boxed
 * ({@code AllocationTest}): log1pUnit's constants broadcast too (the Logistic and SigmoidBCE gradients, 43,200 bytes
 * per call at 512 bits), and log's (L2 after other losses at 256 bits, 43,136 bytes, through the shared compilation
 * of {@code SampleReduction}; KLDiv's forward at 128 bits, 57,600 bytes). Nor do {@code static final IntVector} bits
 * reinterpreted at each use (an {@code int[]} does not alias a {@code float[]} store) help: with log1pUnit's constants
 * so, the same gradients boxed at every width on both JDKs. {@code StoreLoopConstantsTest} checks that exp reads no
 * static final vector.
 */
public final class VectorMath {
  private VectorMath() {}

  /** Per-thread lanes for the cold paths, which take their vector through memory (see the class comment). */
  private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[2 * LANES]);

  // exp: floats, broadcast where they are used, so that loops that store keep them in registers (class comment)
  private static final int ROUND_MAGIC_BITS = 0x4b40007f;
  private static final float EXP_CLAMP_LO = -104f;
  private static final float EXP_CLAMP_HI = 89f;
  private static final float ROUND_MAGIC = 0x1.8p23f + 127f;
  private static final float LOG2E = 0x1.715476p0f;
  private static final float NEG_LN2 = -0x1.62e43p-1f;
  private static final float NEG_LN2_LO = 0x1.05c61p-29f;
  private static final float EXP_FAST_LIMIT = 87f;
  private static final float E0 = 0x1.fffffcp-2f;
  private static final float E1 = 0x1.555492p-3f;
  private static final float E2 = 0x1.5558f2p-5f;
  private static final float E3 = 0x1.1239e2p-7f;
  private static final float E4 = 0x1.6a2434p-10f;
  // log, log1p
  private static final IntVector SQRT_HALF_BITS = IntVector.broadcast(INTS, 0x3f3504f3);
  private static final IntVector MANTISSA_MASK = IntVector.broadcast(INTS, 0x007fffff);
  /**
   * The exponent k (|k| < 2^22) as a float without {@code convert(I2F)}: the bits {@code 0x4b400000 + k} are the
   * float {@code 1.5 * 2^23 + k} exactly, and subtracting {@code 1.5 * 2^23} leaves k exactly, the value
   * {@code (float) k} has. Why: on JDK 17 a {@code convert} costs C2 far more IR nodes while it inlines (two large
   * templates) than an add and a reinterpretation. A compilation with two logs inlined into the chunk loop of
   * {@code SampleReduction.reduce} reached C2's node cutoff, and in some JVMs C2 then left one Vector API
   * intrinsic out (session 16: SigmoidBCE fromSigmoid's forward at (64, 1024) stayed 6-120x slower and allocated
   * 1.54 MB per call in 2-5 of 10-14 JVMs per batch; with this form in 0 of 36; README "JDK 17: a compilation
   * past C2's node budget"). {@code coldPath} keeps {@code convert}: it is a compilation of its own.
   */
  private static final IntVector EXPONENT_MAGIC_BITS = IntVector.broadcast(INTS, 0x4b400000);
  private static final FloatVector EXPONENT_MAGIC = broadcast(0x1.8p23f);
  private static final IntVector SPECIAL_OFFSET = IntVector.broadcast(INTS, 0x7f800000);
  private static final IntVector SPECIAL_FROM = IntVector.broadcast(INTS, 0xff000000);
  private static final float TWO_23 = 0x1p23f;
  private static final FloatVector LN2 = broadcast(0x1.62e43p-1f);
  private static final FloatVector L0 = broadcast(0x1.555554p-2f);
  private static final FloatVector L1 = broadcast(-0x1.000226p-2f);
  private static final FloatVector L2 = broadcast(0x1.99a008p-3f);
  private static final FloatVector L3 = broadcast(-0x1.547244p-3f);
  private static final FloatVector L4 = broadcast(0x1.22da1cp-3f);
  private static final FloatVector L5 = broadcast(-0x1.0d8542p-3f);
  private static final FloatVector L6 = broadcast(0x1.055b6ap-3f);
  private static final FloatVector L7 = broadcast(-0x1.38b584p-4f);
  // softplus
  private static final FloatVector S0 = broadcast(-0x1.833704p-2f);
  private static final FloatVector S1 = broadcast(0x1.6f0d76p-4f);
  private static final FloatVector S2 = broadcast(-0x1.7de0b0p-6f);
  private static final FloatVector S3 = broadcast(0x1.a28586p-8f);
  private static final FloatVector S4 = broadcast(-0x1.d9945ap-10f);
  private static final FloatVector S5 = broadcast(0x1.10e876p-11f);
  private static final FloatVector S6 = broadcast(-0x1.4d80c6p-13f);
  private static final FloatVector S7 = broadcast(0x1.c635c4p-15f);
  private static final FloatVector S8 = broadcast(-0x1.b2f574p-17f);
  // small numbers
  private static final FloatVector ZERO = broadcast(0f);
  private static final FloatVector ONE = broadcast(1f);
  private static final FloatVector NEG_ONE = broadcast(-1f);
  private static final FloatVector TWO = broadcast(2f);
  private static final FloatVector NEG_HALF = broadcast(-0.5f);

  private static FloatVector broadcast(float c) {
    return FloatVector.broadcast(FLOATS, c);
  }

  // ---- exp ------------------------------------------------------------------------------------------------

  /**
   * Lanewise e^x, bit-identical per lane to {@link io.simdloss.internal.ScalarMath#exp(float)}: Cody-Waite
   * reduction, degree-6 polynomial, scale by exponent bits (in two steps when a lane has |x| > 87). Measured
   * maximum error 0.89 ulp, subnormal results included; exact special cases.
   */
  public static FloatVector exp(FloatVector x) {
    if (x.abs().compare(VectorOperators.GT, EXP_FAST_LIMIT).anyTrue()) {
      float[] s = SCRATCH.get(); // the cold path goes through memory (see the class comment)
      x.intoArray(s, 0);
      coldPath(EXP_WIDE, s);
      return FloatVector.fromArray(FLOATS, s, 0);
    }
    // the reduction and the polynomial written out: a helper call that C2 leaves un-inlined boxes the vectors
    FloatVector z = x.fma(LOG2E, ROUND_MAGIC);
    FloatVector n = z.sub(ROUND_MAGIC);
    FloatVector r = n.fma(FloatVector.broadcast(FLOATS, NEG_LN2), x);
    r = n.fma(FloatVector.broadcast(FLOATS, NEG_LN2_LO), r);
    FloatVector s = r.fma(E4, E3);
    s = s.fma(r, FloatVector.broadcast(FLOATS, E2));
    s = s.fma(r, FloatVector.broadcast(FLOATS, E1));
    s = s.fma(r, FloatVector.broadcast(FLOATS, E0));
    FloatVector p = s.fma(r, FloatVector.broadcast(FLOATS, 1f)).fma(r, FloatVector.broadcast(FLOATS, 1f));
    return p.mul(z.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
  }

  // ---- log ------------------------------------------------------------------------------------------------

  /**
   * Lanewise natural logarithm, bit-identical per lane to {@link io.simdloss.internal.ScalarMath#log(float)}:
   * mantissa/exponent split by bit arithmetic, degree-10 polynomial in {@code m - 1}. Measured maximum error
   * 0.96 ulp, subnormals included; exact special cases.
   */
  public static FloatVector log(FloatVector x) {
    IntVector ix = x.reinterpretAsInts();
    // a lane that is not a positive, finite, normal float (see ScalarMath.SPECIAL_OFFSET)
    if (ix.add(SPECIAL_OFFSET).compare(VectorOperators.GE, SPECIAL_FROM).anyTrue()) {
      float[] s = SCRATCH.get(); // the cold path goes through memory (see the class comment)
      x.intoArray(s, 0);
      coldPath(LOG_SPECIAL, s);
      return FloatVector.fromArray(FLOATS, s, 0);
    }
    IntVector t = ix.sub(SQRT_HALF_BITS);
    FloatVector kf = t.lanewise(VectorOperators.ASHR, 23).add(EXPONENT_MAGIC_BITS).reinterpretAsFloats()
        .sub(EXPONENT_MAGIC);
    FloatVector f = t.and(MANTISSA_MASK).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(ONE);
    // logReduced(f, kf), written out
    FloatVector q = f.fma(L7, L6);
    q = q.fma(f, L5);
    q = q.fma(f, L4);
    q = q.fma(f, L3);
    q = q.fma(f, L2);
    q = q.fma(f, L1);
    q = q.fma(f, L0);
    q = q.fma(f, NEG_HALF);
    return kf.fma(LN2, f.mul(q).fma(f, f));
  }

  // ---- log1p ----------------------------------------------------------------------------------------------

  /**
   * Lanewise log(1 + x), bit-identical per lane to {@link io.simdloss.internal.ScalarMath#log1p(float)}: log of
   * {@code u = 1 + x} plus the correction {@code (x - (u - 1)) / u}. Measured maximum error 0.92 ulp, exact for
   * tiny x, exact special cases.
   */
  public static FloatVector log1p(FloatVector x) {
    FloatVector u = x.add(ONE);
    IntVector iu = u.reinterpretAsInts();
    if (iu.add(SPECIAL_OFFSET).compare(VectorOperators.GE, SPECIAL_FROM).anyTrue()) {
      float[] s = SCRATCH.get(); // the cold path goes through memory (see the class comment)
      x.intoArray(s, 0);
      coldPath(LOG1P_SPECIAL, s);
      return FloatVector.fromArray(FLOATS, s, 0);
    }
    // log1pNormal(x, u, iu), written out
    FloatVector c = x.sub(u.sub(ONE)).div(u);
    IntVector t = iu.sub(SQRT_HALF_BITS);
    FloatVector kf = t.lanewise(VectorOperators.ASHR, 23).add(EXPONENT_MAGIC_BITS).reinterpretAsFloats()
        .sub(EXPONENT_MAGIC);
    FloatVector f = t.and(MANTISSA_MASK).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(ONE);
    FloatVector q = f.fma(L7, L6);
    q = q.fma(f, L5);
    q = q.fma(f, L4);
    q = q.fma(f, L3);
    q = q.fma(f, L2);
    q = q.fma(f, L1);
    q = q.fma(f, L0);
    q = q.fma(f, NEG_HALF);
    FloatVector y = kf.fma(LN2, f.add(f.mul(f).fma(q, c)));
    return y.blend(x, x.compare(VectorOperators.EQ, ZERO)); // keeps the sign of -0
  }

  // ---- softplus -------------------------------------------------------------------------------------------

  /**
   * Lanewise softplus(t) = {@code max(t, 0) + log1p(exp(-|t|))}, bit-identical per lane to
   * {@link io.simdloss.internal.ScalarMath#softplus(float)} (which documents the method: log1p on [0, 1] by a
   * division-free polynomial). Measured maximum error 1.84 ulp.
   */
  public static FloatVector softplus(FloatVector t) {
    FloatVector a = t.abs();
    if (a.compare(VectorOperators.GT, EXP_FAST_LIMIT).anyTrue()) {
      float[] s = SCRATCH.get(); // the cold path goes through memory (see the class comment)
      t.intoArray(s, 0);
      coldPath(SOFTPLUS_WIDE, s);
      return FloatVector.fromArray(FLOATS, s, 0);
    }
    // exp and log1pUnit by calls, no longer written out here: written out, with exp's constants broadcast where
    // they are used (see the class comment), this method would pass FreqInlineSize (it was 324 bytes before).
    // exp(-a) repeats the check above (a compare that is never true here): about 3 instructions per vector.
    return t.max(ZERO).add(log1pUnit(exp(a.neg())));
  }

  /**
   * Lanewise log(1 + e) for {@code e in [0, 1]}, the twin of {@code ScalarMath.log1pUnit}: {@link #softplus} is,
   * bit for bit, {@code t.max(0).add(log1pUnit(exp(t.abs().neg())))}.
   */
  static FloatVector log1pUnit(FloatVector e) {
    FloatVector w = e.fma(TWO, NEG_ONE);
    FloatVector q = w.fma(S8, S7);
    q = q.fma(w, S6);
    q = q.fma(w, S5);
    q = q.fma(w, S4);
    q = q.fma(w, S3);
    q = q.fma(w, S2);
    q = q.fma(w, S1);
    q = q.fma(w, S0);
    return e.mul(q).fma(e, e);
  }

  // ---- the cold paths -------------------------------------------------------------------------------

  private static final int EXP_WIDE = 0;
  private static final int LOG_SPECIAL = 1;
  private static final int LOG1P_SPECIAL = 2;
  private static final int SOFTPLUS_WIDE = 3;

  /**
   * The cold paths, in place on {@code s[0..LANES)} (a vector's lanes, stored by the caller):
   * <ul>
   *   <li>{@code EXP_WIDE}: exp for a vector with a lane of |x| > 87 or an infinity: clamped input, the scale
   *       applied in two steps;
   *   <li>{@code LOG_SPECIAL}: log for a vector with a zero, subnormal, negative, infinite or NaN lane;
   *   <li>{@code LOG1P_SPECIAL}: log1p for a vector with a lane where 1 + x is zero, negative, infinite or NaN
   *       (never subnormal);
   *   <li>{@code SOFTPLUS_WIDE}: softplus for a vector with a lane of |t| > 87 or an infinity,
   *       {@code max(t, 0) + log1pUnit(exp(-|t|))} with exp's wide path; t waits in {@code s[LANES..2 LANES)}.
   * </ul>
   * Ordinary lanes get the fast paths' operations, so the path never changes a lane. One method, through
   * memory, on purpose: a vector passed to a call C2 does not inline is boxed, and when a process has seen special
   * inputs C2 compiles these branches as real calls; inlined instead (their profile can say hot), their IR nodes
   * pushed a kernel with two logs past C2's inlining cutoff, and its second log became a boxed call (session 12,
   * JDK 17, 256 bits). Together they are more than {@code FreqInlineSize} (325 bytes of bytecode), so C2 never
   * inlines this method (InlineBudgetTest checks), and only arrays and an int cross the call.
   */
  private static void coldPath(int path, float[] s) {
    switch (path) {
      case EXP_WIDE: {
        FloatVector x = FloatVector.fromArray(FLOATS, s, 0).max(EXP_CLAMP_LO).min(EXP_CLAMP_HI);
        FloatVector z = x.fma(LOG2E, ROUND_MAGIC);
        FloatVector n = z.sub(ROUND_MAGIC);
        FloatVector r = n.fma(broadcast(NEG_LN2), x);
        r = n.fma(broadcast(NEG_LN2_LO), r);
        FloatVector q = r.fma(E4, E3);
        q = q.fma(r, broadcast(E2));
        q = q.fma(r, broadcast(E1));
        q = q.fma(r, broadcast(E0));
        FloatVector p = q.fma(r, ONE).fma(r, ONE);
        IntVector k = z.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = k.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        p.mul(s1).mul(s2).intoArray(s, 0);
        return;
      }
      case LOG_SPECIAL: {
        FloatVector x = FloatVector.fromArray(FLOATS, s, 0);
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(TWO_23), subnormal);
        IntVector t = xs.reinterpretAsInts().sub(SQRT_HALF_BITS);
        FloatVector kf = (FloatVector) t.lanewise(VectorOperators.ASHR, 23).convert(VectorOperators.I2F, 0);
        kf = kf.sub(23f, subnormal);
        FloatVector f = t.and(MANTISSA_MASK).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(ONE);
        FloatVector q = f.fma(L7, L6);
        q = q.fma(f, L5);
        q = q.fma(f, L4);
        q = q.fma(f, L3);
        q = q.fma(f, L2);
        q = q.fma(f, L1);
        q = q.fma(f, L0);
        q = q.fma(f, NEG_HALF);
        FloatVector y = kf.fma(LN2, f.mul(q).fma(f, f));
        y = y.blend(Float.NaN, x.compare(VectorOperators.LT, 0f));
        y = y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        y.blend(x, x.compare(VectorOperators.LE, Float.MAX_VALUE).not()).intoArray(s, 0); // +inf, NaN
        return;
      }
      case LOG1P_SPECIAL: {
        FloatVector x = FloatVector.fromArray(FLOATS, s, 0);
        FloatVector u = x.add(ONE);
        FloatVector c = x.sub(u.sub(ONE)).div(u);
        IntVector t = u.reinterpretAsInts().sub(SQRT_HALF_BITS);
        FloatVector kf = (FloatVector) t.lanewise(VectorOperators.ASHR, 23).convert(VectorOperators.I2F, 0);
        FloatVector f = t.and(MANTISSA_MASK).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(ONE);
        FloatVector q = f.fma(L7, L6);
        q = q.fma(f, L5);
        q = q.fma(f, L4);
        q = q.fma(f, L3);
        q = q.fma(f, L2);
        q = q.fma(f, L1);
        q = q.fma(f, L0);
        q = q.fma(f, NEG_HALF);
        FloatVector y = kf.fma(LN2, f.add(f.mul(f).fma(q, c)));
        y = y.blend(x, x.compare(VectorOperators.EQ, ZERO));
        y = y.blend(Float.NaN, u.compare(VectorOperators.LT, 0f));
        y = y.blend(Float.NEGATIVE_INFINITY, u.compare(VectorOperators.EQ, 0f));
        y.blend(u, u.compare(VectorOperators.LE, Float.MAX_VALUE).not()).intoArray(s, 0); // +inf, NaN
        return;
      }
      default: { // SOFTPLUS_WIDE
        FloatVector t = FloatVector.fromArray(FLOATS, s, 0);
        t.intoArray(s, LANES);
        t.abs().neg().intoArray(s, 0);
        coldPath(EXP_WIDE, s);
        FloatVector e = FloatVector.fromArray(FLOATS, s, 0);
        FloatVector w = e.fma(TWO, NEG_ONE);
        FloatVector q = w.fma(S8, S7);
        q = q.fma(w, S6);
        q = q.fma(w, S5);
        q = q.fma(w, S4);
        q = q.fma(w, S3);
        q = q.fma(w, S2);
        q = q.fma(w, S1);
        q = q.fma(w, S0);
        FloatVector.fromArray(FLOATS, s, LANES).max(ZERO).add(e.mul(q).fma(e, e)).intoArray(s, 0);
      }
    }
  }
}
