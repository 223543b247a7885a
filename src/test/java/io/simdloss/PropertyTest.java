package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Properties over seeded random calls ({@link Generated}: every loss and option, ranks 1-5, dimensions 1-40,
 * any batch and class axis, every sample-weight broadcast form; half of them with NaN, infinities, signed
 * zeros, subnormals and +-3e38 mixed into the data). Bit-exact properties compare with
 * {@link Float#floatToIntBits} (one NaN).
 *
 * <ul>
 *   <li>a call is deterministic: twice the same bits, into a new array or into a reused dirty buffer;
 *   <li>inputs are unchanged;
 *   <li>a sample's output depends only on that sample: re-randomizing every other sample (to NaN and
 *       infinities too) leaves it bit-identical;
 *   <li>linear in the global weight: bit-exact for powers of two, within two float roundings otherwise;
 *   <li>a sample weight of ones equals no sample weight (bit-exact when the weight is uniform along each
 *       sample, within the reduction's rounding otherwise);
 *   <li>the vector and the scalar backend give the same bits (forwardBackward: loss and gradients): the digest of
 *       400 generated calls in this JVM
 *       equals the digest computed by a child JVM on the other backend.
 * </ul>
 */
class PropertyTest {
  static final int CASES = 400;

  static boolean same(float a, float b) {
    return Float.floatToIntBits(a) == Float.floatToIntBits(b);
  }

  static void assertSameBits(float[] expected, float[] actual, Object what) {
    assertEquals(expected.length, actual.length, () -> "length: " + what);
    for (int i = 0; i < expected.length; i++) {
      int n = i;
      assertTrue(same(expected[i], actual[i]), () -> "sample " + n + ": " + expected[n] + " != " + actual[n]
          + " in " + what);
    }
  }

  static List<Generated> all(long seed) {
    List<Generated> l = new ArrayList<>(Generated.cases(seed, CASES / 2, false));
    l.addAll(Generated.cases(seed + 1, CASES / 2, true));
    return l;
  }

  @Test
  void deterministicAndInputsUnchanged() {
    for (Generated g : all(101)) {
      float[][] before = Generated.copy(g.inputs());
      float[] first = g.run();
      float[] dirty = new float[first.length];
      Arrays.fill(dirty, Float.NaN);
      float[] second = g.run(g.loss, dirty);
      assertTrue(second == dirty, "returns out");
      assertSameBits(first, second, g);
      assertSameBits(first, g.run(), g);
      float[][] after = g.inputs();
      for (int i = 0; i < before.length; i++) {
        assertArrayEquals(before[i], after[i], "input " + i + " of " + g);
      }
    }
  }

  /**
   * forwardBackward on every generated call (half with non-finite data): it never throws, leaves the inputs
   * unchanged, writes forward's loss bit for bit, and gives the same gradient bits twice.
   */
  @Test
  void forwardBackwardIsForwardPlusADeterministicGradient() {
    for (Generated g : all(303)) {
      float[][] before = Generated.copy(g.inputs());
      float[] forward = g.run();
      float[] first = g.runGradient();
      float[] second = g.runGradient();
      assertSameBits(forward, Arrays.copyOf(first, forward.length), g);
      assertSameBits(first, second, g);
      float[][] after = g.inputs();
      for (int i = 0; i < before.length; i++) {
        assertArrayEquals(before[i], after[i], "input " + i + " of " + g);
      }
    }
  }

  @Test
  void aSampleDependsOnlyOnItself() {
    SplittableRandom r = new SplittableRandom(202);
    for (Generated g : all(203)) {
      if (!g.perSample()) {
        continue;
      }
      float[] base = g.run();
      int keep = r.nextInt(base.length);
      g.perturbOthers(keep, r);
      float[] other = g.run();
      assertTrue(same(base[keep], other[keep]),
          () -> "sample " + keep + ": " + base[keep] + " became " + other[keep] + " in " + g);
    }
  }

  @Test
  void linearInTheGlobalWeight() {
    SplittableRandom r = new SplittableRandom(304);
    for (Generated g : all(305)) {
      // the default weight: None (1), or 1 for L2 (whose scale is weight / 2)
      float[] one = g.run(g.build(1f), null);
      float pow2 = (float) Math.scalb(1.0, r.nextInt(-4, 5));
      float[] scaled = g.run(g.build(pow2), null);
      for (int i = 0; i < one.length; i++) {
        double expected = (double) one[i] * pow2;
        if (Double.isFinite(expected) && Math.abs(expected) < Float.MIN_NORMAL * 16d) {
          continue; // a subnormal rounds differently at another scale
        }
        if (Math.abs(expected) > Float.MAX_VALUE / 16d) {
          continue; // would overflow at one scale and not at the other
        }
        int n = i;
        assertTrue(same((float) expected, scaled[i]),
            () -> "weight " + pow2 + ", sample " + n + ": " + scaled[n] + " != " + pow2 + " * " + one[n] + " in " + g);
      }
      float w = (float) (0.01 + 10 * r.nextDouble());
      float[] any = g.run(g.build(w), null);
      for (int i = 0; i < one.length; i++) {
        double expected = (double) one[i] * w;
        int n = i;
        if (Double.isNaN(expected) || Double.isInfinite(expected) || Math.abs(expected) > Float.MAX_VALUE / 16d) {
          // NaN stays NaN; an infinite loss stays infinite with its sign (a large finite one may overflow)
          if (Double.isNaN(expected) || Double.isInfinite(one[i])) {
            assertTrue(same((float) expected, any[i]), () -> "sample " + n + ": " + any[n] + " in " + g);
          }
          continue;
        }
        // out = fl(S * fl(w / P)) and one = fl(S / P): two float roundings apart, plus the subnormal spacing
        double tolerance = 2.5e-7 * Math.abs(expected) + Float.MIN_VALUE * 2d * (1 + w);
        assertEquals(expected, any[i], tolerance, () -> "weight " + w + ", sample " + n + " in " + g);
      }
    }
  }

  @Test
  void sampleWeightOfOnesEqualsNone() {
    int checked = 0;
    for (Generated g : Generated.cases(406, CASES, false)) {
      if (g.sw == null) {
        continue;
      }
      float[] ones = new float[g.sw.length];
      Arrays.fill(ones, 1f);
      float[] none = g.runWith(g.loss, null, null);
      float[] weighted = g.runWith(g.loss, null, Tensor.of(ones, g.swShape));
      boolean uniformPerSample = true; // every weight dimension is 1 except (perhaps) the batch axis
      int offset = g.lossShape.length - g.swShape.length;
      for (int i = 0; i < g.swShape.length; i++) {
        uniformPerSample &= g.swShape[i] == 1 || i + offset == g.lossBatch;
      }
      if (uniformPerSample || g.kind == Generated.Kind.CTC) {
        assertSameBits(none, weighted, g);
      } else {
        double[] magnitude = magnitude(g);
        for (int i = 0; i < none.length; i++) {
          int n = i;
          assertEquals(none[i], weighted[i], 1e-5 * magnitude[i] + Float.MIN_VALUE,
              () -> "sample " + n + " in " + g);
        }
      }
      checked++;
    }
    assertTrue(checked > CASES / 2, "cases with a sample weight: " + checked);
  }

  /** The float64 reference's magnitude of what each sample's mean sums (see Reference). */
  static double[] magnitude(Generated g) {
    Tensor p = g.predT();
    Tensor l = g.labelT();
    switch (g.kind) {
      case SCE_SPARSE:
        return Reference.softmaxCrossEntropy(p, l, null, g.axisOption, true, g.fromLogits, g.weight,
            g.batchAxisOption).magnitude;
      case SCE_DENSE:
        return Reference.softmaxCrossEntropy(p, l, null, g.axisOption, false, g.fromLogits, g.weight,
            g.batchAxisOption).magnitude;
      case KL:
        return Reference.klDivergence(p, l, null, true, g.axisOption, g.weight, g.batchAxisOption).magnitude;
      case KL_SOFTMAX:
        return Reference.klDivergence(p, l, null, false, g.axisOption, g.weight, g.batchAxisOption).magnitude;
      default: {
        Reference.Pointwise kind;
        switch (g.kind) {
          case L2: kind = Reference.Pointwise.L2; break;
          case L1: kind = Reference.Pointwise.L1; break;
          case BCE: kind = Reference.Pointwise.BCE_LOGITS; break;
          case BCE_PROB: kind = Reference.Pointwise.BCE_PROBABILITY; break;
          case HUBER: kind = Reference.Pointwise.HUBER; break;
          case HINGE: kind = Reference.Pointwise.HINGE; break;
          case SQ_HINGE: kind = Reference.Pointwise.SQUARED_HINGE; break;
          case LOGISTIC: kind = Reference.Pointwise.LOGISTIC; break;
          default: throw new AssertionError(g.kind);
        }
        Float w = g.kind == Generated.Kind.L2 && g.weight == null ? Float.valueOf(1f) : g.weight;
        return Reference.pointwise(kind, p, l, null, g.param, w, g.batchAxisOption).magnitude;
      }
    }
  }

  // ---- vector == scalar -----------------------------------------------------------------------------------

  /**
   * The backend of this JVM cannot be switched, so a child JVM runs the same seeded corpus on the other
   * backend (scalar when this one is vector; vector, at the machine's preferred width, when this one is the
   * scalar execution) and prints its digest. Equal digests mean equal bits on all 400 calls.
   */
  @Test
  void vectorAndScalarGiveTheSameBits() throws Exception {
    long seed = 5077;
    int count = CASES;
    String here = Generated.digest(seed, count);
    boolean vectorHere = Backend.isVector();
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    if (vectorHere) {
      cmd.add("-Dsimdloss.backend=scalar");
    } else {
      cmd.add("--add-modules");
      cmd.add("jdk.incubator.vector");
      cmd.add("-Dsimdloss.backend=vector");
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Generated.class.getName());
    cmd.add(Long.toString(seed));
    cmd.add(Integer.toString(count));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text;
    try (InputStream in = p.getInputStream()) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("child JVM timed out");
    }
    assertEquals(0, p.exitValue(), text);
    assertTrue(text.contains("BACKEND=" + (vectorHere ? "scalar" : "vector")), text);
    assertTrue(text.contains("DIGEST=" + here), () -> "this JVM (" + Backend.active() + "): " + here
        + "\nchild:\n" + text);
  }
}
