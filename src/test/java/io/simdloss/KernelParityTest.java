package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.simdloss.internal.KernelProvider;
import io.simdloss.internal.LossKernels;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The active kernels ({@link KernelProvider#get()}) against the plain-Java ones ({@link KernelProvider#scalar()})
 * and both against float64 formulas written here, through the {@link LossKernels} interface only (no Vector API
 * type is named, so this class loads without the incubator module). Every method, lengths 0..70, 1021 and 4099,
 * at nonzero and unequal offsets, with sentinels around each output range.
 *
 * <ul>
 *   <li>Elementwise maps: the two kernels agree within 2 ulp of the element's magnitude (the size of the
 *       quantities its formula adds or subtracts; both use the same exp/log twins, so most are identical), and
 *       the scalar one is within 1e-6 of that magnitude from the float64 formula.
 *   <li>Reductions sum in different orders: each is within 1e-5 of the magnitude of what it sums (e.g.
 *       {@code sum |a_i|}) from the float64 reference.
 * </ul>
 * The vector comparison is skipped (an assumption) when the active backend is the scalar one.
 */
class KernelParityTest {

  static final double MAP_RTOL = 1e-6;
  static final double REDUCTION_RTOL = 1e-5;
  static final float SENTINEL = -777.25f;

  static IntStream lengths() {
    return IntStream.concat(IntStream.rangeClosed(0, 70), IntStream.of(1021, 4099));
  }

  /** (a offset, b offset, dst offset) triples: aligned, unequal, and larger. */
  static final int[][] OFFSETS = {{0, 0, 0}, {3, 5, 1}, {17, 1, 9}};

  static boolean vectorActive() {
    return !KernelProvider.get().describe().startsWith("scalar");
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("lengths")
  void scalarKernelsMatchFloat64(int n) {
    runAll(KernelProvider.scalar(), null, n);
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("lengths")
  void activeKernelsMatchScalarAndFloat64(int n) {
    assumeTrue(vectorActive(), () -> "the active backend is " + KernelProvider.get().describe());
    runAll(KernelProvider.get(), KernelProvider.scalar(), n);
  }

  // ---- harness ----------------------------------------------------------------------------------------------

  /** An elementwise kernel call. */
  interface Map {
    void apply(LossKernels k, float[] a, int ao, float[] b, int bo, float[] dst, int d, int n);
  }

  /** The float64 value and magnitude of one element. */
  interface Formula {
    double[] of(double a, double b);
  }

  interface Gen {
    float next(Random rng, int i);
  }

  static float[] gen(int n, int offset, Random rng, Gen g) {
    float[] x = new float[offset + n + 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = g.next(rng, i - offset);
    }
    return x;
  }

  static float[] sentinels(int length) {
    float[] x = new float[length];
    Arrays.fill(x, SENTINEL);
    return x;
  }

  static void assertSentinelsOutside(float[] dst, int d, int n, String ctx) {
    for (int i = 0; i < dst.length; i++) {
      if ((i < d || i >= d + n) && Float.floatToIntBits(dst[i]) != Float.floatToIntBits(SENTINEL)) {
        fail(ctx + ": wrote dst[" + i + "] outside [" + d + ", " + (d + n) + ")");
      }
    }
  }

  /**
   * Runs one map with kernel {@code k} (and {@code twin}, if any) over {@code n} elements at every offset triple;
   * {@code b} values are generated with {@code gb} where {@code gb} is not null, else from {@code ga}'s partner.
   */
  static void checkMap(String name, LossKernels k, LossKernels twin, int n, long seed, Gen ga, Gen gb, Map map,
      Formula f) {
    for (int[] off : OFFSETS) {
      Random rng = new Random(seed + 31L * n + off[0]);
      float[] a = gen(n, off[0], rng, ga);
      float[] b = gen(n, off[1], rng, gb);
      float[] a0 = a.clone();
      float[] b0 = b.clone();
      float[] dst = sentinels(off[2] + n + 4);
      String ctx = name + " n=" + n + " offsets=" + Arrays.toString(off) + " [" + k.describe() + "]";
      map.apply(k, a, off[0], b, off[1], dst, off[2], n);
      assertArrayEquals(a0, a, ctx + ": first input changed");
      assertArrayEquals(b0, b, ctx + ": second input changed");
      assertSentinelsOutside(dst, off[2], n, ctx);
      float[] other = null;
      if (twin != null) {
        other = sentinels(dst.length);
        map.apply(twin, a, off[0], b, off[1], other, off[2], n);
      }
      for (int i = 0; i < n; i++) {
        double[] ref = f.of(a[off[0] + i], b[off[1] + i]);
        float got = dst[off[2] + i];
        double mag = Math.max(Math.abs(ref[0]), ref[1]);
        if (!(Math.abs(got - ref[0]) <= MAP_RTOL * mag + Float.MIN_NORMAL)) {
          fail(ctx + ": element " + i + " (a=" + a[off[0] + i] + ", b=" + b[off[1] + i] + "): got " + got
              + ", float64 " + ref[0] + " (magnitude " + ref[1] + ")");
        }
        if (other != null) {
          float s = other[off[2] + i];
          if (!(Math.abs(got - s) <= 2 * Math.ulp((float) mag) + Float.MIN_NORMAL)) {
            fail(ctx + ": element " + i + " (a=" + a[off[0] + i] + ", b=" + b[off[1] + i] + "): " + k.describe()
                + " gives " + got + ", " + twin.describe() + " gives " + s + " (more than 2 ulp of " + mag + ")");
          }
        }
      }
    }
  }

  static void runAll(LossKernels k, LossKernels twin, int n) {
    // ---- inputs
    Gen normal = (r, i) -> (float) (2 * r.nextGaussian());
    Gen sign = (r, i) -> r.nextBoolean() ? 1f : -1f;
    Gen unit = (r, i) -> i % 9 == 4 ? 0f : i % 9 == 7 ? 1f : r.nextFloat();
    // logits with far-out values every 7th element: the softplus forms must stay finite
    float[] far = {30f, -30f, 100f, -100f, 1e4f, -1e4f, 0f, 88.5f, -88.5f};
    Gen logits = (r, i) -> i % 7 == 3 ? far[Math.floorMod(i, far.length)] : (float) (2 * r.nextGaussian());
    Gen probability = (r, i) -> i % 11 == 5 ? 0f : i % 11 == 6 ? 1f : 0.001f + 0.998f * r.nextFloat();
    // quarters, so that a - b == rho and a * b == margin can be hit exactly
    Gen quarters = (r, i) -> (r.nextInt(33) - 16) / 4f;

    checkMap("squaredError", k, twin, n, 1, normal, normal, LossKernels::squaredError, (a, b) -> {
      double v = (a - b) * (a - b);
      return new double[] {v, v};
    });
    checkMap("absoluteError", k, twin, n, 2, normal, normal, LossKernels::absoluteError, (a, b) -> {
      double v = Math.abs(a - b);
      return new double[] {v, v};
    });
    // quarters by index, so that the second operand can be chosen against the first exactly
    Gen quarterByIndex = (r, i) -> (Math.floorMod(i * 7 + 3, 33) - 16) / 4f;
    for (float rho : new float[] {1f, 0.5f, 2.5f}) {
      // every 3rd element sits exactly on |a - b| == rho (a quarter minus rho is exact)
      Gen onRho = (r, i) -> i % 3 == 0 ? quarterByIndex.next(r, i) - rho : quarters.next(r, i);
      checkMap("huber rho=" + rho, k, twin, n, 3, quarterByIndex, onRho,
          (kk, a, ao, b, bo, dst, d, len) -> kk.huber(rho, a, ao, b, bo, dst, d, len),
          (a, b) -> {
            double v = Reference.huber(a, b, rho);
            return new double[] {v, v};
          });
    }
    Gen alternating = (r, i) -> Math.floorMod(i, 2) == 0 ? 1f : -1f;
    for (float margin : new float[] {1f, -0.5f, 2f}) {
      // every 3rd element sits exactly on the kink a*b == margin
      Gen onKink = (r, i) -> i % 3 == 0 ? margin * alternating.next(r, i) : quarters.next(r, i);
      checkMap("hinge margin=" + margin, k, twin, n, 4, onKink, alternating,
          (kk, a, ao, b, bo, dst, d, len) -> kk.hinge(margin, a, ao, b, bo, dst, d, len),
          (a, b) -> new double[] {Reference.hinge(a, b, margin), Reference.hingeMagnitude(a, b, margin)});
      checkMap("squaredHinge margin=" + margin, k, twin, n, 5, onKink, alternating,
          (kk, a, ao, b, bo, dst, d, len) -> kk.squaredHinge(margin, a, ao, b, bo, dst, d, len),
          (a, b) -> {
            double h = Reference.hinge(a, b, margin);
            double m = Reference.hingeMagnitude(a, b, margin);
            return new double[] {h * h, m * m};
          });
    }
    checkMap("logistic", k, twin, n, 6, logits, sign, LossKernels::logistic, (a, b) -> {
      double t = -a * b; // log(1 + exp(t)), evaluated stably in double
      double v = t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
      return new double[] {v, v};
    });
    checkMap("sigmoidBce", k, twin, n, 7, logits, unit, LossKernels::sigmoidBce,
        (a, b) -> new double[] {Reference.bceLogits(a, b), Reference.bceLogitsMagnitude(a, b)});
    checkMap("sigmoidBceFromProbability", k, twin, n, 8, probability, unit, LossKernels::sigmoidBceFromProbability,
        (a, b) -> new double[] {bceProbabilityFloatEps(a, b), Reference.bceProbabilityMagnitude(a, b)});
    for (float shift : new float[] {0f, 1.75f, -3.5f}) {
      checkMap("klDivergence shift=" + shift, k, twin, n, 9, unit, normal,
          (kk, a, ao, b, bo, dst, d, len) -> kk.klDivergence(a, ao, b, bo, shift, 0.625f, dst, d, len),
          (z, p) -> kl(z, p, shift, 0.625f));
    }
    checkKlShifted(k, twin, n);
    checkTriplet(k, twin, n);

    checkSumAndDot(k, n);
    checkLogSumExp(k, n);
    checkCrossEntropy(k, n);
    checkStrided(k, n);
  }

  /** Gluon's from-probability BCE with the float32 guard 1e-12f that the kernel adds in float. */
  static double bceProbabilityFloatEps(double p, double z) {
    double eps = 1e-12f;
    return -(Math.log(p + eps) * z + Math.log(1. - p + eps) * (1. - z));
  }

  static double[] kl(double z, double p, double shift, double logSum) {
    double logz = Math.log(z + (double) 1e-12f);
    return new double[] {z * (logz - ((p - shift) - logSum)),
        Math.abs(z) * (Math.abs(logz) + Math.abs(p) + Math.abs(shift) + Math.abs(logSum))};
  }

  static void checkKlShifted(LossKernels k, LossKernels twin, int n) {
    for (int[] off : OFFSETS) {
      Random rng = new Random(10 + n);
      int so = off[2] + 2;
      float[] label = gen(n, off[0], rng, (r, i) -> i % 5 == 0 ? 0f : r.nextFloat());
      float[] pred = gen(n, off[1], rng, (r, i) -> (float) (2 * r.nextGaussian()));
      float[] shift = gen(n, so, rng, (r, i) -> (float) (3 * r.nextGaussian()));
      float[] logSum = gen(n, so, rng, (r, i) -> (float) (2 * r.nextFloat()));
      float[] l0 = label.clone();
      float[] p0 = pred.clone();
      float[] s0 = shift.clone();
      String ctx = "klDivergenceShifted n=" + n + " offsets=" + Arrays.toString(off) + " [" + k.describe() + "]";
      float[] dst = sentinels(off[2] + n + 4);
      k.klDivergenceShifted(label, off[0], pred, off[1], shift, logSum, so, dst, off[2], n);
      assertArrayEquals(l0, label, ctx);
      assertArrayEquals(p0, pred, ctx);
      assertArrayEquals(s0, shift, ctx);
      assertSentinelsOutside(dst, off[2], n, ctx);
      float[] other = null;
      if (twin != null) {
        other = sentinels(dst.length);
        twin.klDivergenceShifted(label, off[0], pred, off[1], shift, logSum, so, other, off[2], n);
      }
      for (int i = 0; i < n; i++) {
        double[] ref = kl(label[off[0] + i], pred[off[1] + i], shift[so + i], logSum[so + i]);
        elementCheck(ctx, i, dst[off[2] + i], other == null ? Float.NaN : other[off[2] + i], other != null, ref);
      }
    }
  }

  static void checkTriplet(LossKernels k, LossKernels twin, int n) {
    for (int[] off : OFFSETS) {
      Random rng = new Random(11 + n);
      int ro = off[0] + off[1] + 1;
      float[] p = gen(n, off[0], rng, (r, i) -> (float) r.nextGaussian());
      float[] q = gen(n, off[1], rng, (r, i) -> (float) r.nextGaussian());
      float[] rr = gen(n, ro, rng, (r, i) -> (float) r.nextGaussian());
      float[] p0 = p.clone();
      float[] q0 = q.clone();
      float[] r0 = rr.clone();
      String ctx = "tripletTerm n=" + n + " offsets=" + Arrays.toString(off) + " [" + k.describe() + "]";
      float[] dst = sentinels(off[2] + n + 4);
      k.tripletTerm(p, off[0], q, off[1], rr, ro, dst, off[2], n);
      assertArrayEquals(p0, p, ctx);
      assertArrayEquals(q0, q, ctx);
      assertArrayEquals(r0, rr, ctx);
      assertSentinelsOutside(dst, off[2], n, ctx);
      float[] other = null;
      if (twin != null) {
        other = sentinels(dst.length);
        twin.tripletTerm(p, off[0], q, off[1], rr, ro, other, off[2], n);
      }
      for (int i = 0; i < n; i++) {
        double x = p[off[0] + i];
        double a = (x - q[off[1] + i]) * (x - q[off[1] + i]);
        double b = (x - rr[ro + i]) * (x - rr[ro + i]);
        elementCheck(ctx, i, dst[off[2] + i], other == null ? Float.NaN : other[off[2] + i], other != null,
            new double[] {a - b, a + b});
      }
    }
  }

  static void elementCheck(String ctx, int i, float got, float twinGot, boolean hasTwin, double[] ref) {
    double mag = Math.max(Math.abs(ref[0]), ref[1]);
    if (!(Math.abs(got - ref[0]) <= MAP_RTOL * mag + Float.MIN_NORMAL)) {
      fail(ctx + ": element " + i + ": got " + got + ", float64 " + ref[0] + " (magnitude " + ref[1] + ")");
    }
    if (hasTwin && !(Math.abs(got - twinGot) <= 2 * Math.ulp((float) mag) + Float.MIN_NORMAL)) {
      fail(ctx + ": element " + i + ": " + got + " vs scalar " + twinGot + " (more than 2 ulp of " + mag + ")");
    }
  }

  // ---- reductions ---------------------------------------------------------------------------------------------

  static void reductionCheck(String ctx, double got, double ref, double magnitude) {
    double tol = REDUCTION_RTOL * Math.max(Math.abs(ref), magnitude) + Float.MIN_NORMAL;
    if (!(Math.abs(got - ref) <= tol)) {
      fail(ctx + ": got " + got + ", float64 " + ref + " (magnitude " + magnitude + ", tolerance " + tol + ")");
    }
  }

  static void checkSumAndDot(LossKernels k, int n) {
    for (int[] off : OFFSETS) {
      Random rng = new Random(12 + n);
      float[] a = gen(n, off[0], rng, (r, i) -> (float) (3 * r.nextGaussian()));
      float[] b = gen(n, off[1], rng, (r, i) -> (float) r.nextGaussian());
      float[] a0 = a.clone();
      float[] b0 = b.clone();
      String ctx = "n=" + n + " offsets=" + Arrays.toString(off) + " [" + k.describe() + "]";
      double s = 0;
      double sm = 0;
      double dt = 0;
      double dm = 0;
      for (int i = 0; i < n; i++) {
        double x = a[off[0] + i];
        double y = b[off[1] + i];
        s += x;
        sm += Math.abs(x);
        dt += x * y;
        dm += Math.abs(x * y);
      }
      float gotSum = k.sum(a, off[0], n);
      float gotDot = k.dot(a, off[0], b, off[1], n);
      if (n == 0) {
        assertEquals(0.0, gotSum, 0.0, "sum of nothing " + ctx);
        assertEquals(0.0, gotDot, 0.0, "dot of nothing " + ctx);
      }
      reductionCheck("sum " + ctx, gotSum, s, sm);
      reductionCheck("dot " + ctx, gotDot, dt, dm);
      // all positive: no cancellation, so the relative error is w.r.t. the result itself
      float[] pos = gen(n, off[0], rng, (r, i) -> r.nextFloat());
      double ps = 0;
      for (int i = 0; i < n; i++) {
        ps += pos[off[0] + i];
      }
      reductionCheck("sum of positives " + ctx, k.sum(pos, off[0], n), ps, ps);
      assertArrayEquals(a0, a, ctx);
      assertArrayEquals(b0, b, ctx);
    }
  }

  static void checkLogSumExp(LossKernels k, int n) {
    if (n == 0) {
      return; // n >= 1 by contract
    }
    for (float level : new float[] {0f, 100f, -100f, 1e4f}) {
      for (int[] off : OFFSETS) {
        Random rng = new Random(13 + n);
        // around +-100 a plain sum of exp over- or underflows: the max shift must be there
        float[] a = gen(n, off[0], rng, (r, i) -> level + (float) (2 * r.nextGaussian()));
        float[] a0 = a.clone();
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
          max = Math.max(max, a[off[0] + i]);
        }
        double ref = Reference.logSumExp(Reference.toDouble(a), off[0], n, 1);
        String ctx = "logSumExp level=" + level + " n=" + n + " offsets=" + Arrays.toString(off) + " ["
            + k.describe() + "]";
        // the result is max + log(sum): absolute errors of about ulp(max) plus the sum's relative error
        reductionCheck(ctx, k.logSumExp(a, off[0], n), ref, Math.abs(max) + Math.log(n) + 1);
        assertArrayEquals(a0, a, ctx);
      }
    }
  }

  static void checkCrossEntropy(LossKernels k, int n) {
    for (float lse : new float[] {0f, 2.5f, -40f}) {
      for (int[] off : OFFSETS) {
        Random rng = new Random(14 + n);
        float[] label = gen(n, off[0], rng, (r, i) -> r.nextFloat());
        float[] pred = gen(n, off[1], rng, (r, i) -> (float) (2 * r.nextGaussian()));
        double ref = 0;
        double mag = 0;
        for (int i = 0; i < n; i++) {
          double z = label[off[0] + i];
          double p = pred[off[1] + i];
          ref += z * ((lse - p) + 0.375);
          mag += Math.abs(z) * (Math.abs(lse) + Math.abs(p) + 0.375);
        }
        String ctx = "crossEntropy lse=" + lse + " n=" + n + " offsets=" + Arrays.toString(off) + " ["
            + k.describe() + "]";
        float got = k.crossEntropy(label, off[0], pred, off[1], lse, 0.375f, n);
        if (n == 0) {
          assertEquals(0.0, got, 0.0, ctx);
        }
        reductionCheck(ctx, got, ref, mag);
      }
    }
  }

  /** The strided forms: n positions, {@code classes} values each, {@code stride} apart (stride >= n). */
  static void checkStrided(LossKernels k, int n) {
    for (int classes : new int[] {1, 3, 7}) {
      for (int[] off : OFFSETS) {
        int stride = n + off[1]; // extra room between classes when the offset is nonzero
        Random rng = new Random(15L + n * 7L + classes);
        int ao = off[0];
        int length = ao + classes * stride + 2;
        float level = classes == 3 ? 90f : 0f; // exp(90 + x) overflows a float without the shift
        float[] a = new float[length];
        float[] label = new float[length];
        for (int i = 0; i < length; i++) {
          a[i] = level + (float) (2 * rng.nextGaussian());
          label[i] = rng.nextFloat();
        }
        float[] a0 = a.clone();
        float[] l0 = label.clone();
        String ctx = "classes=" + classes + " stride=" + stride + " n=" + n + " offsets=" + Arrays.toString(off)
            + " [" + k.describe() + "]";

        float[] shift = sentinels(off[2] + n + 3);
        float[] logSum = sentinels(off[2] + n + 3);
        k.logSumExpStrided(a, ao, classes, stride, shift, logSum, off[2], n);
        assertSentinelsOutside(shift, off[2], n, "logSumExpStrided " + ctx);
        assertSentinelsOutside(logSum, off[2], n, "logSumExpStrided " + ctx);
        double[] ad = Reference.toDouble(a);
        for (int j = 0; j < n; j++) {
          double ref = Reference.logSumExp(ad, ao + j, classes, stride);
          double max = Double.NEGATIVE_INFINITY;
          for (int c = 0; c < classes; c++) {
            max = Math.max(max, a[ao + c * stride + j]);
          }
          assertEquals(Float.isInfinite((float) max) ? 0f : (float) max, shift[off[2] + j], 0f, "shift " + ctx);
          reductionCheck("logSumExpStrided " + ctx + " position " + j,
              (double) shift[off[2] + j] + logSum[off[2] + j], ref, Math.abs(max) + Math.log(classes) + 1);
        }

        // cross-entropy against those log-sum-exps (as the loss uses them), read at offset so = off[2]
        int lo = ao + 1;
        float[] ce = sentinels(off[0] + n + 5);
        int d = off[0] + 1;
        float[] shiftCopy = shift.clone();
        float[] logSumCopy = logSum.clone();
        k.crossEntropyStrided(label, lo, a, ao, classes, stride, shift, logSum, off[2], ce, d, n);
        assertSentinelsOutside(ce, d, n, "crossEntropyStrided " + ctx);
        assertArrayEquals(shiftCopy, shift, "crossEntropyStrided changed shift " + ctx);
        assertArrayEquals(logSumCopy, logSum, "crossEntropyStrided changed logSum " + ctx);
        for (int j = 0; j < n; j++) {
          double m = shift[off[2] + j];
          double r = logSum[off[2] + j];
          double ref = 0;
          double mag = 0;
          for (int c = 0; c < classes; c++) {
            double z = label[lo + c * stride + j];
            double p = a[ao + c * stride + j];
            ref += z * ((m - p) + r);
            mag += Math.abs(z) * (Math.abs(m) + Math.abs(p) + Math.abs(r));
          }
          reductionCheck("crossEntropyStrided " + ctx + " position " + j, ce[d + j], ref, mag);
        }
        assertArrayEquals(a0, a, ctx);
        assertArrayEquals(l0, label, ctx);

        // expSumStrided: logSumExpStrided's shift, a sum whose log is its logSum (bit for bit), exps within 1e-6 of
        // float64's exp(a - shift); and, for these short class counts, expSum's sum and exps on each position's
        // values gathered into a row, bit for bit (the softmax gradient's transposed rows rely on it). Once into a
        // separate array, once in place.
        for (boolean inPlace : new boolean[] {false, true}) {
          float[] e = inPlace ? a.clone() : sentinels(length);
          float[] source = inPlace ? e : a;
          float[] shift2 = sentinels(off[2] + n + 3);
          float[] sum = sentinels(off[2] + n + 3);
          k.expSumStrided(source, ao, classes, stride, shift2, sum, off[2], e, n);
          String ctx2 = "expSumStrided " + (inPlace ? "in place " : "") + ctx;
          assertSentinelsOutside(shift2, off[2], n, ctx2);
          assertSentinelsOutside(sum, off[2], n, ctx2);
          if (!inPlace) {
            assertArrayEquals(a0, a, ctx2 + " changed a");
          }
          float[] row = new float[classes];
          float[] rowExp = new float[classes];
          for (int j = 0; j < n; j++) {
            int at = off[2] + j;
            assertEquals(Float.floatToIntBits(shift[at]), Float.floatToIntBits(shift2[at]), ctx2 + " shift " + j);
            assertEquals(Float.floatToIntBits(logSum[at]),
                Float.floatToIntBits(io.simdloss.internal.ScalarMath.log(sum[at])), ctx2 + " log of the sum " + j);
            for (int c = 0; c < classes; c++) {
              row[c] = a[ao + c * stride + j];
              double want = Math.exp((double) a[ao + c * stride + j] - shift2[at]);
              float got = e[ao + c * stride + j];
              assertEquals(want, got, want * 1e-6, ctx2 + " exp of class " + c + " position " + j);
            }
            float rowSum = k.expSum(row, 0, classes, shift2[at], rowExp, 0);
            assertEquals(Float.floatToIntBits(rowSum), Float.floatToIntBits(sum[at]), ctx2 + " expSum's sum " + j);
            for (int c = 0; c < classes; c++) {
              assertEquals(Float.floatToIntBits(rowExp[c]), Float.floatToIntBits(e[ao + c * stride + j]),
                  ctx2 + " expSum's exp of class " + c + " position " + j);
            }
          }
        }
      }
    }
  }
}
