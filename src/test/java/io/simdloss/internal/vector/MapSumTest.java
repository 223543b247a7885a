package io.simdloss.internal.vector;

import static org.junit.jupiter.api.Assertions.fail;

import io.simdloss.internal.KernelProvider;
import io.simdloss.internal.LossKernels;
import io.simdloss.internal.PointwiseOp;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LossKernels#mapSum} is the fused form of two kernels that the other tests pin down: the op's map
 * kernel followed by {@code sum}, and the op's {@code ...WithGradient} kernel with a constant upstream factor.
 * It must give exactly their bits (sum and every gradient element), in the chosen backend and in the scalar
 * one, for every op, range length (around the 16- and 64-element boundaries of the canonical order), offset,
 * parameter and kind of value (NaN, infinities, signed zeros, subnormals, kinks such as pred == label).
 */
class MapSumTest {
  private static final LossKernels CHOSEN = KernelProvider.get();
  private static final LossKernels SCALAR = KernelProvider.scalar();

  /** The unfused reference: map kernel into a buffer, then the canonical sum of the buffer. */
  private static float mapThenSum(PointwiseOp op, float c, float[] a, int ao, float[] b, int bo, int n) {
    float[] dst = new float[n];
    switch (op) {
      case SQUARED_ERROR:
        SCALAR.squaredError(a, ao, b, bo, dst, 0, n);
        break;
      case ABSOLUTE_ERROR:
        SCALAR.absoluteError(a, ao, b, bo, dst, 0, n);
        break;
      case HUBER:
        SCALAR.huber(c, a, ao, b, bo, dst, 0, n);
        break;
      case HINGE:
        SCALAR.hinge(c, a, ao, b, bo, dst, 0, n);
        break;
      default:
        SCALAR.squaredHinge(c, a, ao, b, bo, dst, 0, n);
        break;
    }
    return SCALAR.sum(dst, 0, n);
  }

  /** The unfused gradient: the ...WithGradient kernel with every upstream factor equal to up. */
  private static float[] gradient(PointwiseOp op, float c, float[] a, int ao, float[] b, int bo, int n, float up) {
    float[] u = new float[n];
    Arrays.fill(u, up);
    float[] dst = new float[n];
    float[] grad = new float[n];
    switch (op) {
      case SQUARED_ERROR:
        SCALAR.squaredErrorWithGradient(a, ao, b, bo, u, 0, dst, 0, grad, 0, n);
        break;
      case ABSOLUTE_ERROR:
        SCALAR.absoluteErrorWithGradient(a, ao, b, bo, u, 0, dst, 0, grad, 0, n);
        break;
      case HUBER:
        SCALAR.huberWithGradient(c, a, ao, b, bo, u, 0, dst, 0, grad, 0, n);
        break;
      case HINGE:
        SCALAR.hingeWithGradient(c, a, ao, b, bo, u, 0, dst, 0, grad, 0, n);
        break;
      default:
        SCALAR.squaredHingeWithGradient(c, a, ao, b, bo, u, 0, dst, 0, grad, 0, n);
        break;
    }
    return grad;
  }

  private static float value(SplittableRandom r, boolean special) {
    int pick = r.nextInt(special ? 14 : 3);
    switch (pick) {
      case 0:
        return (float) (r.nextDouble() * 4 - 2);
      case 1:
        return r.nextBoolean() ? 1f : -1f; // hinge labels; Huber/L1 kinks when pred is +-1 too
      case 2:
        return (float) (r.nextDouble() * 2 - 1) * 0.5f;
      case 3:
        return Float.NaN;
      case 4:
        return Float.POSITIVE_INFINITY;
      case 5:
        return Float.NEGATIVE_INFINITY;
      case 6:
        return 0f;
      case 7:
        return -0f;
      case 8:
        return Float.MIN_VALUE * r.nextInt(1, 1000);
      case 9:
        return 3e38f * (r.nextBoolean() ? 1 : -1);
      default:
        return (float) (r.nextDouble() * 200 - 100);
    }
  }

  private static void same(String what, float expected, float got) {
    if (Float.floatToIntBits(expected) != Float.floatToIntBits(got)) {
      fail(what + ": expected " + expected + " (0x" + Integer.toHexString(Float.floatToRawIntBits(expected))
          + "), got " + got + " (0x" + Integer.toHexString(Float.floatToRawIntBits(got)) + ")");
    }
  }

