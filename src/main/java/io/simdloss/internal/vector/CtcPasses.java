package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaVectorConstants.DOUBLES;
import static io.simdloss.internal.vector.PanamaVectorConstants.DOUBLE_LANES;
import static io.simdloss.internal.vector.PanamaVectorConstants.DOUBLE_MASKS;

import io.simdloss.internal.ScalarLossKernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The CTC recursion's vector passes, with the double {@code exp} and {@code log1p} of
 * {@link io.simdloss.internal.ScalarDoubleMath} written out inside their loops: per lane exactly its sequence of
 * IEEE-754 operations, so every element is bit-identical to the scalar kernels of
 * {@link io.simdloss.internal.ScalarLossKernels} (NaN payloads aside). Methods, error bounds and the meaning of the
 * constants are documented in ScalarDoubleMath; the constants are repeated here and must stay equal.
 *
 * <p>Why the functions are written out, and not {@code DoubleVector -> DoubleVector} methods as in
 * {@link VectorMath}: a double exp is about 20 Vector API operations and the log1p about 30, so a method holding
 * either is big, and a big method that C2 has already compiled on its own is no longer inlined into its callers
 * ({@code InlineSmallCode}), which then box every vector they pass. The first version, written as such methods,
 * allocated 36 KB per CTC call in one test JVM (session 11). The exp is therefore written out in each loop that
 * takes one.
 *
 * <p>Why each loop is a method of more than 325 bytes of bytecode: so that C2 never inlines it
 * ({@code FreqInlineSize}) and compiles it as a root of its own, with its own inlining budgets. Session 11's loops
 * were smaller (186-281 bytes); C2 inlined them into the large compilations of {@code CtcRecursion}, where the
 * budgets were sometimes spent before the Vector API's own methods were inlined, and those calls boxed every
 * vector: about 15 KB per warmed-up CTC gradient call, in about one test JVM in ten
 * (docs/performance-history.md, "CTC, lane-parallel"). {@link #select} and {@link #exp} take two vectors per iteration (the operations written twice),
 * which brings them past 325 bytes; {@link #logAddExpFinish} holds a log1p and {@link #occupancy} an exp. {@code
 * InlineBudgetTest} checks the four sizes. Why the selection and its exps are two loops and not one (one vector
 * per iteration with both exps inside is past 325 bytes too): that fused loop took CTC 32x200x30 6.2 ms on JDK 17
 * against 4.5-4.6 for the two loops, and 4.7-4.8 against 3.9-4.5 on JDK 25 (session 13, two paired rounds).
 *
 * <p>Why the constants are doubles, made into vectors at the top of each pass: every pass stores into a
 * {@code double[]}, and the lanes of a {@code static final} vector live in a {@code double[]} on the heap, so C2
 * must assume the loop's stores may change them and reloads each one in every iteration (VectorMath's class
 * comment has the C2 code). A vector made by {@code DoubleVector.broadcast} from a constant touches no memory and
 * stays in a register. CTC 32x200x30 went from 9.8-10.0 to 8.2-8.6 ms per forwardBackward on JDK 17 and from
 * 9.6-10.0 to 7.6-7.7 on JDK 25 (session 23, two alternating rounds).
 */
public final class CtcPasses {
  private CtcPasses() {}

  private static final ScalarLossKernels TAIL = ScalarLossKernels.INSTANCE;
  private static final double NEG_INF = Double.NEGATIVE_INFINITY;

  // exp
  private static final double ROUND_MAGIC = 0x1.8p52 + 1087d;
  private static final double LOG2E = 0x1.71547652b82fep0;
  private static final double NEG_LN2 = -0x1.62e42fefa39efp-1;
  private static final double NEG_LN2_LO = -0x1.abc9e3b39803fp-56;
  private static final double EXP_CLAMP_LO = -746d;
  private static final double TWO_M64 = 0x1p-64;
  private static final double C2 = 1d / 2;
  private static final double C3 = 1d / 6;
  private static final double C4 = 1d / 24;
  private static final double C5 = 1d / 120;
  private static final double C6 = 1d / 720;
  private static final double C7 = 1d / 5040;
  private static final double C8 = 1d / 40320;
  private static final double C9 = 1d / 362880;
  private static final double C10 = 1d / 3628800;
  private static final double C11 = 1d / 39916800;
  private static final double C12 = 1d / 479001600;
  private static final double C13 = 1d / 6227020800L;
  // log1p
  private static final long SQRT_HALF_BITS = 0x3fe6a09e667f3bcdL;
  private static final long K_MAGIC_BITS = 0x4338000000000000L;
  private static final double K_MAGIC = 0x1.8p52;
  private static final double LOG_LN2_HI = 0x1.62e42feep-1;
  private static final double LOG_LN2_LO = 0x1.a39ef35793c76p-33;
  private static final double LG1 = 6.666666666666735130e-01;
  private static final double LG2 = 3.999999999940941908e-01;
  private static final double LG3 = 2.857142874366239149e-01;
  private static final double LG4 = 2.222219843214978396e-01;
  private static final double LG5 = 1.818357216161805012e-01;
  private static final double LG6 = 1.531383769920937332e-01;
  private static final double LG7 = 1.479819860511658591e-01;
  // small numbers
  private static final double ONE = 1d;
  private static final double TWO = 2d;
  private static final double HALF = 0.5d;

