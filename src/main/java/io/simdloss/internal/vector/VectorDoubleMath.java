package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaVectorConstants.DOUBLES;
import static io.simdloss.internal.vector.PanamaVectorConstants.DOUBLE_LANES;
import static io.simdloss.internal.vector.PanamaVectorConstants.DOUBLE_MASKS;

import io.simdloss.internal.ScalarDoubleMath;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The double {@code exp} and {@code log1p} of the CTC recursion as array kernels: the lanewise twin of
 * {@link io.simdloss.internal.ScalarDoubleMath}, performing per lane exactly its sequence of IEEE-754
 * operations, so every element is bit-identical to the scalar method (NaN payloads aside). Methods, error bounds
 * and the meaning of the constants are documented there; the constants are repeated here and must stay equal.
 *
 * <p>Why array kernels, with the function written out inside the loop, and not {@code DoubleVector -> DoubleVector}
 * methods as in {@link VectorMath}: a double exp is about 20 Vector API operations and the log1p about 30, so a
 * method holding either is big, and a big method that C2 has already compiled on its own is no longer inlined
 * into its callers ({@code InlineSmallCode}), which then box every vector they pass. The first version, written
 * as such methods, allocated 36 KB per CTC call in one test JVM ({@code CTCGradientTest.allocatesNothingOnceWarm},
 * session 11; not traced further). A loop with the arithmetic inside has no call for a vector to cross. Each
 * loop holds one function, which also keeps the compilation far from C2's {@code NodeCountInliningCutoff} (see
 * {@link VectorMath}).
 */
public final class VectorDoubleMath {
  private VectorDoubleMath() {}

  // exp
  private static final DoubleVector ROUND_MAGIC = broadcast(0x1.8p52 + 1087d);
  private static final DoubleVector LOG2E = broadcast(0x1.71547652b82fep0);
  private static final DoubleVector NEG_LN2 = broadcast(-0x1.62e42fefa39efp-1);
  private static final DoubleVector NEG_LN2_LO = broadcast(-0x1.abc9e3b39803fp-56);
  private static final DoubleVector EXP_CLAMP_LO = broadcast(-746d);
  private static final DoubleVector TWO_M64 = broadcast(0x1p-64);
  private static final DoubleVector C2 = broadcast(1d / 2);
  private static final DoubleVector C3 = broadcast(1d / 6);
  private static final DoubleVector C4 = broadcast(1d / 24);
  private static final DoubleVector C5 = broadcast(1d / 120);
  private static final DoubleVector C6 = broadcast(1d / 720);
  private static final DoubleVector C7 = broadcast(1d / 5040);
  private static final DoubleVector C8 = broadcast(1d / 40320);
  private static final DoubleVector C9 = broadcast(1d / 362880);
  private static final DoubleVector C10 = broadcast(1d / 3628800);
  private static final DoubleVector C11 = broadcast(1d / 39916800);
  private static final DoubleVector C12 = broadcast(1d / 479001600);
  private static final DoubleVector C13 = broadcast(1d / 6227020800L);
  // log1p
  private static final long SQRT_HALF_BITS = 0x3fe6a09e667f3bcdL;
  private static final long K_MAGIC_BITS = 0x4338000000000000L;
  private static final DoubleVector K_MAGIC = broadcast(0x1.8p52);
  private static final DoubleVector LOG_LN2_HI = broadcast(0x1.62e42feep-1);
  private static final DoubleVector LOG_LN2_LO = broadcast(0x1.a39ef35793c76p-33);
  private static final DoubleVector LG1 = broadcast(6.666666666666735130e-01);
  private static final DoubleVector LG2 = broadcast(3.999999999940941908e-01);
  private static final DoubleVector LG3 = broadcast(2.857142874366239149e-01);
  private static final DoubleVector LG4 = broadcast(2.222219843214978396e-01);
  private static final DoubleVector LG5 = broadcast(1.818357216161805012e-01);
  private static final DoubleVector LG6 = broadcast(1.531383769920937332e-01);
  private static final DoubleVector LG7 = broadcast(1.479819860511658591e-01);
  // small numbers
  private static final DoubleVector ONE = broadcast(1d);
  private static final DoubleVector TWO = broadcast(2d);
  private static final DoubleVector HALF = broadcast(0.5d);

  private static DoubleVector broadcast(double c) {
    return DoubleVector.broadcast(DOUBLES, c);
  }

