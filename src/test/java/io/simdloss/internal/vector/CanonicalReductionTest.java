package io.simdloss.internal.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.simdloss.internal.KernelProvider;
import io.simdloss.internal.LossKernels;
import io.simdloss.internal.ScalarMath;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The contiguous reductions ({@code sum}, {@code dot}, {@code logSumExp}, {@code crossEntropy}) follow one
 * canonical order (64 logical accumulators fed in whole 16-element chunks, a halving tree, then a sequential
 * tail of at most 15 elements), so the chosen kernels must agree with the scalar kernels bit for bit, whatever
 * the vector width and whether the code runs interpreted, in C1 or in C2; and both must agree with the
 * order as specified here ({@link #canonical}), written from the definition without the kernels' loops.
 * Uses only the {@link LossKernels} interface, so it needs no Vector API type and runs in every surefire
 * execution; without the module it compares scalar with scalar.
 */
class CanonicalReductionTest {
  private static final LossKernels CHOSEN = KernelProvider.get();
  private static final LossKernels SCALAR = KernelProvider.scalar();
  private static final int HOT_ITERATIONS = Integer.getInteger("simdloss.test.hotIterations", 20_000);

  private enum Values { MIXED, POSITIVE, WIDE, SPECIAL, NEG_ZERO, POS_ZERO }

  private static float[] values(Values kind, int length, SplittableRandom r) {
    float[] x = new float[length];
    for (int i = 0; i < length; i++) {
      switch (kind) {
        case MIXED:
          x[i] = (float) (r.nextDouble() * 2 - 1);
          break;
        case POSITIVE:
          x[i] = (float) r.nextDouble();
          break;
        case WIDE: {
          // huge and tiny magnitudes (subnormals included), mixed signs
          float m = Math.scalb((float) (1 + r.nextDouble()), r.nextInt(-149, 100));
          x[i] = r.nextBoolean() ? m : -m;
          break;
        }
        case SPECIAL: {
          int pick = r.nextInt(40);
          x[i] = pick == 0 ? -0f : pick == 1 ? 0f : pick == 2 ? Float.POSITIVE_INFINITY
              : pick == 3 ? Float.NEGATIVE_INFINITY : pick == 4 ? Float.NaN
              : pick == 5 ? Float.intBitsToFloat(0xffc00321) // a NaN with the sign bit and a payload
              : (float) ((r.nextDouble() * 2 - 1) * 100);
          break;
        }
        case NEG_ZERO:
          x[i] = -0f;
          break;
        default:
          x[i] = 0f;
          break;
      }
    }
    return x;
  }

  private static void same(String what, float expected, float got) {
    boolean equal = Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(got)
        || (Float.isNaN(expected) && Float.isNaN(got));
    if (!equal) {
      fail(what + ": " + CHOSEN.describe() + " gives " + got + " (0x" + Integer.toHexString(Float.floatToRawIntBits(got))
          + "), scalar gives " + expected + " (0x" + Integer.toHexString(Float.floatToRawIntBits(expected)) + ")");
    }
  }

  /** A term of a reduction: the value the canonical order adds for element i. */
  private interface Term {
    float at(int i);
  }

  /**
   * The canonical order, from its definition: 64 logical lanes, all +0f; for i below {@code m = n - n % 16},
   * in increasing i, lane {@code i % 64} += term(i); then the window: for i from m to n - 1, lane
   * {@code m % 64 + (i - (n - 16))} += term(i) (the upper n % 16 lanes of the 16 that a next whole chunk would
   * fill); then lane[j] += lane[j + h] for j below h, h = 32, 16, ..., 1; the result is lane[0]. Below 16
   * elements: s = +0f, then s += term(i) in increasing i. ({@code dot} adds with one fused rounding, see
   * {@link #canonicalDot}.)
   */
  private static float canonical(int n, Term term) {
    if (n < 16) {
      float s = 0f;
      for (int i = 0; i < n; i++) {
        s += term.at(i);
      }
      return s;
    }
    float[] lane = new float[64];
    int m = n - n % 16;
    for (int i = 0; i < m; i++) {
      lane[i % 64] += term.at(i);
    }
    for (int i = m; i < n; i++) {
      lane[m % 64 + (i - (n - 16))] += term.at(i);
    }
    for (int h = 32; h >= 1; h /= 2) {
      for (int j = 0; j < h; j++) {
        lane[j] += lane[j + h];
      }
    }
    return lane[0];
  }

  /** As {@link #canonical}, with every addition of a product a fused multiply-add. */
  private static float canonicalDot(float[] a, int ao, float[] b, int bo, int n) {
    if (n < 16) {
      float s = 0f;
      for (int i = 0; i < n; i++) {
        s = Math.fma(a[ao + i], b[bo + i], s);
      }
      return s;
    }
    float[] lane = new float[64];
    int m = n - n % 16;
    for (int i = 0; i < m; i++) {
      lane[i % 64] = Math.fma(a[ao + i], b[bo + i], lane[i % 64]);
    }
    for (int i = m; i < n; i++) {
      int k = m % 64 + (i - (n - 16));
      lane[k] = Math.fma(a[ao + i], b[bo + i], lane[k]);
    }
    for (int h = 32; h >= 1; h /= 2) {
      for (int j = 0; j < h; j++) {
        lane[j] += lane[j + h];
      }
    }
    return lane[0];
  }

  private static float canonicalLogSumExp(float[] a, int ao, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, a[ao + i]);
    }
    float shift = Float.isInfinite(max) ? 0f : max;
    return ScalarMath.log(canonical(n, i -> ScalarMath.exp(a[ao + i] - shift))) + shift;
  }

  /**
   * The maximum from its definition: NaN if any element is NaN, otherwise the largest, +0 above -0; -inf for
   * an empty range. (MAX is exact, so every order gives these bits; the kernels may fold it any way.)
   */
  private static float specMax(float[] a, int ao, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      float x = a[ao + i];
      if (Float.isNaN(x)) {
        return Float.NaN;
      }
      if (x > max || (x == 0f && max == 0f && Float.floatToRawIntBits(x) == 0)) {
        max = x;
      }
    }
    return max;
  }

  private static void checkAll(String ctx, float[] a, int ao, float[] b, int bo, int n) {
    same("spec max " + ctx, specMax(a, ao, n), SCALAR.max(a, ao, n));
    same("max " + ctx, specMax(a, ao, n), CHOSEN.max(a, ao, n));
    same("spec sum " + ctx, canonical(n, i -> a[ao + i]), SCALAR.sum(a, ao, n));
    same("spec dot " + ctx, canonicalDot(a, ao, b, bo, n), SCALAR.dot(a, ao, b, bo, n));
    if (n >= 1) {
      float lse = canonicalLogSumExp(a, ao, n);
      same("spec logSumExp " + ctx, lse, SCALAR.logSumExp(a, ao, n));
      same("spec crossEntropy " + ctx, canonical(n, i -> b[bo + i] * ((lse - a[ao + i]) + 0f)),
          SCALAR.crossEntropy(b, bo, a, ao, lse, 0f, n));
    }
    same("sum " + ctx, SCALAR.sum(a, ao, n), CHOSEN.sum(a, ao, n));
    same("dot " + ctx, SCALAR.dot(a, ao, b, bo, n), CHOSEN.dot(a, ao, b, bo, n));
    if (n >= 1) {
      float lse = SCALAR.logSumExp(a, ao, n);
      same("logSumExp " + ctx, lse, CHOSEN.logSumExp(a, ao, n));
      // labels b, predictions a, the scalar log-sum-exp as shift (and a plain constant)
      same("crossEntropy " + ctx, SCALAR.crossEntropy(b, bo, a, ao, lse, 0f, n), CHOSEN.crossEntropy(b, bo, a, ao, lse, 0f, n));
      same("crossEntropy(1.5) " + ctx, SCALAR.crossEntropy(b, bo, a, ao, 1.5f, 0f, n),
          CHOSEN.crossEntropy(b, bo, a, ao, 1.5f, 0f, n));
    }
  }

  private static void sweep(int n, int[] offsets, SplittableRandom r) {
    for (Values kind : Values.values()) {
      for (int off : offsets) {
        float[] a = values(kind, n + off + 3, r);
        float[] b = values(kind == Values.SPECIAL ? Values.MIXED : kind, n + 2 * off + 1, r);
        checkAll(kind + " n=" + n + " offsets " + off + "/" + 2 * off, a, off, b, 2 * off, n);
        // label/pred roles swapped: specials in the labels too
        checkAll(kind + " swapped n=" + n + " offset " + off, b, 2 * off, a, off, n);
      }
    }
  }

  /** The triplet term as the kernels form it: {@code dq*dq - dr*dr}, each operation rounded to float. */
  private static float tripletTerm(float x, float y, float z) {
    float dq = x - y;
    float dr = x - z;
    return dq * dq - dr * dr;
  }

  /**
   * {@code tripletSum} (the terms summed as they are formed) against the canonical order from its definition, and
   * the chosen kernels against the scalar ones and against the buffered path it replaces ({@code tripletTerm}
   * into a buffer, then {@code sum}).
   */
  private static void checkTriplet(String ctx, float[] p, float[] q, float[] r, int o, int n) {
    float[] scratch = new float[n + 16];
    float spec = canonical(n, i -> tripletTerm(p[o + i], q[o + i], r[o + i]));
    same("spec tripletSum " + ctx, spec, SCALAR.tripletSum(p, q, r, o, n, scratch));
    same("tripletSum " + ctx, spec, CHOSEN.tripletSum(p, q, r, o, n, scratch));
    float[] terms = new float[n];
    CHOSEN.tripletTerm(p, o, q, o, r, o, terms, 0, n);
    same("tripletSum against tripletTerm + sum " + ctx, CHOSEN.sum(terms, 0, n), CHOSEN.tripletSum(p, q, r, o, n,
        scratch));
  }

  @Test
  void tripletSumIsTheBufferedTermsSumBitForBit() {
    SplittableRandom rnd = new SplittableRandom(1129);
    // every n to 200, then around the 512 and 1024 thresholds and past them
    int[] sizes = IntStream.concat(IntStream.rangeClosed(0, 200),
        IntStream.of(511, 512, 527, 1000, 1023, 1024, 1025, 2063, 4099)).toArray();
    for (int n : sizes) {
      for (Values kind : Values.values()) {
        for (int o : new int[] {0, 7}) {
          float[] p = values(kind, n + o, rnd);
          float[] q = values(kind == Values.SPECIAL ? Values.MIXED : kind, n + o, rnd);
          float[] r = values(kind, n + o, rnd);
          checkTriplet(kind + " n=" + n + " offset " + o, p, q, r, o, n);
        }
      }
    }
  }

  @Test
  void bitIdenticalForShortAndMediumRanges() {
    SplittableRandom r = new SplittableRandom(20261129);
    for (int n = 0; n <= 200; n++) {
      sweep(n, new int[] {0, 5}, r);
    }
  }

  @Test
  void bitIdenticalForLongRanges() {
    SplittableRandom r = new SplittableRandom(42);
    for (int n : new int[] {1021, 4099, 65536}) {
      sweep(n, new int[] {0, 3, 17}, r);
    }
  }

  /**
   * A hand case where the window order and the sequential tail it replaced differ. Element 0 is 2^24 and the last two
   * elements are 1, the rest 0, n = 16k + 1. The last element is the window (lane 16k % 64 + 15), the one before it
   * is lane (16k - 1) % 64; both are lanes 15 mod 16, so the halving fold adds the two 1s (exactly 2) before it adds
   * them to lane 0, and 2^24 + 2 is a float. Adding them one at a time after the fold, as the order did until
   * session 21, rounds 2^24 + 1 to even twice and gives 2^24.
   */
  @Test
  void theWindowMeetsItsLaneBeforeTheFoldReachesLaneZero() {
    for (int n : new int[] {17, 33, 49, 65, 81, 129, 1025}) {
      for (int off : new int[] {0, 3}) {
        float[] a = new float[off + n];
        float[] ones = new float[off + n];
        java.util.Arrays.fill(ones, 1f);
        a[off] = 0x1p24f;
        a[off + n - 2] = 1f;
        a[off + n - 1] = 1f;
        float expected = 0x1p24f + 2f;
        assertEquals(16777218f, expected);
        same("spec sum, hand case n=" + n, expected, canonical(n, i -> a[off + i]));
        same("scalar sum, hand case n=" + n, expected, SCALAR.sum(a, off, n));
        same("sum, hand case n=" + n, expected, CHOSEN.sum(a, off, n));
        same("scalar dot, hand case n=" + n, expected, SCALAR.dot(a, off, ones, off, n));
        same("dot, hand case n=" + n, expected, CHOSEN.dot(a, off, ones, off, n));
      }
    }
  }

  /**
   * Every window position (chunk c = 0 .. 3, r = n % 16 = 0 .. 15) in and past the 64-element block kernels, which
   * take over from n = 128 (8 lanes, JDK 17) and 512 (16 lanes, JDK 17), and past n = 2048, where JDK 17's dot at 4
   * lanes takes a kernel of its own ({@code Reductions4.dotBlocksCounted}): the chosen kernels against the scalar
   * ones, with {@code expSum}'s numerators too.
   */
  @Test
  void bitIdenticalForEveryWindowPastOneBlock() {
    SplittableRandom r = new SplittableRandom(2111);
    int[] sizes = IntStream.concat(IntStream.rangeClosed(201, 1100), IntStream.rangeClosed(2049, 2112)).toArray();
    for (int n : sizes) {
      int off = n % 3;
      float[] a = values(Values.MIXED, n + off, r);
      float[] b = values(Values.POSITIVE, n + off, r);
      same("sum n=" + n, SCALAR.sum(a, off, n), CHOSEN.sum(a, off, n));
      same("dot n=" + n, SCALAR.dot(a, off, b, 0, n), CHOSEN.dot(a, off, b, 0, n));
      same("crossEntropy n=" + n, SCALAR.crossEntropy(b, 0, a, off, 0.25f, 1.5f, n),
          CHOSEN.crossEntropy(b, 0, a, off, 0.25f, 1.5f, n));
      float[] e1 = new float[n + 2];
      float[] e2 = new float[n + 2];
      same("expSum n=" + n, SCALAR.expSum(a, off, n, 0.5f, e1, 2), CHOSEN.expSum(a, off, n, 0.5f, e2, 2));
      for (int i = 0; i < n + 2; i++) {
        same("expSum's numerator " + i + ", n=" + n, e1[i], e2[i]);
      }
    }
  }

  @Test
  void negativeZerosSumToPositiveZeroEverywhere() {
    for (int n : new int[] {1, 63, 64, 65, 128, 1000}) {
      float[] z = new float[n];
      java.util.Arrays.fill(z, -0f);
      same("sum of -0f n=" + n, SCALAR.sum(z, 0, n), CHOSEN.sum(z, 0, n));
      assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(CHOSEN.sum(z, 0, n)), "sum of -0f n=" + n);
    }
  }

  /**
   * A lane of the canonical dot can be -0f: fma(x, y, +0f) rounds a negative product that underflows to -0f. Here
   * every lane of the first chunk is such a -0f, and the other chunks' products are exactly -0f (0 * -1), which the
   * canonical fma onto +0f turns into +0f. So the canonical result is +0f, and a kernel that adds the products of
   * the later chunks as they are, -0f, onto the first ones gets -0f.
   */
  @Test
  void underflowingProductsKeepTheCanonicalSignOfZero() {
    for (int n : new int[] {16, 20, 32, 37, 48, 53, 64, 100, 512, 543, 560, 1000}) {
      float[] a = new float[n];
      float[] b = new float[n];
      for (int i = 0; i < n; i++) {
        boolean first = i < 16;
        a[i] = first ? -1e-30f : 0f;
        b[i] = first ? 1e-30f : -1f;
      }
      float expected = canonicalDot(a, 0, b, 0, n);
      assertEquals(0, Float.floatToRawIntBits(expected), "the canonical dot is +0f here, n=" + n);
      same("spec dot, underflow n=" + n, expected, SCALAR.dot(a, 0, b, 0, n));
      same("dot, underflow n=" + n, expected, CHOSEN.dot(a, 0, b, 0, n));
      same("dot, underflow, swapped n=" + n, expected, CHOSEN.dot(b, 0, a, 0, n));
    }
  }

  /**
   * From n = 64 on, every logical lane holds a product, so when each of them is a negative underflow the canonical
   * dot is -0f: fma(x, y, +0f) rounds each first product to -0f, and later fmas onto -0f stay -0f. A kernel that
   * forms the first products with a plain multiply and ends in {@code + 0f}, as the kernels below 64 may, gets +0f.
   */
  @Test
  void underflowEverywhereGivesTheCanonicalNegativeZero() {
    for (int n : new int[] {64, 65, 80, 100, 112, 127, 128, 200, 512, 527, 1000}) {
      float[] a = new float[n];
      float[] b = new float[n];
      java.util.Arrays.fill(a, -1e-30f);
      java.util.Arrays.fill(b, 1e-30f);
      float expected = canonicalDot(a, 0, b, 0, n);
      assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(expected), "the canonical dot is -0f, n=" + n);
      same("spec dot, underflow everywhere n=" + n, expected, SCALAR.dot(a, 0, b, 0, n));
      same("dot, underflow everywhere n=" + n, expected, CHOSEN.dot(a, 0, b, 0, n));
    }
  }

  /** The same inputs many times, so the kernels are compiled (C1, then C2) while the bits are checked. */
  @Test
  void bitIdenticalWhileCompiling() {
    SplittableRandom r = new SplittableRandom(7);
    int n = 200;
    float[] a = values(Values.MIXED, n + 1, r);
    float[] b = values(Values.POSITIVE, n + 1, r);
    float sum = SCALAR.sum(a, 1, n);
    float dot = SCALAR.dot(a, 1, b, 0, n);
    float lse = SCALAR.logSumExp(a, 1, n);
    float ce = SCALAR.crossEntropy(b, 0, a, 1, lse, 0f, n);
    float[] c = values(Values.MIXED, n + 1, r);
    float[] scratch = new float[n];
    float triplet = SCALAR.tripletSum(a, b, c, 1, n, scratch);
    // with and without a tail, one block and a partial one, and below one block (three and two chunks): the
    // loop-free kernels too
    int[] lengths = {n, 128, 100, 53, 37};
    for (int it = 0; it < HOT_ITERATIONS; it++) {
      int len = lengths[it % lengths.length];
      float s = len == n ? sum : SCALAR.sum(a, 1, len);
      same("hot sum it=" + it, s, CHOSEN.sum(a, 1, len));
      same("hot dot it=" + it, len == n ? dot : SCALAR.dot(a, 1, b, 0, len), CHOSEN.dot(a, 1, b, 0, len));
      float l = len == n ? lse : SCALAR.logSumExp(a, 1, len);
      same("hot logSumExp it=" + it, l, CHOSEN.logSumExp(a, 1, len));
      same("hot crossEntropy it=" + it, len == n ? ce : SCALAR.crossEntropy(b, 0, a, 1, l, 0f, len),
          CHOSEN.crossEntropy(b, 0, a, 1, l, 0f, len));
      same("hot tripletSum it=" + it, len == n ? triplet : SCALAR.tripletSum(a, b, c, 1, len, scratch),
          CHOSEN.tripletSum(a, b, c, 1, len, scratch));
    }
  }

  /** The canonical order is also accurate: within 1e-5 relative of float64 on positive data. */
  @Test
  void accurateAgainstFloat64() {
    SplittableRandom r = new SplittableRandom(99);
    for (int n : new int[] {1, 7, 63, 64, 65, 200, 1021, 4099, 65536}) {
      float[] a = values(Values.POSITIVE, n, r);
      float[] b = values(Values.POSITIVE, n, r);
      double sum = 0;
      double dot = 0;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        sum += a[i];
        dot += (double) a[i] * b[i];
        max = Math.max(max, a[i]);
      }
      double se = 0;
      for (int i = 0; i < n; i++) {
        se += Math.exp(a[i] - max);
      }
      double lse = Math.log(se) + max;
      float lsef = (float) lse;
      double ce = 0;
      for (int i = 0; i < n; i++) {
        ce += b[i] * ((double) lsef - a[i]);
      }
      for (LossKernels k : new LossKernels[] {CHOSEN, SCALAR}) {
        close("sum n=" + n + " " + k.describe(), sum, k.sum(a, 0, n));
        close("dot n=" + n + " " + k.describe(), dot, k.dot(a, 0, b, 0, n));
        close("logSumExp n=" + n + " " + k.describe(), lse, k.logSumExp(a, 0, n));
        close("crossEntropy n=" + n + " " + k.describe(), ce, k.crossEntropy(b, 0, a, 0, lsef, 0f, n));
      }
    }
  }

  private static void close(String what, double expected, float got) {
    assertTrue(Math.abs(got - expected) <= 1e-5 * Math.abs(expected), what + ": " + got + " vs float64 " + expected);
  }
}