  /**
   * {@link io.simdloss.internal.LossKernels#logAddExpSelectExp}: the maximum of the three terms, and the
   * exponentials of the other two minus it, as two loops of their own over the whole pairs of vectors (the
   * differences into {@code e}, then their exps in place), then the scalar kernel for the rest. Vectorized only when {@link PanamaVectorConstants#DOUBLE_MASKS} (at 128 bits,
   * scalar).
   */
  public static void logAddExpSelectExp(double[] x, int stay, int advance, int skip, double[] skipAllowed, int f,
      double[] max, int mo, double[] e, int e1, int e2, int n) {
    int whole = DOUBLE_MASKS ? n - n % (2 * DOUBLE_LANES) : 0;
    select(x, stay, advance, skip, skipAllowed, f, max, mo, e, e1, e2, whole);
    exp(e, e1, whole);
    exp(e, e2, whole);
    TAIL.logAddExpSelectExp(x, stay + whole, advance + whole, skip + whole, skipAllowed, f + whole, max, mo + whole,
        e, e1 + whole, e2 + whole, n - whole);
  }

  /**
   * The selection of logAddExpSelectExp over n cells, n a multiple of two vectors: the maximum, and the two
   * differences (both -inf where the maximum is). Two vectors per iteration, the same operations written twice.
   */
  private static void select(double[] x, int stay, int advance, int skip, double[] skipAllowed, int f,
      double[] max, int mo, double[] diff, int d1, int d2, int n) {
    for (int j = 0; j < n; j += 2 * DOUBLE_LANES) {
      DoubleVector a = DoubleVector.fromArray(DOUBLES, x, stay + j);
      DoubleVector b = DoubleVector.fromArray(DOUBLES, x, advance + j);
      VectorMask<Double> noSkip =
          DoubleVector.fromArray(DOUBLES, skipAllowed, f + j).compare(VectorOperators.EQ, 0d);
      DoubleVector c = DoubleVector.fromArray(DOUBLES, x, skip + j).blend(NEG_INF, noSkip);
      DoubleVector m = a.max(b.max(c));
      VectorMask<Double> aIsMax = a.compare(VectorOperators.EQ, m);
      VectorMask<Double> aOrBIsMax = aIsMax.or(b.compare(VectorOperators.EQ, m));
      VectorMask<Double> unreached = m.compare(VectorOperators.EQ, NEG_INF); // both differences -inf there
      m.intoArray(max, mo + j);
      a.blend(b, aIsMax).sub(m).blend(m, unreached).intoArray(diff, d1 + j);
      b.blend(c, aOrBIsMax).sub(m).blend(m, unreached).intoArray(diff, d2 + j);
      int k = j + DOUBLE_LANES;
      a = DoubleVector.fromArray(DOUBLES, x, stay + k);
      b = DoubleVector.fromArray(DOUBLES, x, advance + k);
      noSkip = DoubleVector.fromArray(DOUBLES, skipAllowed, f + k).compare(VectorOperators.EQ, 0d);
      c = DoubleVector.fromArray(DOUBLES, x, skip + k).blend(NEG_INF, noSkip);
      m = a.max(b.max(c));
      aIsMax = a.compare(VectorOperators.EQ, m);
      aOrBIsMax = aIsMax.or(b.compare(VectorOperators.EQ, m));
      unreached = m.compare(VectorOperators.EQ, NEG_INF);
      m.intoArray(max, mo + k);
      a.blend(b, aIsMax).sub(m).blend(m, unreached).intoArray(diff, d1 + k);
      b.blend(c, aOrBIsMax).sub(m).blend(m, unreached).intoArray(diff, d2 + k);
    }
  }