  /**
   * {@code dst[d+j] = ScalarDoubleMath.exp(a[ao+j])} for {@code j < n} (specified for arguments up to 664, as
   * there); {@code dst} may be {@code a}.
   */
  public static void exp(double[] a, int ao, double[] dst, int d, int n) {
    int j = 0;
    for (int bound = DOUBLES.loopBound(n); j < bound; j += DOUBLE_LANES) {
      DoubleVector x = DoubleVector.fromArray(DOUBLES, a, ao + j);
      DoubleVector xc = x.max(EXP_CLAMP_LO);
      DoubleVector z = xc.fma(LOG2E, ROUND_MAGIC);
      DoubleVector nd = z.sub(ROUND_MAGIC);
      DoubleVector r = nd.fma(NEG_LN2, xc);
      r = nd.fma(NEG_LN2_LO, r);
      DoubleVector q = r.fma(C13, C12).fma(r, C11).fma(r, C10).fma(r, C9).fma(r, C8).fma(r, C7).fma(r, C6)
          .fma(r, C5).fma(r, C4).fma(r, C3).fma(r, C2).fma(r, ONE);
      DoubleVector scale = z.reinterpretAsLongs().lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
      q.fma(r, ONE).mul(scale).mul(TWO_M64).intoArray(dst, d + j);
    }
    for (; j < n; j++) {
      dst[d + j] = ScalarDoubleMath.exp(a[ao + j]);
    }
  }

  /**
   * {@code dst[d+j] = ScalarDoubleMath.logAddExpFinish(max[mo+j], e[e1+j], e[e2+j]) + emit[eo+j]}, that is
   * {@code max + log1p(e1 + e2)} (max itself when infinite) plus the emission, for {@code j < n}; {@code dst} may
   * be {@code max}. Vectorized only when {@link PanamaVectorConstants#DOUBLE_MASKS} (at 128 bits, scalar).
   */
  public static void logAddExpFinish(double[] max, int mo, double[] e, int e1, int e2, double[] emit, int eo,
      double[] dst, int d, int n) {
    int j = 0;
    for (int bound = DOUBLE_MASKS ? DOUBLES.loopBound(n) : 0; j < bound; j += DOUBLE_LANES) {
      DoubleVector m = DoubleVector.fromArray(DOUBLES, max, mo + j);
      DoubleVector u = DoubleVector.fromArray(DOUBLES, e, e1 + j).add(DoubleVector.fromArray(DOUBLES, e, e2 + j));
      // log1p(u), as ScalarDoubleMath.log1p
      DoubleVector w = u.add(ONE);
      DoubleVector err = u.sub(w.sub(ONE)).blend(ONE.sub(w.sub(u)), u.compare(VectorOperators.GT, 1d));
      DoubleVector correction = err.div(w);
      LongVector bits = w.reinterpretAsLongs();
      LongVector k = bits.sub(SQRT_HALF_BITS).lanewise(VectorOperators.ASHR, 52);
      DoubleVector f = bits.sub(k.lanewise(VectorOperators.LSHL, 52)).reinterpretAsDoubles().sub(ONE);
      DoubleVector kd = k.add(K_MAGIC_BITS).reinterpretAsDoubles().sub(K_MAGIC);
      DoubleVector s = f.div(TWO.add(f));
      DoubleVector z = s.mul(s);
      DoubleVector r = z.fma(LG7, LG6).fma(z, LG5).fma(z, LG4).fma(z, LG3).fma(z, LG2).fma(z, LG1).mul(z);
      DoubleVector halfSquare = HALF.mul(f).mul(f);
      DoubleVector inner = s.fma(halfSquare.add(r), kd.mul(LOG_LN2_LO));
      DoubleVector log1p = kd.fma(LOG_LN2_HI, halfSquare.sub(inner).sub(f).neg()).add(correction);
      // ScalarDoubleMath.logAddExpFinish, plus the emission
      m.add(log1p)
          .blend(m, m.abs().compare(VectorOperators.EQ, Double.POSITIVE_INFINITY))
          .add(DoubleVector.fromArray(DOUBLES, emit, eo + j))
          .intoArray(dst, d + j);
    }
    for (; j < n; j++) {
      dst[d + j] = ScalarDoubleMath.logAddExpFinish(max[mo + j], e[e1 + j], e[e2 + j]) + emit[eo + j];
    }
  }
}
