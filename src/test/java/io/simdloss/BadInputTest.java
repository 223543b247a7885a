package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input gives an {@link IllegalArgumentException} naming the argument (and the offending shape where
 * there is one), and no call, good or failing, changes its inputs.
 */
class BadInputTest {

  /** Asserts an IllegalArgumentException whose message contains every fragment; returns the message. */
  static String assertIae(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    String m = e.getMessage();
    assertNotNull(m, "message");
    for (String f : fragments) {
      assertTrue(m.contains(f), () -> "message '" + m + "' should contain '" + f + "'");
    }
    return m;
  }

  /** The argument name {@code axis} as a word of its own (not the tail of batchAxis). */
  private static final Pattern AXIS_WORD = Pattern.compile("(?<![A-Za-z])axis(?![A-Za-z])");

  static void assertNamesAxis(String message) {
    assertTrue(AXIS_WORD.matcher(message).find(), () -> "message '" + message + "' should name 'axis'");
  }

  /** A shape as it appears in a message, e.g. "2, 3" of "(2, 3)" or "[2, 3]". */
  static String dims(int... shape) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      s.append(i > 0 ? ", " : "").append(shape[i]);
    }
    return s.toString();
  }

  static float[] random(int n, Supplier<Float> f) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = f.get();
    }
    return x;
  }

  /** A loss with valid inputs of pred shape (2, 3, 4). */
  static final class Valid {
    final String name;
    final LabeledLoss loss;
    final float[] pred;
    final float[] label;
    final int[] labelShape;
    /** The loss tensor's shape (for sample weights). */
    final int[] lossShape;
    final boolean sameSizeLabel;

    Valid(String name, LabeledLoss loss, float[] pred, float[] label, int[] labelShape, int[] lossShape,
        boolean sameSizeLabel) {
      this.name = name;
      this.loss = loss;
      this.pred = pred;
      this.label = label;
      this.labelShape = labelShape;
      this.lossShape = lossShape;
      this.sameSizeLabel = sameSizeLabel;
    }

    Tensor pred() {
      return Tensor.of(pred, PRED);
    }

    Tensor label() {
      return Tensor.of(label, labelShape);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final int[] PRED = {2, 3, 4};

  static Stream<Valid> valid() {
    Random rng = new Random(7);
    Supplier<Float> logit = () -> (float) (2 * rng.nextGaussian());
    Supplier<Float> prob = () -> 0.05f + 0.9f * rng.nextFloat();
    Supplier<Float> sign = () -> rng.nextBoolean() ? 1f : -1f;
    Supplier<Float> cls4 = () -> (float) rng.nextInt(4);
    Supplier<Float> cls3 = () -> (float) rng.nextInt(3);
    int[] same = PRED;
    List<Valid> v = new ArrayList<>();
    v.add(new Valid("L2", new L2Loss(), random(24, logit), random(24, logit), same, same, true));
    v.add(new Valid("L1", new L1Loss(), random(24, logit), random(24, logit), same, same, true));
    v.add(new Valid("BCE", new SigmoidBinaryCrossEntropyLoss(), random(24, logit), random(24, prob), same,
        same, true));
    v.add(new Valid("BCE fromSigmoid", SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(true).build(),
        random(24, prob), random(24, prob), same, same, true));
    v.add(new Valid("Huber", new HuberLoss(), random(24, logit), random(24, logit), same, same, true));
    v.add(new Valid("Hinge", new HingeLoss(), random(24, logit), random(24, sign), same, same, true));
    v.add(new Valid("SquaredHinge", new SquaredHingeLoss(), random(24, logit), random(24, sign), same, same,
        true));
    v.add(new Valid("Logistic", new LogisticLoss(), random(24, logit), random(24, sign), same, same, true));
    v.add(new Valid("SoftmaxCE sparse", new SoftmaxCrossEntropyLoss(), random(24, logit), random(6, cls4),
        new int[] {2, 3}, new int[] {2, 3, 1}, false));
    v.add(new Valid("SoftmaxCE sparse axis 1", SoftmaxCrossEntropyLoss.builder().axis(1).build(),
        random(24, logit), random(8, cls3), new int[] {2, 4}, new int[] {2, 1, 4}, false));
    v.add(new Valid("SoftmaxCE dense", SoftmaxCrossEntropyLoss.builder().sparseLabel(false).build(),
        random(24, logit), random(24, prob), same, new int[] {2, 3, 1}, true));
    v.add(new Valid("SoftmaxCE dense axis 1 fromLogits", SoftmaxCrossEntropyLoss.builder().sparseLabel(false)
        .fromLogits(true).axis(1).build(), random(24, logit), random(24, prob), same, new int[] {2, 1, 4}, true));
    v.add(new Valid("KLDiv", new KLDivLoss(), random(24, logit), random(24, prob), same, same, true));
    v.add(new Valid("KLDiv logits axis 1", KLDivLoss.builder().fromLogits(false).axis(1).build(),
        random(24, logit), random(24, prob), same, same, true));
    return v.stream();
  }

  // ---- labels -------------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void labelWithTheWrongShape(Valid c) {
    Tensor pred = c.pred();
    if (c.sameSizeLabel) {
      // 25 or 23 elements against pred's 24
      assertIae(() -> c.loss.forward(pred, Tensor.of(new float[25], 5, 5)), "label", dims(2, 3, 4), dims(5, 5));
      assertIae(() -> c.loss.forward(pred, Tensor.of(new float[23], 23), null), "label", dims(2, 3, 4));
      assertIae(() -> c.loss.forward(pred, Tensor.of(new float[12], 2, 3, 2), null, new float[2]), "label",
          dims(2, 3, 2));
    } else {
      // sparse: pred's shape without the class axis, nothing else (not even the same count)
      assertIae(() -> c.loss.forward(pred, Tensor.of(new float[c.label.length], c.label.length)), "label",
          dims(c.label.length));
      assertIae(() -> c.loss.forward(pred, Tensor.of(new float[24], PRED)), "label", dims(2, 3, 4));
      assertIae(() -> c.loss.forward(pred, Tensor.of(new float[6], 3, 2)), "label", dims(3, 2));
    }
  }

  @Test
  void sparseLabelsMustBeClassIndices() {
    SoftmaxCrossEntropyLoss loss = new SoftmaxCrossEntropyLoss();
    Tensor pred = Tensor.of(new float[6], 2, 3); // C = 3
    for (float bad : new float[] {1.5f, -1f, 3f, 7f, Float.NaN, Float.POSITIVE_INFINITY, -0.5f, 2.000001f}) {
      float[] label = {0, bad};
      assertIae(() -> loss.forward(pred, Tensor.of(label, 2)), "label");
    }
    // strided class axis too
    SoftmaxCrossEntropyLoss axis0 = SoftmaxCrossEntropyLoss.builder().axis(0).batchAxis(1).build();
    assertIae(() -> axis0.forward(pred, Tensor.of(new float[] {0, 2, 1}, 3)), "label");
  }

  // ---- sample weights -----------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void sampleWeightThatDoesNotBroadcast(Valid c) {
    Tensor pred = c.pred();
    Tensor label = c.label();
    int[] loss = c.lossShape;
    // one dimension too many
    int[] tooMany = {1, loss[0], loss[1], loss[2]};
    assertIae(() -> c.loss.forward(pred, label, Tensor.of(new float[Reference.size(tooMany)], tooMany)),
        "sampleWeight", dims(tooMany));
    // a wrong last dimension (5 is neither 1 nor 4 nor 3)
    assertIae(() -> c.loss.forward(pred, label, Tensor.of(new float[5], 5)), "sampleWeight", dims(5));
    assertIae(() -> c.loss.forward(pred, label, Tensor.of(new float[10], 2, 5)), "sampleWeight", dims(2, 5));
    // a wrong leading dimension: (3, 1, 1) against (2, ., .)
    assertIae(() -> c.loss.forward(pred, label, Tensor.of(new float[3], 3, 1, 1), new float[2]), "sampleWeight",
        dims(3, 1, 1));
  }

  @Test
  void sampleWeightAgainstTheKeepdimsLossShape() {
    // SoftmaxCE's loss shape is pred's with the class axis 1: (2, 3) -> (2, 1); a per-class (3,) weight is not
    // a weight of that loss
    Tensor pred = Tensor.of(new float[6], 2, 3);
    Tensor label = Tensor.of(new float[2], 2);
    assertIae(() -> new SoftmaxCrossEntropyLoss().forward(pred, label, Tensor.of(new float[6], 2, 3)),
        "sampleWeight", dims(2, 3));
  }

  // ---- axes ---------------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void batchAxisOutOfRange(Valid c) {
    // rebuild the same loss with a bad batch axis, through its toString-visible options
    for (int bad : new int[] {3, 4, -4, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      LabeledLoss loss = withBatchAxis(c, bad);
      assertIae(() -> loss.forward(c.pred(), c.label()), "batchAxis", String.valueOf(bad));
      assertIae(() -> loss.forward(c.pred(), c.label(), null), "batchAxis");
      assertIae(() -> loss.forward(c.pred(), c.label(), null, new float[2]), "batchAxis");
    }
  }

  static LabeledLoss withBatchAxis(Valid c, int batchAxis) {
    switch (c.name) {
      case "L2":
        return L2Loss.builder().batchAxis(batchAxis).build();
      case "L1":
        return L1Loss.builder().batchAxis(batchAxis).build();
      case "BCE":
        return SigmoidBinaryCrossEntropyLoss.builder().batchAxis(batchAxis).build();
      case "BCE fromSigmoid":
        return SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(true).batchAxis(batchAxis).build();
      case "Huber":
        return HuberLoss.builder().batchAxis(batchAxis).build();
      case "Hinge":
        return HingeLoss.builder().batchAxis(batchAxis).build();
      case "SquaredHinge":
        return SquaredHingeLoss.builder().batchAxis(batchAxis).build();
      case "Logistic":
        return LogisticLoss.builder().batchAxis(batchAxis).build();
      case "SoftmaxCE sparse":
        return SoftmaxCrossEntropyLoss.builder().batchAxis(batchAxis).build();
      case "SoftmaxCE sparse axis 1":
        return SoftmaxCrossEntropyLoss.builder().axis(1).batchAxis(batchAxis).build();
      case "SoftmaxCE dense":
        return SoftmaxCrossEntropyLoss.builder().sparseLabel(false).batchAxis(batchAxis).build();
      case "SoftmaxCE dense axis 1 fromLogits":
        return SoftmaxCrossEntropyLoss.builder().sparseLabel(false).fromLogits(true).axis(1).batchAxis(batchAxis)
            .build();
      case "KLDiv":
        return KLDivLoss.builder().batchAxis(batchAxis).build();
      case "KLDiv logits axis 1":
        return KLDivLoss.builder().fromLogits(false).axis(1).batchAxis(batchAxis).build();
      default:
        throw new AssertionError(c.name);
    }
  }

  @Test
  void batchAxisOfTriplet() {
    Tensor x = Tensor.of(new float[6], 2, 3);
    for (int bad : new int[] {2, -3}) {
      TripletLoss loss = TripletLoss.builder().batchAxis(bad).build();
      assertIae(() -> loss.forward(x, x, x), "batchAxis");
      assertIae(() -> loss.forward(x, x, x, new float[2]), "batchAxis");
    }
  }

  @Test
  void rankZeroPredHasNoBatchAxis() {
    Tensor scalar = Tensor.of(new float[] {1});
    assertIae(() -> new L1Loss().forward(scalar, scalar), "batchAxis");
    assertIae(() -> new TripletLoss().forward(scalar, scalar, scalar), "batchAxis");
  }

  @Test
  void classAxisOutOfRange() {
    Tensor pred = Tensor.of(new float[24], PRED);
    for (int bad : new int[] {3, -4, 100}) {
      String m = assertIae(() -> SoftmaxCrossEntropyLoss.builder().axis(bad).build()
          .forward(pred, Tensor.of(new float[6], 2, 3)), String.valueOf(bad));
      assertNamesAxis(m);
      m = assertIae(() -> SoftmaxCrossEntropyLoss.builder().axis(bad).sparseLabel(false).build()
          .forward(pred, pred, null, new float[2]));
      assertNamesAxis(m);
      m = assertIae(() -> KLDivLoss.builder().fromLogits(false).axis(bad).build().forward(pred, pred),
          String.valueOf(bad));
      assertNamesAxis(m);
    }
  }

  @Test
  void softmaxWithoutClasses() {
    assertIae(() -> new SoftmaxCrossEntropyLoss().forward(Tensor.of(new float[0], 2, 0), Tensor.of(new float[2], 2)),
        "pred");
  }

  // ---- nulls and outputs --------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void nullsAndOutputs(Valid c) {
    Tensor pred = c.pred();
    Tensor label = c.label();
    assertIae(() -> c.loss.forward(null, label), "pred");
    assertIae(() -> c.loss.forward(null, label, null), "pred");
    assertIae(() -> c.loss.forward(null, label, null, new float[2]), "pred");
    assertIae(() -> c.loss.forward(pred, null), "label");
    assertIae(() -> c.loss.forward(pred, null, null), "label");
    assertIae(() -> c.loss.forward(pred, null, null, new float[2]), "label");
    assertIae(() -> c.loss.forward(pred, label, null, null), "out");
    assertIae(() -> c.loss.forward(pred, label, null, new float[3]), "out", "2");
    assertIae(() -> c.loss.forward(pred, label, null, new float[0]), "out");
  }

  @Test
  void tripletNullsAndSizes() {
    Tensor x = Tensor.of(new float[6], 2, 3);
    TripletLoss loss = new TripletLoss();
    assertIae(() -> loss.forward(null, x, x), "pred");
    assertIae(() -> loss.forward(x, null, x), "positive");
    assertIae(() -> loss.forward(x, x, null), "negative");
    assertIae(() -> loss.forward(null, x, x, new float[2]), "pred");
    assertIae(() -> loss.forward(x, null, x, new float[2]), "positive");
    assertIae(() -> loss.forward(x, x, null, new float[2]), "negative");
    assertIae(() -> loss.forward(x, x, x, null), "out");
    assertIae(() -> loss.forward(x, x, x, new float[3]), "out");
    assertIae(() -> loss.forward(x, Tensor.of(new float[5], 5), x), "positive", dims(2, 3));
    assertIae(() -> loss.forward(x, x, Tensor.of(new float[7], 7, 1)), "negative", dims(7, 1));
  }

  // ---- tensors ------------------------------------------------------------------------------------------------

  @Test
  void tensorOfBadShapes() {
    assertIae(() -> Tensor.of(null, 2), "data");
    assertIae(() -> Tensor.of(new float[2], (int[]) null), "shape");
    assertIae(() -> Tensor.of(new float[5], 2, 3), "shape", dims(2, 3));
    assertIae(() -> Tensor.of(new float[7], 2, 3), "shape", dims(2, 3));
    assertIae(() -> Tensor.of(new float[1], 2), "shape");
    assertIae(() -> Tensor.of(new float[2]), "shape"); // rank 0 holds exactly one value
    // negative dimensions, even when their product matches
    assertIae(() -> Tensor.of(new float[6], -2, -3), "shape", dims(-2, -3));
    assertIae(() -> Tensor.of(new float[0], -1, 0), "shape");
    assertIae(() -> Tensor.of(new float[0], 0, -1), "shape");
    // products that overflow an int: 2^16 * 2^16 wraps to 0, 65537^2 wraps to 131073
    assertIae(() -> Tensor.of(new float[0], 65536, 65536), "shape");
    assertIae(() -> Tensor.of(new float[131073], 65537, 65537), "shape");
    assertIae(() -> Tensor.of(new float[0], 1 << 30, 4), "shape");
    assertIae(() -> Tensor.of(new float[1], Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE), "shape");
  }

  // ---- options ------------------------------------------------------------------------------------------------

  @Test
  void rhoMustBePositiveAndFinite() {
    // subnormal rho: 0.5/rho would overflow to +inf and turn pred == label into inf * 0 = NaN
    assertIae(() -> HuberLoss.builder().rho(Float.MIN_VALUE).build(), "rho");
    assertIae(() -> HuberLoss.builder().rho(1e-39f).build(), "rho");
    for (float bad : new float[] {0f, -0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      assertIae(() -> HuberLoss.builder().rho(bad).build(), "rho");
    }
  }

  @Test
  void marginMustBeFinite() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      assertIae(() -> HingeLoss.builder().margin(bad).build(), "margin");
      assertIae(() -> SquaredHingeLoss.builder().margin(bad).build(), "margin");
      assertIae(() -> TripletLoss.builder().margin(bad).build(), "margin");
    }
  }

  @Test
  void weightMustNotBeNaN() {
    float nan = Float.NaN;
    assertIae(() -> L2Loss.builder().weight(nan).build(), "weight");
    assertIae(() -> L1Loss.builder().weight(nan).build(), "weight");
    assertIae(() -> SigmoidBinaryCrossEntropyLoss.builder().weight(nan).build(), "weight");
    assertIae(() -> SigmoidBCELoss.builder().weight(nan).build(), "weight");
    assertIae(() -> SoftmaxCrossEntropyLoss.builder().weight(nan).build(), "weight");
    assertIae(() -> SoftmaxCELoss.builder().weight(nan).build(), "weight");
    assertIae(() -> KLDivLoss.builder().weight(nan).build(), "weight");
    assertIae(() -> HuberLoss.builder().weight(nan).build(), "weight");
    assertIae(() -> HingeLoss.builder().weight(nan).build(), "weight");
    assertIae(() -> SquaredHingeLoss.builder().weight(nan).build(), "weight");
    assertIae(() -> LogisticLoss.builder().weight(nan).build(), "weight");
    assertIae(() -> TripletLoss.builder().weight(nan).build(), "weight");
  }

  // ---- inputs stay unchanged ----------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void inputsUnchangedByGoodAndFailingCalls(Valid c) {
    float[] predCopy = c.pred.clone();
    float[] labelCopy = c.label.clone();
    int n = c.lossShape[0];
    float[] wData = new float[c.lossShape[1] * c.lossShape[2]];
    for (int i = 0; i < wData.length; i++) {
      wData[i] = 0.5f + i;
    }
    Tensor sw = Tensor.of(wData, c.lossShape[1], c.lossShape[2]);
    float[] wCopy = wData.clone();

    float[] first = c.loss.forward(c.pred(), c.label(), sw);
    check(c, predCopy, labelCopy, wData, wCopy);
    c.loss.forward(c.pred(), c.label());
    c.loss.forward(c.pred(), c.label(), null, new float[n]);
    check(c, predCopy, labelCopy, wData, wCopy);

    // failing calls, each failing at a different stage: the output buffer, the label, the sample weight
    assertIae(() -> c.loss.forward(c.pred(), c.label(), sw, new float[n + 1]), "out");
    check(c, predCopy, labelCopy, wData, wCopy);
    int badCount = c.label.length + 1;
    assertIae(() -> c.loss.forward(c.pred(), Tensor.of(new float[badCount], badCount, 1)), "label");
    check(c, predCopy, labelCopy, wData, wCopy);
    assertIae(() -> c.loss.forward(c.pred(), c.label(), Tensor.of(new float[10], 2, 5)), "sampleWeight");
    check(c, predCopy, labelCopy, wData, wCopy);

    // after the failures, the same call gives the same result (no state left behind); up to float rounding, as
    // the Vector API's float reduceLanes(ADD) may change its order over time (it does on JDK 25)
    float[] again = c.loss.forward(c.pred(), c.label(), sw);
    for (int i = 0; i < n; i++) {
      assertEquals(first[i], again[i], 1e-5 * Math.max(1, Math.abs(first[i])), c.name + " sample " + i);
    }
  }

  private static void check(Valid c, float[] predCopy, float[] labelCopy, float[] w, float[] wCopy) {
    assertArrayEquals(predCopy, c.pred, c.name + ": pred changed");
    assertArrayEquals(labelCopy, c.label, c.name + ": label changed");
    assertArrayEquals(wCopy, w, c.name + ": sampleWeight changed");
  }

  @Test
  void sparseLabelFailingLateLeavesInputsUnchanged() {
    float[] pred = {0.5f, -1, 2, 0.25f, 3, -2};
    float[] label = {1, 5}; // the second class is out of range
    float[] p = pred.clone();
    float[] l = label.clone();
    assertIae(() -> new SoftmaxCrossEntropyLoss().forward(Tensor.of(pred, 2, 3), Tensor.of(label, 2)), "label");
    assertArrayEquals(p, pred);
    assertArrayEquals(l, label);
  }

  @Test
  void tripletInputsUnchanged() {
    Random rng = new Random(3);
    float[] a = random(24, () -> (float) rng.nextGaussian());
    float[] b = random(24, () -> (float) rng.nextGaussian());
    float[] d = random(24, () -> (float) rng.nextGaussian());
    float[] a0 = a.clone();
    float[] b0 = b.clone();
    float[] d0 = d.clone();
    TripletLoss loss = TripletLoss.builder().batchAxis(1).build();
    loss.forward(Tensor.of(a, PRED), Tensor.of(b, 24), Tensor.of(d, 4, 6));
    assertIae(() -> loss.forward(Tensor.of(a, PRED), Tensor.of(b, 24), Tensor.of(d, 4, 6), new float[2]), "out");
    assertArrayEquals(a0, a);
    assertArrayEquals(b0, b);
    assertArrayEquals(d0, d);
  }

  @Test
  void tensorDimOutOfRange() {
    Tensor x = Tensor.of(new float[6], 2, 3);
    assertIae(() -> x.dim(2), "axis");
    assertIae(() -> x.dim(-3), "axis");
    assertEquals(3, x.dim(-1)); // numpy-style negative axis
    assertEquals(2, x.dim(0));
  }
}
