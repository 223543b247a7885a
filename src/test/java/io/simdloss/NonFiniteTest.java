package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The semantics of non-finite and extreme data (README draft, "Non-finite inputs"):
 * <ul>
 *   <li>data (pred, dense labels, positive/negative, sample weights, CTC scores) is never validated for
 *       finiteness and never makes a call throw;
 *   <li>a sample's loss is computed from that sample's elements only: a NaN in an element that the sample's
 *       formula reads makes that sample's loss NaN, and no other sample's;
 *   <li>infinities, signed zeros, subnormals and huge values follow IEEE 754 float32 arithmetic applied to the
 *       documented per-element formula (as Gluon, which computes in float32): an indeterminate form (inf - inf,
 *       0 * inf) is NaN, an overflow is +-Infinity, subnormals are neither flushed nor rounded away.
 * </ul>
 * Every expected value below is derived by hand from the formula in the README.
 */
class NonFiniteTest {
  static final float INF = Float.POSITIVE_INFINITY;
  static final float NAN = Float.NaN;
  static final float BIG = 3e38f;
  static final double LN2 = Math.log(2);

  static boolean same(float a, float b) {
    return Float.floatToIntBits(a) == Float.floatToIntBits(b);
  }

  /** Asserts the value: NaN, an infinity, zero (of either sign) or within rel of a finite expectation. */
  static void assertValue(double expected, float actual, String what) {
    if (Double.isNaN(expected)) {
      assertTrue(Float.isNaN(actual), () -> what + ": expected NaN, got " + actual);
    } else if (Double.isInfinite(expected) || expected == 0) {
      assertTrue(actual == expected, () -> what + ": expected " + expected + ", got " + actual);
    } else {
      assertEquals(expected, actual, 2e-7 * Math.abs(expected), what);
    }
  }

  // ---- one element per sample, hand-derived -------------------------------------------------------------------

  /** A loss on one (pred, label) element, its expected loss, and a name. */
  static final class Element {
    final String name;
    final LabeledLoss loss;
    final float pred;
    final float label;
    final double expected;

    Element(String name, LabeledLoss loss, float pred, float label, double expected) {
      this.name = name;
      this.loss = loss;
      this.pred = pred;
      this.label = label;
      this.expected = expected;
    }

    @Override
    public String toString() {
      return name + "(" + pred + ", " + label + ") = " + expected;
    }
  }