  /** {@code a[o+j] = ScalarDoubleMath.exp(a[o+j])} for j < n, n a multiple of two vectors; two per iteration. */
  private static void exp(double[] a, int o, int n) {
    // exp's constants that are vector operands, made here and held in registers by the loop (see the class
    // comment); the scalar overloads (max, fma(double, double), sub, mul) broadcast the others, touching no memory
    DoubleVector negLn2 = DoubleVector.broadcast(DOUBLES, NEG_LN2);
    DoubleVector negLn2Lo = DoubleVector.broadcast(DOUBLES, NEG_LN2_LO);
    DoubleVector c11 = DoubleVector.broadcast(DOUBLES, C11);
    DoubleVector c10 = DoubleVector.broadcast(DOUBLES, C10);
    DoubleVector c9 = DoubleVector.broadcast(DOUBLES, C9);
    DoubleVector c8 = DoubleVector.broadcast(DOUBLES, C8);
    DoubleVector c7 = DoubleVector.broadcast(DOUBLES, C7);
    DoubleVector c6 = DoubleVector.broadcast(DOUBLES, C6);
    DoubleVector c5 = DoubleVector.broadcast(DOUBLES, C5);
    DoubleVector c4 = DoubleVector.broadcast(DOUBLES, C4);
    DoubleVector c3 = DoubleVector.broadcast(DOUBLES, C3);
    DoubleVector c2 = DoubleVector.broadcast(DOUBLES, C2);
    DoubleVector one = DoubleVector.broadcast(DOUBLES, ONE);
    for (int j = o, end = o + n; j < end; j += 2 * DOUBLE_LANES) {
      DoubleVector xc = DoubleVector.fromArray(DOUBLES, a, j).max(EXP_CLAMP_LO);
      DoubleVector z = xc.fma(LOG2E, ROUND_MAGIC);
      DoubleVector nd = z.sub(ROUND_MAGIC);
      DoubleVector r = nd.fma(negLn2Lo, nd.fma(negLn2, xc));
      DoubleVector p = r.fma(C13, C12).fma(r, c11).fma(r, c10).fma(r, c9).fma(r, c8).fma(r, c7).fma(r, c6)
          .fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2).fma(r, one).fma(r, one);
      DoubleVector scale = z.reinterpretAsLongs().lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
      p.mul(scale).mul(TWO_M64).intoArray(a, j);
      int k = j + DOUBLE_LANES;
      xc = DoubleVector.fromArray(DOUBLES, a, k).max(EXP_CLAMP_LO);
      z = xc.fma(LOG2E, ROUND_MAGIC);
      nd = z.sub(ROUND_MAGIC);
      r = nd.fma(negLn2Lo, nd.fma(negLn2, xc));
      p = r.fma(C13, C12).fma(r, c11).fma(r, c10).fma(r, c9).fma(r, c8).fma(r, c7).fma(r, c6)
          .fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2).fma(r, one).fma(r, one);
      scale = z.reinterpretAsLongs().lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
      p.mul(scale).mul(TWO_M64).intoArray(a, k);
    }
  }

  /**
   * {@link io.simdloss.internal.LossKernels#occupancy}: {@code exp(min(((alpha + beta) - emit) - logLikelihood,
   * 0))}, +0 where alpha or beta is -inf. Vectorized only when {@link PanamaVectorConstants#DOUBLE_MASKS} (at 128
   * bits, scalar).
   */
  public static void occupancy(double[] alpha, int ao, double[] beta, int bo, double[] emit, int eo,
      double logLikelihood, double[] dst, int d, int n) {
    // exp's constants that are vector operands, made here and held in registers by the loop (see the class
    // comment); the scalar overloads (max, fma(double, double), sub, mul) broadcast the others, touching no memory
    DoubleVector negLn2 = DoubleVector.broadcast(DOUBLES, NEG_LN2);
    DoubleVector negLn2Lo = DoubleVector.broadcast(DOUBLES, NEG_LN2_LO);
    DoubleVector c11 = DoubleVector.broadcast(DOUBLES, C11);
    DoubleVector c10 = DoubleVector.broadcast(DOUBLES, C10);
    DoubleVector c9 = DoubleVector.broadcast(DOUBLES, C9);
    DoubleVector c8 = DoubleVector.broadcast(DOUBLES, C8);
    DoubleVector c7 = DoubleVector.broadcast(DOUBLES, C7);
    DoubleVector c6 = DoubleVector.broadcast(DOUBLES, C6);
    DoubleVector c5 = DoubleVector.broadcast(DOUBLES, C5);
    DoubleVector c4 = DoubleVector.broadcast(DOUBLES, C4);
    DoubleVector c3 = DoubleVector.broadcast(DOUBLES, C3);
    DoubleVector c2 = DoubleVector.broadcast(DOUBLES, C2);
    DoubleVector one = DoubleVector.broadcast(DOUBLES, ONE);
    int j = 0;
    for (int bound = DOUBLE_MASKS ? DOUBLES.loopBound(n) : 0; j < bound; j += DOUBLE_LANES) {
      DoubleVector a = DoubleVector.fromArray(DOUBLES, alpha, ao + j);
      DoubleVector b = DoubleVector.fromArray(DOUBLES, beta, bo + j);
      VectorMask<Double> dead = a.compare(VectorOperators.EQ, NEG_INF).or(b.compare(VectorOperators.EQ, NEG_INF));
      DoubleVector exponent = a.add(b).sub(DoubleVector.fromArray(DOUBLES, emit, eo + j)).sub(logLikelihood).min(0d);
      // exp(exponent), as ScalarDoubleMath.exp
      DoubleVector xc = exponent.max(EXP_CLAMP_LO);
      DoubleVector z = xc.fma(LOG2E, ROUND_MAGIC);
      DoubleVector nd = z.sub(ROUND_MAGIC);
      DoubleVector r = nd.fma(negLn2Lo, nd.fma(negLn2, xc));
      DoubleVector p = r.fma(C13, C12).fma(r, c11).fma(r, c10).fma(r, c9).fma(r, c8).fma(r, c7).fma(r, c6)
          .fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2).fma(r, one).fma(r, one);
      DoubleVector scale = z.reinterpretAsLongs().lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
      p.mul(scale).mul(TWO_M64).blend(0d, dead).intoArray(dst, d + j);
    }
    TAIL.occupancy(alpha, ao + j, beta, bo + j, emit, eo + j, logLikelihood, dst, d + j, n - j);
  }

  /**
   * {@code dst[d+j] = ScalarDoubleMath.logAddExpFinish(max[mo+j], e[e1+j], e[e2+j]) + emit[eo+j]}, that is
   * {@code max + log1p(e1 + e2)} (max itself when infinite) plus the emission, for {@code j < n}; {@code dst} may
   * be {@code max}. Vectorized only when {@link PanamaVectorConstants#DOUBLE_MASKS} (at 128 bits, scalar).
   */
  public static void logAddExpFinish(double[] max, int mo, double[] e, int e1, int e2, double[] emit, int eo,
      double[] dst, int d, int n) {
    // log1p's constants as vectors made here, held in registers by the loop (see the class comment)
    DoubleVector lg5 = DoubleVector.broadcast(DOUBLES, LG5);
    DoubleVector lg4 = DoubleVector.broadcast(DOUBLES, LG4);
    DoubleVector lg3 = DoubleVector.broadcast(DOUBLES, LG3);
    DoubleVector lg2 = DoubleVector.broadcast(DOUBLES, LG2);
    DoubleVector lg1 = DoubleVector.broadcast(DOUBLES, LG1);
    DoubleVector logLn2Hi = DoubleVector.broadcast(DOUBLES, LOG_LN2_HI);
    DoubleVector one = DoubleVector.broadcast(DOUBLES, ONE);
    DoubleVector two = DoubleVector.broadcast(DOUBLES, TWO);
    DoubleVector half = DoubleVector.broadcast(DOUBLES, HALF);
    int j = 0;
    for (int bound = DOUBLE_MASKS ? DOUBLES.loopBound(n) : 0; j < bound; j += DOUBLE_LANES) {
      DoubleVector m = DoubleVector.fromArray(DOUBLES, max, mo + j);
      DoubleVector u = DoubleVector.fromArray(DOUBLES, e, e1 + j).add(DoubleVector.fromArray(DOUBLES, e, e2 + j));
      // log1p(u), as ScalarDoubleMath.log1p
      DoubleVector w = u.add(one);
      DoubleVector err = u.sub(w.sub(one)).blend(one.sub(w.sub(u)), u.compare(VectorOperators.GT, 1d));
      DoubleVector correction = err.div(w);
      LongVector bits = w.reinterpretAsLongs();
      LongVector k = bits.sub(SQRT_HALF_BITS).lanewise(VectorOperators.ASHR, 52);
      DoubleVector f = bits.sub(k.lanewise(VectorOperators.LSHL, 52)).reinterpretAsDoubles().sub(one);
      DoubleVector kd = k.add(K_MAGIC_BITS).reinterpretAsDoubles().sub(K_MAGIC);
      DoubleVector s = f.div(two.add(f));
      DoubleVector z = s.mul(s);
      DoubleVector r = z.fma(LG7, LG6).fma(z, lg5).fma(z, lg4).fma(z, lg3).fma(z, lg2).fma(z, lg1).mul(z);
      DoubleVector halfSquare = half.mul(f).mul(f);
      DoubleVector inner = s.fma(halfSquare.add(r), kd.mul(LOG_LN2_LO));
      DoubleVector log1p = kd.fma(logLn2Hi, halfSquare.sub(inner).sub(f).neg()).add(correction);
      // ScalarDoubleMath.logAddExpFinish, plus the emission
      m.add(log1p)
          .blend(m, m.abs().compare(VectorOperators.EQ, Double.POSITIVE_INFINITY))
          .add(DoubleVector.fromArray(DOUBLES, emit, eo + j))
          .intoArray(dst, d + j);
    }
    TAIL.logAddExpFinish(max, mo + j, e, e1 + j, e2 + j, emit, eo + j, dst, d + j, n - j);
  }
}