  private static void check(String ctx, PointwiseOp op, float c, float[] a, int ao, float[] b, int bo, int n,
      float up) {
    float expected = mapThenSum(op, c, a, ao, b, bo, n);
    float[] expectedGrad = gradient(op, c, a, ao, b, bo, n, up);
    for (LossKernels k : new LossKernels[] {SCALAR, CHOSEN}) {
      String where = ctx + " " + k.describe();
      float[] aCopy = a.clone();
      float[] bCopy = b.clone();
      same("forward " + where, expected, k.mapSum(op, c, a, ao, b, bo, n, up, null, 0));
      int g = 3;
      float[] grad = new float[n + g + 2];
      Arrays.fill(grad, 7f);
      same("with gradient " + where, expected, k.mapSum(op, c, a, ao, b, bo, n, up, grad, g));
      for (int i = 0; i < n; i++) {
        same("grad[" + i + "] " + where, expectedGrad[i], grad[g + i]);
      }
      for (int i : new int[] {0, 1, 2, n + g, n + g + 1}) {
        same("grad outside the range [" + i + "] " + where, 7f, grad[i]);
      }
      if (!Arrays.equals(aCopy, a) || !Arrays.equals(bCopy, b)) {
        fail("inputs modified " + where);
      }
    }
  }

  @Test
  void fusedEqualsMapThenSumAndTheGradientKernels() {
    SplittableRandom r = new SplittableRandom(20261129);
    float[] params = {1f, 0.5f, 2.5f, 1e-3f};
    for (PointwiseOp op : PointwiseOp.values()) {
      for (int n = 0; n <= 200; n += (n < 140 ? 1 : 7)) {
        for (boolean special : new boolean[] {false, true}) {
          int ao = r.nextInt(0, 6);
          int bo = r.nextInt(0, 6);
          float[] a = new float[ao + n + 2];
          float[] b = new float[bo + n + 2];
          for (int i = 0; i < a.length; i++) {
            a[i] = value(r, special);
          }
          for (int i = 0; i < b.length; i++) {
            // L1/L2/Huber kinks: label equal to pred now and then
            b[i] = i - bo + ao >= 0 && i - bo + ao < a.length && r.nextInt(8) == 0 ? a[i - bo + ao] : value(r, special);
          }
          float c = params[r.nextInt(params.length)];
          float up = r.nextInt(4) == 0 ? -0.75f : 1f / (1 + r.nextInt(50));
          check(op + " n=" + n + " ao=" + ao + " bo=" + bo + " c=" + c + " up=" + up + (special ? " special" : ""),
              op, c, a, ao, b, bo, n, up);
        }
      }
    }
  }