  static Stream<Element> elements() {
    List<Element> e = new ArrayList<>();
    LabeledLoss l2 = new L2Loss(); // (p - z)^2 / 2
    e.add(new Element("L2", l2, INF, 0f, INF));
    e.add(new Element("L2", l2, -INF, 0f, INF));
    e.add(new Element("L2", l2, INF, INF, NAN)); // inf - inf
    e.add(new Element("L2", l2, BIG, -BIG, INF)); // the difference overflows float32
    e.add(new Element("L2", l2, NAN, 0f, NAN));
    e.add(new Element("L2", l2, Float.MIN_VALUE, 0f, 0)); // the square underflows to 0
    e.add(new Element("L2", l2, 0x1p-70f, 0f, 0x1p-141)); // (2^-70)^2 / 2 = 2^-141, subnormal
    e.add(new Element("L2", l2, -0f, 0f, 0));
    LabeledLoss l1 = new L1Loss();
    e.add(new Element("L1", l1, INF, 0f, INF));
    e.add(new Element("L1", l1, -INF, INF, INF));
    e.add(new Element("L1", l1, INF, INF, NAN));
    e.add(new Element("L1", l1, BIG, -BIG, INF));
    e.add(new Element("L1", l1, -BIG, 0f, BIG));
    e.add(new Element("L1", l1, 1e-40f, 0f, 1e-40f)); // a subnormal, kept exactly
    e.add(new Element("L1", l1, -Float.MIN_VALUE, 0f, Float.MIN_VALUE));
    e.add(new Element("L1", l1, 0f, -0f, 0));
    LabeledLoss huber = new HuberLoss(); // rho 1
    e.add(new Element("Huber", huber, INF, 0f, INF));
    e.add(new Element("Huber", huber, -INF, 0f, INF));
    e.add(new Element("Huber", huber, BIG, -BIG, INF));
    e.add(new Element("Huber", huber, NAN, 0f, NAN));
    e.add(new Element("Huber", huber, 0.5f, 0f, 0.125));
    e.add(new Element("Huber", huber, BIG, 0f, BIG)); // 3e38 - 0.5 rounds to 3e38
    e.add(new Element("Huber", huber, Float.MIN_VALUE, 0f, 0));
    LabeledLoss hinge = new HingeLoss(); // max(0, 1 - p z)
    e.add(new Element("Hinge", hinge, INF, 1f, 0));
    e.add(new Element("Hinge", hinge, -INF, 1f, INF));
    e.add(new Element("Hinge", hinge, INF, -1f, INF));
    e.add(new Element("Hinge", hinge, INF, 0f, NAN)); // inf * 0
    e.add(new Element("Hinge", hinge, BIG, -1f, BIG));
    e.add(new Element("Hinge", hinge, NAN, 1f, NAN)); // max(0, NaN) is NaN, not 0
    e.add(new Element("Hinge", hinge, 0.5f, NAN, NAN));
    e.add(new Element("Hinge", hinge, -0f, 1f, 1));
    LabeledLoss sqHinge = new SquaredHingeLoss();
    e.add(new Element("SquaredHinge", sqHinge, INF, 1f, 0));
    e.add(new Element("SquaredHinge", sqHinge, -INF, 1f, INF));
    e.add(new Element("SquaredHinge", sqHinge, BIG, -1f, INF)); // (3e38)^2 overflows
    e.add(new Element("SquaredHinge", sqHinge, NAN, 1f, NAN));
    LabeledLoss logistic = new LogisticLoss(); // log(1 + exp(-p z))
    e.add(new Element("Logistic", logistic, INF, 1f, 0));
    e.add(new Element("Logistic", logistic, -INF, 1f, INF));
    e.add(new Element("Logistic", logistic, INF, 0f, NAN)); // inf * 0
    e.add(new Element("Logistic", logistic, BIG, -1f, BIG));
    e.add(new Element("Logistic", logistic, -BIG, -1f, 0));
    e.add(new Element("Logistic", logistic, 0f, 1f, LN2));
    e.add(new Element("Logistic", logistic, NAN, 1f, NAN));
    LabeledLoss bce = new SigmoidBinaryCrossEntropyLoss(); // max(x,0) - x z + log(1 + exp(-|x|))
    e.add(new Element("BCE", bce, INF, 0f, NAN)); // inf - inf * 0
    e.add(new Element("BCE", bce, INF, 1f, NAN)); // inf - inf, as Gluon's formula and PyTorch's
    e.add(new Element("BCE", bce, -INF, 0f, NAN)); // -inf * 0
    e.add(new Element("BCE", bce, -INF, 1f, INF));
    e.add(new Element("BCE", bce, BIG, 1f, 0));
    e.add(new Element("BCE", bce, BIG, 0f, BIG));
    e.add(new Element("BCE", bce, BIG, 0.5f, 1.5e38f));
    e.add(new Element("BCE", bce, -BIG, 0f, 0));
    e.add(new Element("BCE", bce, -BIG, 1f, BIG));
    e.add(new Element("BCE", bce, 0f, 0f, LN2));
    e.add(new Element("BCE", bce, -0f, 1f, LN2));
    e.add(new Element("BCE", bce, NAN, 0f, NAN));
    e.add(new Element("BCE", bce, 1f, NAN, NAN));
    // -(log(p + 1e-12) z + log(1 - p + 1e-12) (1 - z)); float32: 1 + 1e-12 == 1, and 1e-12f is the float
    LabeledLoss prob = SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(true).build();
    double logEps = Math.log(1e-12f);
    e.add(new Element("BCE fromSigmoid", prob, 0f, 0f, 0));
    e.add(new Element("BCE fromSigmoid", prob, 1f, 1f, 0));
    e.add(new Element("BCE fromSigmoid", prob, 0f, 1f, -logEps));
    e.add(new Element("BCE fromSigmoid", prob, 1f, 0f, -logEps));
    e.add(new Element("BCE fromSigmoid", prob, -0f, 0f, 0));
    e.add(new Element("BCE fromSigmoid", prob, 2f, 0f, NAN)); // log of a negative number
    e.add(new Element("BCE fromSigmoid", prob, INF, 1f, NAN)); // log(-inf) * 0
    e.add(new Element("BCE fromSigmoid", prob, NAN, 1f, NAN));
    e.add(new Element("BCE fromSigmoid", prob, 0.5f, NAN, NAN));
    // z (log(z + 1e-12) - p), pred holds log probabilities
    LabeledLoss kl = new KLDivLoss();
    e.add(new Element("KLDiv", kl, 0f, 1f, 0)); // log(1 + 1e-12) == 0 in float32
    e.add(new Element("KLDiv", kl, -1f, 0f, 0));
    e.add(new Element("KLDiv", kl, -INF, 1f, INF));
    e.add(new Element("KLDiv", kl, -INF, 0f, NAN)); // 0 * inf: no 0 log 0 convention, as Gluon's formula
    e.add(new Element("KLDiv", kl, -BIG, 1f, BIG));
    e.add(new Element("KLDiv", kl, NAN, 0f, NAN)); // 0 * NaN
    e.add(new Element("KLDiv", kl, -1f, NAN, NAN));
    return e.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("elements")
  void oneElement(Element c) {
    // sample 0 holds the element; sample 1 a clean one, which must equal its value alone
    float[] pred = {c.pred, 0.25f};
    float[] label = {c.label, 1f};
    float[] out = c.loss.forward(Tensor.of(pred, 2, 1), Tensor.of(label, 2, 1));
    assertValue(c.expected, out[0], c.toString());
    float alone = c.loss.forward(Tensor.of(new float[] {0.25f}, 1, 1), Tensor.of(new float[] {1f}, 1, 1))[0];
    assertTrue(same(alone, out[1]), () -> "the clean sample: " + out[1] + " != " + alone);
    // batch axis 1 and a per-sample weight: the same values (weight 1), weight 0 keeps a NaN/inf loss NaN
    float[] out2 = rebuildWithBatchAxis1(c).forward(Tensor.of(pred, 1, 2), Tensor.of(label, 1, 2),
        Tensor.of(new float[] {0f, 1f}, 1, 2));
    assertValue(Double.isFinite(c.expected) ? 0 : Double.NaN, out2[0], c + " times sample weight 0");
    assertTrue(same(alone, out2[1]), () -> "the clean sample with batch axis 1: " + out2[1]);
  }

  private static LabeledLoss rebuildWithBatchAxis1(Element c) {
    String s = c.loss.toString();
    if (c.loss instanceof L2Loss) {
      return L2Loss.builder().batchAxis(1).build();
    } else if (c.loss instanceof L1Loss) {
      return L1Loss.builder().batchAxis(1).build();
    } else if (c.loss instanceof HuberLoss) {
      return HuberLoss.builder().batchAxis(1).build();
    } else if (c.loss instanceof HingeLoss) {
      return HingeLoss.builder().batchAxis(1).build();
    } else if (c.loss instanceof SquaredHingeLoss) {
      return SquaredHingeLoss.builder().batchAxis(1).build();
    } else if (c.loss instanceof LogisticLoss) {
      return LogisticLoss.builder().batchAxis(1).build();
    } else if (c.loss instanceof KLDivLoss) {
      return KLDivLoss.builder().batchAxis(1).build();
    } else if (c.loss instanceof SigmoidBinaryCrossEntropyLoss) {
      return SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(s.contains("from_sigmoid=True")).batchAxis(1)
          .build();
    }
    throw new AssertionError(s);
  }

  // ---- softmax cross-entropy ----------------------------------------------------------------------------------

  @Test
  void softmaxCrossEntropyOfExtremeLogits() {
    SoftmaxCrossEntropyLoss ce = new SoftmaxCrossEntropyLoss();
    // rows of 3 logits; loss = logsumexp(row) - row[label], float32
    float[][] rows = {
        {BIG, -BIG, 0}, {BIG, -BIG, 0}, {BIG, -BIG, 0},
        {INF, 0, 0}, {INF, 0, 0},
        {-INF, 0, 0}, {-INF, 0, 0},
        {-INF, -INF, -INF},
        {NAN, 0, 0},
        {BIG, BIG, 0},
        {-BIG, -BIG, 0},
        {Float.MIN_VALUE, 0, -0f}};
    float[] labels = {0, 1, 2, 1, 0, 0, 1, 0, 1, 2, 2, 0};
    double[] expected = {
        0, INF, BIG,             // the label at the maximum; 6e38 overflows; 3e38 - 0
        INF, NAN,                // p(label) = 0; inf - inf
        INF, LN2,                // p(label) = 0; log(2) - 0
        NAN,                     // no finite logit: -inf - (-inf)
        NAN,                     // a NaN logit in the row
        INF,                     // 3e38 + log 2 - 0 rounds within float32... then minus 0: lse itself is 3e38+0.69
        0,                       // exp(-3e38) underflows: log(1) - 0 (equal huge logits: LargeLogitPrecisionTest)
        Math.log(3)};            // a subnormal and two zeros: log 3 to float precision
    expected[9] = BIG; // lse = 3e38 + log(2) == 3e38 in float32, minus 0
    float[] pred = new float[rows.length * 3];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, pred, 3 * i, 3);
    }
    float[] out = ce.forward(Tensor.of(pred, rows.length, 3), Tensor.of(labels, rows.length));
    for (int i = 0; i < rows.length; i++) {
      assertValue(expected[i], out[i], "row " + i);
    }
    // the same rows along a strided class axis (axis 0, batch axis 1)
    float[] transposed = new float[pred.length];
    for (int i = 0; i < rows.length; i++) {
      for (int c = 0; c < 3; c++) {
        transposed[c * rows.length + i] = rows[i][c];
      }
    }
    float[] out2 = SoftmaxCrossEntropyLoss.builder().axis(0).batchAxis(1).build()
        .forward(Tensor.of(transposed, 3, rows.length), Tensor.of(labels, rows.length));
    for (int i = 0; i < rows.length; i++) {
      assertValue(expected[i], out2[i], "strided row " + i);
    }
  }

  @Test
  void sparseFromLogitsReadsOnlyTheLabelledClass() {
    // fromLogits + sparse: L = -pred[label]; the other classes are not part of the formula
    SoftmaxCrossEntropyLoss ce = SoftmaxCrossEntropyLoss.builder().fromLogits(true).build();
    float[] out = ce.forward(Tensor.of(new float[] {NAN, -1.5f, INF, -INF, NAN, -0.25f}, 2, 3),
        Tensor.of(new float[] {1, 2}, 2));
    assertArrayEquals(new float[] {1.5f, 0.25f}, out);
  }

  @Test
  void denseLabelsWithZeroProbabilities() {
    // dense: -sum_c z_c log_softmax(x)_c; a zero label times a finite log-probability is 0, times -inf is NaN
    SoftmaxCrossEntropyLoss ce = SoftmaxCrossEntropyLoss.builder().sparseLabel(false).build();
    float[] out = ce.forward(Tensor.of(new float[] {0, 0, 0, -INF, 0, 0}, 2, 3),
        Tensor.of(new float[] {1, 0, 0, 0, 1, 0}, 2, 3));
    assertValue(Math.log(3), out[0], "uniform");
    assertValue(NAN, out[1], "0 * log_softmax(-inf) = 0 * -inf");
  }

  // ---- a NaN stays in its sample ------------------------------------------------------------------------------

  static Stream<BadInputTest.Valid> valid() {
    return BadInputTest.valid();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void aNaNStaysInItsSample(BadInputTest.Valid c) {
    float[] clean = c.loss.forward(c.pred(), c.label());
    Random r = new Random(c.name.hashCode());
    for (int n = 0; n < 2; n++) {
      // pred: any element of sample n (every element of pred is read, except with sparse fromLogits)
      for (float special : new float[] {NAN, INF, -INF}) {
        float[] pred = c.pred.clone();
        pred[12 * n + r.nextInt(12)] = special;
        float[] out = c.loss.forward(Tensor.of(pred, BadInputTest.PRED), c.label());
        assertTrue(same(clean[1 - n], out[1 - n]), c.name + ": the other sample changed with " + special);
        if (Float.isNaN(special)) {
          assertTrue(Float.isNaN(out[n]), c.name + ": sample " + n + " = " + out[n]);
        }
      }
      // a dense label
      if (c.sameSizeLabel) {
        float[] label = c.label.clone();
        label[12 * n + r.nextInt(12)] = NAN;
        float[] out = c.loss.forward(c.pred(), Tensor.of(label, c.labelShape));
        assertTrue(Float.isNaN(out[n]), c.name + ": label NaN, sample " + n + " = " + out[n]);
        assertTrue(same(clean[1 - n], out[1 - n]), c.name + ": label NaN reached the other sample");
      }
      // a full sample weight
      int per = c.lossShape[1] * c.lossShape[2];
      float[] w = new float[2 * per];
      java.util.Arrays.fill(w, 1f);
      w[per * n + r.nextInt(per)] = NAN;
      float[] ones = new float[2 * per];
      java.util.Arrays.fill(ones, 1f);
      float[] base = c.loss.forward(c.pred(), c.label(), Tensor.of(ones, c.lossShape));
      float[] out = c.loss.forward(c.pred(), c.label(), Tensor.of(w, c.lossShape));
      assertTrue(Float.isNaN(out[n]), c.name + ": sample weight NaN, sample " + n + " = " + out[n]);
      assertTrue(same(base[1 - n], out[1 - n]), c.name + ": weight NaN reached the other sample");
    }
  }

  @Test
  void tripletNonFinite() {
    TripletLoss t = new TripletLoss(); // max(sum((p-q)^2 - (p-r)^2) + 1, 0)
    float[] p = {0, 1, INF, 0, NAN, 0, BIG, 0};
    float[] q = {0, 1, INF, 0, 0, 0, -BIG, 0};
    float[] r = {INF, 1, 0, 0, 0, 0, -BIG, 0};
    float[] out = t.forward(Tensor.of(p, 4, 2), Tensor.of(q, 4, 2), Tensor.of(r, 4, 2));
    assertValue(0, out[0], "negative at infinity: max(-inf + 1, 0)");
    assertValue(NAN, out[1], "inf - inf");
    assertValue(NAN, out[2], "NaN");
    // float32 squares overflow: inf - inf, although the exact value is 1 (documented float32 behaviour)
    assertValue(NAN, out[3], "(6e38)^2 - (6e38)^2 in float32");
  }

  // ---- CTC ----------------------------------------------------------------------------------------------------

  @Test
  void ctcNonFinite() {
    CTCLoss ctc = new CTCLoss();
    // T = 1, C = 2 (class 0 and the blank), label [0]: loss = -log softmax(x)[0]
    float[][] frames = {{-INF, 0}, {0, -INF}, {NAN, 0}, {BIG, -BIG}, {-BIG, BIG}, {INF, 0}, {0, 0}};
    double[] expected = {INF, 0, NAN, 0, INF, NAN, LN2};
    float[] pred = new float[frames.length * 2];
    for (int i = 0; i < frames.length; i++) {
      System.arraycopy(frames[i], 0, pred, 2 * i, 2);
    }
    float[] label = new float[frames.length];
    float[] out = ctc.forward(Tensor.of(pred, frames.length, 1, 2), Tensor.of(label, frames.length, 1));
    for (int i = 0; i < frames.length; i++) {
      assertValue(expected[i], out[i], "frame " + java.util.Arrays.toString(frames[i]));
    }
    // zeroInfinity zeroes the +inf of a zero probability (here from the scores), never a NaN
    float[] z = CTCLoss.builder().zeroInfinity(true).build()
        .forward(Tensor.of(pred, frames.length, 1, 2), Tensor.of(label, frames.length, 1));
    for (int i = 0; i < frames.length; i++) {
      if (i != 4) { // frame 4: ctcZeroInfinityCoversFloatOverflow
        assertValue(expected[i] == INF ? 0 : expected[i], z[i], "zeroInfinity, frame " + i);
      }
    }
    // frames beyond predLengths are not read: a NaN there changes nothing
    float[] two = {0, 0, NAN, NAN};
    float[] o = ctc.forward(Tensor.of(two, 1, 2, 2), Tensor.of(new float[] {0}, 1, 1),
        Tensor.of(new float[] {1}, 1), null, null);
    assertValue(LN2, o[0], "NaN beyond predLengths");
    // a NaN sample weight: NaN for that sample only
    float[] w = ctc.forward(Tensor.of(new float[] {0, 0, 0, 0}, 2, 1, 2), Tensor.of(new float[] {0, 0}, 2, 1),
        null, null, Tensor.of(new float[] {NAN, 1}, 2));
    assertValue(NAN, w[0], "weight NaN");
    assertValue(LN2, w[1], "other sample");
  }

  @Test
  void ctcZeroInfinityCoversFloatOverflow() {
    // log p = -3e38 - 3e38: the double nll is 6e38, finite, and the float result overflows to +inf, which
    // zeroInfinity(true) promises never to return
    float[] z = CTCLoss.builder().zeroInfinity(true).build()
        .forward(Tensor.of(new float[] {-BIG, BIG}, 1, 1, 2), Tensor.of(new float[] {0}, 1, 1));
    assertValue(0, z[0], "zeroInfinity of a loss beyond Float.MAX_VALUE");
  }

  @Test
  void huberQuadraticBranchAtExtremeRho() {
    // at d == rho both branches equal rho / 2; the quadratic one is taken (Gluon tests d > rho)
    for (float rho : new float[] {1e-30f, 3e38f, Float.MIN_NORMAL, 1e30f}) {
      float[] out = HuberLoss.builder().rho(rho).build().forward(Tensor.of(new float[] {rho, rho / 2}, 2, 1),
          Tensor.of(new float[] {0, 0}, 2, 1));
      // three float roundings (0.5 / rho, and two products): 4 ulp
      double e0 = rho / 2.0;
      double e1 = (double) (rho / 2) * (rho / 2) / (2.0 * rho);
      assertEquals(e0, out[0], 4.8e-7 * e0, "rho " + rho + ", d = rho");
      assertEquals(e1, out[1], 4.8e-7 * e1, "rho " + rho + ", d = rho / 2");
    }
  }

  // ---- means and weights --------------------------------------------------------------------------------------

  @Test
  void meansAreOfFloat32Terms() {
    // each term is float32, and sums of float32 terms can overflow although the mean would fit: documented
    float[] out = new L1Loss().forward(Tensor.of(new float[] {BIG, BIG, 1, 1}, 2, 2),
        Tensor.of(new float[4], 2, 2));
    assertValue(INF, out[0], "mean of 3e38 and 3e38");
    assertValue(1, out[1], "mean of 1 and 1");
    // the weights that multiply the sum come after it (README, "Sample weights"): L2's 1/2 too. 1.5e19^2 is
    // about 2.25e38, two of them overflow; Gluon's terms carry the 1/2 and its mean is 1.125e38
    Tensor zeros2 = Tensor.of(new float[2], 1, 2);
    assertValue(INF, new L2Loss().forward(Tensor.of(new float[] {1.5e19f, 1.5e19f}, 1, 2), zeros2)[0],
        "L2 of 1.5e19, 1.5e19");
    // a sample weight constant along the run multiplies the float sum (inf); one that varies along it multiplies
    // each term: fma(BIG, 0.5, 0) = BIG/2 exactly, then BIG/2 + BIG/2 = BIG, mean BIG/2
    Tensor big2 = Tensor.of(new float[] {BIG, BIG}, 1, 2);
    assertValue(INF, new L1Loss().forward(big2, zeros2, Tensor.of(new float[] {0.5f}, 1))[0], "scalar weight");
    assertValue(BIG / 2, new L1Loss().forward(big2, zeros2, Tensor.of(new float[] {0.5f, 0.5f}, 2))[0],
        "per-element weight");
    // +inf and -inf terms in one sample: NaN (triplet terms can be negative)
    float[] t = new TripletLoss().forward(Tensor.of(new float[] {0, 0}, 1, 2), Tensor.of(new float[] {INF, 0}, 1, 2),
        Tensor.of(new float[] {0, INF}, 1, 2));
    assertValue(NAN, t[0], "inf + -inf");
  }

  @Test
  void infiniteAndZeroWeights() {
    // the global weight may be +-inf (only NaN is refused when built): IEEE products, 0 * inf = NaN
    L1Loss inf = L1Loss.builder().weight(INF).build();
    float[] out = inf.forward(Tensor.of(new float[] {1, 0}, 2, 1), Tensor.of(new float[] {0, 0}, 2, 1));
    assertValue(INF, out[0], "1 * inf");
    assertValue(NAN, out[1], "0 * inf");
    // a zero sample weight does not hide an infinite loss
    float[] w = new L1Loss().forward(Tensor.of(new float[] {INF, 1}, 2, 1), Tensor.of(new float[] {0, 0}, 2, 1),
        Tensor.of(new float[] {0, 0}, 2, 1));
    assertValue(NAN, w[0], "inf * 0");
    assertValue(0, w[1], "1 * 0");
  }

  // ---- labels at their boundaries -----------------------------------------------------------------------------

  @Test
  void labelsAtTheBoundaries() {
    // sparse labels 0 and C-1 of uniform logits: log C
    float[] out = new SoftmaxCrossEntropyLoss().forward(Tensor.of(new float[8], 2, 4), Tensor.of(new float[] {0, 3}, 2));
    assertValue(Math.log(4), out[0], "label 0");
    assertValue(Math.log(4), out[1], "label C-1");
    // -0 is the integer 0
    assertValue(Math.log(4), new SoftmaxCrossEntropyLoss().forward(Tensor.of(new float[4], 1, 4),
        Tensor.of(new float[] {-0f}, 1))[0], "label -0");
    // CTC: labels 0 and C-2 (the largest non-blank), T = 1, uniform scores over C = 3: -log(1/3)
    float[] c = new CTCLoss().forward(Tensor.of(new float[6], 2, 1, 3), Tensor.of(new float[] {0, 1}, 2, 1));
    assertValue(Math.log(3), c[0], "CTC label 0");
    assertValue(Math.log(3), c[1], "CTC label C-2");
    // predLengths 0 and T, labelLengths 0 and L
    float[] d = new CTCLoss().forward(Tensor.of(new float[2 * 2 * 3], 2, 2, 3), Tensor.of(new float[] {0, 1, 1, 0}, 2, 2),
        Tensor.of(new float[] {0, 2}, 2), Tensor.of(new float[] {0, 2}, 2), null);
    assertValue(0, d[0], "no frame, empty label");
    assertValue(-Math.log(1 / 9.0), d[1], "two frames, label (1, 0): one alignment, (1/3)^2");
  }
}