  /**
   * Where the hinge gradient is NaN it has Float.NaN's own bits (the scalar twin's reluGate returns that
   * constant), also for NaN operands of the other sign, with a payload or signaling, and for inf * 0: the vector
   * kernels make it as {@code relu(h) & 0x7fc00000} (PanamaLossKernels.reluGate). Raw bits, which the other
   * checks here and in GradientKernelParityTest canonicalize. Fused (mapSum) and chunk kernel, both backends.
   */
  @Test
  void hingeNaNGradientHasTheBitsOfFloatNaN() {
    float[] nans = {Float.NaN, Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0x7fc12345),
        Float.intBitsToFloat(0xff812345), Float.intBitsToFloat(0x7f800001)};
    SplittableRandom r = new SplittableRandom(11);
    for (int n : new int[] {63, 64, 200, 1021}) {
      float[] a = new float[n];
      float[] b = new float[n];
      for (int i = 0; i < n; i++) {
        a[i] = (float) (r.nextDouble() * 4 - 2);
        b[i] = r.nextBoolean() ? 1f : -1f;
        switch (r.nextInt(6)) {
          case 0: a[i] = nans[r.nextInt(nans.length)]; break;
          case 1: b[i] = nans[r.nextInt(nans.length)]; break;
          case 2: a[i] = Float.POSITIVE_INFINITY; b[i] = 0f; break; // h = 1 - NaN
          default: break;
        }
      }
      float[] ups = new float[n];
      Arrays.fill(ups, -0.75f);
      for (LossKernels k : new LossKernels[] {SCALAR, CHOSEN}) {
        float[] fused = new float[n];
        float[] chunk = new float[n];
        k.mapSum(PointwiseOp.HINGE, 1f, a, 0, b, 0, n, -0.75f, fused, 0);
        k.hingeWithGradient(1f, a, 0, b, 0, ups, 0, new float[n], 0, chunk, 0, n);
        int nanGradients = 0;
        for (int i = 0; i < n; i++) {
          for (float g : new float[] {fused[i], chunk[i]}) {
            nanGradients += Float.isNaN(g) ? 1 : 0;
            if (Float.isNaN(g) && Float.floatToRawIntBits(g) != Float.floatToRawIntBits(Float.NaN)) {
              fail("hinge grad[" + i + "] n=" + n + " " + k.describe() + ": 0x"
                  + Integer.toHexString(Float.floatToRawIntBits(g)) + " for a=" + a[i] + " b=" + b[i]);
            }
          }
        }
        if (nanGradients < n / 4) {
          fail("hinge n=" + n + ": only " + nanGradients + " NaN gradients, the test checks too few");
        }
      }
    }
  }

  /**
   * The fused L1 and hinge gradients have the raw bits of the unfused {@code ...WithGradient} kernel of the same
   * backend, NaNs included (which the other checks canonicalize): L1's sign made from the loss term's abs
   * (PanamaLossKernels.sign(x, abs)) and hinge's -up taken once per call (PanamaLossKernels.negatedFactor), also
   * for NaN, infinite and zero upstream factors and NaN operands of either sign, with a payload or signaling.
   * Not where up and L1's difference are both NaN: x86 returns the first of two NaN operands, and which one is
   * first is the compiler's choice (the scalar twin's fused and unfused loops differ there).
   */
  @Test
  void l1AndHingeGradientsHaveTheRawBitsOfTheUnfusedKernel() {
    float[] nans = {Float.NaN, Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0x7fc12345),
        Float.intBitsToFloat(0xff812345), Float.intBitsToFloat(0x7f800001)};
    float[] ups = {-0.75f, 0.25f, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, nans[0], nans[1],
        nans[2], nans[3], nans[4]};
    SplittableRandom r = new SplittableRandom(5);
    for (PointwiseOp op : new PointwiseOp[] {PointwiseOp.ABSOLUTE_ERROR, PointwiseOp.HINGE}) {
      for (int n : new int[] {64, 200, 1021}) {
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
          a[i] = value(r, true);
          b[i] = op == PointwiseOp.HINGE && r.nextBoolean() ? (r.nextBoolean() ? 1f : -1f) : value(r, true);
          switch (r.nextInt(8)) {
            case 0: a[i] = nans[r.nextInt(nans.length)]; break;
            case 1: b[i] = nans[r.nextInt(nans.length)]; break;
            case 2: b[i] = a[i]; break; // L1: diff +-0
            default: break;
          }
        }
        for (float up : ups) {
          float[] u = new float[n];
          Arrays.fill(u, up);
          for (LossKernels k : new LossKernels[] {CHOSEN}) { // the vector kernels changed; see twoNaNs
            float[] fused = new float[n];
            float[] unfused = new float[n];
            if (op == PointwiseOp.HINGE) {
              k.mapSum(op, 1f, a, 0, b, 0, n, up, fused, 0);
              k.hingeWithGradient(1f, a, 0, b, 0, u, 0, new float[n], 0, unfused, 0, n);
            } else {
              k.mapSum(op, 0f, a, 0, b, 0, n, up, fused, 0);
              k.absoluteErrorWithGradient(a, 0, b, 0, u, 0, new float[n], 0, unfused, 0, n);
            }
            for (int i = 0; i < n; i++) {
              boolean twoNaNs = op == PointwiseOp.ABSOLUTE_ERROR && up != up && Float.isNaN(a[i] - b[i]);
              if (!twoNaNs && Float.floatToRawIntBits(fused[i]) != Float.floatToRawIntBits(unfused[i])) {
                fail(op + " grad[" + i + "] n=" + n + " up=0x" + Integer.toHexString(Float.floatToRawIntBits(up))
                    + " " + k.describe() + ": 0x" + Integer.toHexString(Float.floatToRawIntBits(fused[i]))
                    + ", unfused 0x" + Integer.toHexString(Float.floatToRawIntBits(unfused[i])) + " for a=" + a[i]
                    + " b=" + b[i]);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void longRangesAndCompiledCode() {
    SplittableRandom r = new SplittableRandom(7);
    for (PointwiseOp op : PointwiseOp.values()) {
      for (int n : new int[] {1021, 1024, 4099}) {
        float[] a = new float[n + 1];
        float[] b = new float[n + 1];
        for (int i = 0; i <= n; i++) {
          a[i] = value(r, false);
          b[i] = value(r, false);
        }
        // repeated so that the kernels are compiled (C1, then C2) while the bits are checked
        for (int it = 0; it < 300; it++) {
          check(op + " n=" + n + " it=" + it, op, 1f, a, 1, b, 0, n, 0.25f);
        }
      }
    }
  }
}
