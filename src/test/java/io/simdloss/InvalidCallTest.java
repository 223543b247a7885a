package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Invalid calls. {@link #everyRowOfTheTable} checks the exact message of each row of the "Invalid calls" table
 * (README.md, "Invalid calls"; one assertion per row, in the table's order). {@link #generatedInvalidCalls}
 * takes valid generated calls ({@link Generated}), breaks exactly one thing in each, and checks that each gives
 * an {@link IllegalArgumentException} (that class, not another) whose message names the argument and shows
 * the offending shape or value, that no input changed, and that {@code out} was not written. 100,000 calls in
 * the default execution, 10,000 in the others.
 */
class InvalidCallTest {

  static void assertMessage(String expected, Executable call) {
    Throwable t = null;
    try {
      call.execute();
    } catch (Throwable e) {
      t = e;
    }
    if (t == null) {
      fail("no exception; expected: " + expected);
    }
    if (t.getClass() != IllegalArgumentException.class) {
      throw new AssertionError("expected IllegalArgumentException(" + expected + "), got " + t, t);
    }
    assertEquals(expected, t.getMessage());
  }

  static Tensor t(float[] data, int... shape) {
    return Tensor.of(data, shape);
  }

  static Tensor zeros(int... shape) {
    return Tensor.of(new float[Generated.size(shape)], shape);
  }

  @Test
  void everyRowOfTheTable() {
    Tensor p23 = zeros(2, 3);
    Tensor l2 = t(new float[] {0, 1}, 2);
    // Tensor
    assertMessage("data: expected a float[], got null", () -> Tensor.of(null, 2));
    assertMessage("shape: expected an int[] of dimensions, got null", () -> Tensor.of(new float[1], (int[]) null));
    assertMessage("shape: expected non-negative dimensions, got (2, -3)", () -> Tensor.of(new float[6], 2, -3));
    assertMessage("shape: expected at most 2147483647 elements, got a shape (65536, 65536) whose product overflows "
        + "int", () -> Tensor.of(new float[0], 65536, 65536));
    assertMessage("shape: expected dimensions whose product is data.length 6, got (4,) (product 4)",
        () -> Tensor.of(new float[6], 4));
    assertMessage("axis: expected an axis in [-2, 2) for an input of rank 2, got 2", () -> p23.dim(2));
    // every loss
    assertMessage("pred: expected a value, got null", () -> new L2Loss().forward(null, p23));
    assertMessage("label: expected a value, got null", () -> new L2Loss().forward(p23, null));
    assertMessage("positive: expected a value, got null", () -> new TripletLoss().forward(p23, null, p23));
    assertMessage("out: expected a float[2], got null", () -> new L1Loss().forward(p23, p23, null, null));
    assertMessage("out: expected length 2, got length 3", () -> new L1Loss().forward(p23, p23, null, new float[3]));
    assertMessage("batchAxis: expected an axis in [-2, 2) for an input of rank 2, got 2",
        () -> L1Loss.builder().batchAxis(2).build().forward(p23, p23));
    assertMessage("label: expected 6 elements to reshape like pred (2, 3), got shape (4,) with 4 elements",
        () -> new HuberLoss().forward(p23, zeros(4)));
    assertMessage("negative: expected 6 elements to reshape like pred (2, 3), got shape (7, 1) with 7 elements",
        () -> new TripletLoss().forward(p23, p23, zeros(7, 1)));
    assertMessage("sampleWeight: expected a shape that broadcasts to the loss shape (2, 3) (numpy rules: aligned "
        + "right, each dimension 1 or equal), got (2,)", () -> new L2Loss().forward(p23, p23, zeros(2)));
    Tensor p2 = zeros(2);
    assertMessage("out: expected an array of its own, got label's data array (writing out would modify an input)",
        () -> new L1Loss().forward(p2, l2, null, l2.data()));
    // every forwardBackward
    assertMessage("grad: expected length 4, got length 3",
        () -> new L2Loss().forwardBackward(zeros(4), zeros(4), null, new float[4], new float[3]));
    assertMessage("grad: expected an array of its own, got label's data array (writing grad would modify an input)",
        () -> new L2Loss().forwardBackward(p2, l2, null, new float[2], l2.data()));
    float[] two = new float[2];
    assertMessage("grad: expected an array other than loss, got the same array",
        () -> new L2Loss().forwardBackward(p2, l2, null, two, two));
    assertMessage("gradPositive: expected an array other than gradPred, got the same array",
        () -> new TripletLoss().forwardBackward(p2, zeros(2), zeros(2), new float[2], two, two, new float[2]));
    // SoftmaxCrossEntropyLoss
    assertMessage("axis: expected an axis in [-2, 2) for an input of rank 2, got 5",
        () -> SoftmaxCrossEntropyLoss.builder().axis(5).build().forward(p23, l2));
    assertMessage("pred: expected at least one class along axis 1, got shape (2, 0)",
        () -> new SoftmaxCrossEntropyLoss().forward(zeros(2, 0), l2));
    assertMessage("label: expected pred's shape without the class axis (2,) (sparse labels), got (3,)",
        () -> new SoftmaxCrossEntropyLoss().forward(p23, zeros(3)));
    assertMessage("label: expected class indices, integers in [0, 3), got 2.5 at index 1",
        () -> new SoftmaxCrossEntropyLoss().forward(p23, t(new float[] {0, 2.5f}, 2)));
    assertMessage("sampleWeight: expected a shape that broadcasts to the loss shape (2, 1) (numpy rules: aligned "
        + "right, each dimension 1 or equal), got (3,)", () -> new SoftmaxCrossEntropyLoss().forward(p23, l2, zeros(3)));
    // KLDivLoss
    assertMessage("axis: expected an axis in [-2, 2) for an input of rank 2, got -3",
        () -> KLDivLoss.builder().fromLogits(false).axis(-3).build().forward(p23, p23));
    assertMessage("label: expected pred's shape (2, 3) (KLDivLoss does not reshape its label, as in Gluon), got (3, 2)",
        () -> new KLDivLoss().forward(p23, zeros(3, 2)));
    // options
    assertMessage("rho: expected a finite number >= 1.17549435E-38 (a positive normal float), got 0.0",
        () -> HuberLoss.builder().rho(0f).build());
    assertMessage("margin: expected a finite number, got NaN", () -> HingeLoss.builder().margin(Float.NaN).build());
    assertMessage("weight: expected a number, got NaN", () -> L2Loss.builder().weight(Float.NaN).build());
    assertMessage("layout: expected \"NTC\" or \"TNC\", got \"NCT\"", () -> CTCLoss.builder().layout("NCT"));
    assertMessage("labelLayout: expected \"NT\" or \"TN\", got null", () -> CTCLoss.builder().labelLayout(null));
    // CTCLoss
    CTCLoss ctc = new CTCLoss();
    Tensor pred = zeros(2, 3, 5);
    Tensor label = t(new float[] {0, 1, 2, -1}, 2, 2);
    assertMessage("pred: expected rank 3 (N, T, C) for layout NTC, got shape (2, 3)", () -> ctc.forward(p23, label));
    assertMessage("pred: expected at least 1 class (C includes the blank, class C-1), got shape (2, 3, 0) with C = 0",
        () -> ctc.forward(zeros(2, 3, 0), label));
    assertMessage("label: expected rank 2 (N, L) for label layout NT, got shape (2,)", () -> ctc.forward(pred, l2));
    assertMessage("label: expected batch size N = 2 (pred's) along axis 0 (N, L) for label layout NT, got shape (3, 2)",
        () -> ctc.forward(pred, zeros(3, 2)));
    assertMessage("label: expected a class index in [0, 3] or -1 padding, got 4.0 at (n=1, l=0)",
        () -> ctc.forward(pred, t(new float[] {0, 1, 4, -1}, 2, 2)));
    assertMessage("label: expected a class index in [0, 3] within labelLengths[1] = 2, got -1.0 at (n=1, l=1)",
        () -> ctc.forward(pred, label, null, t(new float[] {2, 2}, 2), null));
    assertMessage("label: expected no class index (pred has C = 1 class, the blank alone) or -1 padding, got 0.0 at "
        + "(n=0, l=0)", () -> ctc.forward(zeros(2, 3, 1), zeros(2, 2)));
    assertMessage("predLengths: expected shape (N,) = (2,), got (2, 1)",
        () -> ctc.forward(pred, label, zeros(2, 1), null, null));
    assertMessage("predLengths: expected an integer in [0, T] = [0, 3], got 4.0 at n=0",
        () -> ctc.forward(pred, label, t(new float[] {4, 1}, 2), null, null));
    assertMessage("labelLengths: expected an integer in [0, L] = [0, 2], got 0.5 at n=1",
        () -> ctc.forward(pred, label, null, t(new float[] {1, 0.5f}, 2), null));
    assertMessage("sampleWeight: expected a shape that broadcasts to the loss shape (2,): (), (1,) or (2,), got (2, 1)",
        () -> ctc.forward(pred, label, null, null, zeros(2, 1)));
  }

  /**
   * Values used as indices are compared with their bounds exactly, also beyond 2^24, where a float no longer holds
   * every integer and an int bound converted to float rounds: {@code (float) 16777219} is 16777220, so a CTC length
   * of T + 1 passed {@code x <= T} and the call read past pred or the label (ArrayIndexOutOfBoundsException from
   * inside; found by a review in session 10). Four inputs of 64 MB.
   */
  @Test
  void indexBoundsAreExactBeyondTwoToThe24() {
    int odd = (1 << 24) + 3; // 16777219: as a float, 16777220
    float above = 16777220f; // odd + 1, exactly representable
    CTCLoss ctc = new CTCLoss();
    // predLengths: T = odd, a length of T + 1
    assertMessage("predLengths: expected an integer in [0, T] = [0, 16777219], got 1.677722E7 at n=0",
        () -> ctc.forward(zeros(1, odd, 1), zeros(1, 0), t(new float[] {above}, 1), null, null));
    // labelLengths: L = odd, a length of L + 1
    assertMessage("labelLengths: expected an integer in [0, L] = [0, 16777219], got 1.677722E7 at n=0",
        () -> ctc.forward(zeros(1, 1, 2), zeros(1, odd), null, t(new float[] {above}, 1), null));
    // a label equal to the blank: C = odd + 2 = 16777221, top = C - 2 = odd, the blank C - 1 = 16777220
    assertMessage("label: expected a class index in [0, 16777219] or -1 padding, got 1.677722E7 at (n=0, l=0)",
        () -> ctc.forward(zeros(1, 1, odd + 2), t(new float[] {above}, 1, 1)));
    // SoftmaxCE with C = 2^24 + 1: the label 2^24 is the last class and valid (it was refused: (float) C == 2^24);
    // equal logits, so the loss is log(C)
    int classes = (1 << 24) + 1;
    float[] loss = new SoftmaxCrossEntropyLoss().forward(zeros(1, classes), t(new float[] {1 << 24}, 1));
    assertEquals(Math.log(classes), loss[0], 1e-5 * Math.log(classes));
  }

  @Test
  void klAxisIsCheckedForEmptyPredToo() {
    // SoftmaxCrossEntropyLoss refuses a bad axis whatever the size; KLDivLoss returns [NaN, NaN] here
    Tensor empty = zeros(2, 0);
    assertMessage("axis: expected an axis in [-2, 2) for an input of rank 2, got 5",
        () -> KLDivLoss.builder().fromLogits(false).axis(5).build().forward(empty, empty));
  }

  // ---- shapes whose arithmetic overflows int --------------------------------------------------------------------

  @Test
  void shapesBeyondIntAreRefused() {
    int[][] huge = {{65536, 65536}, {46341, 46341}, {2, 1 << 30}, {1 << 16, 1 << 8, 1 << 8}, {3, 3, 3, 3, 3, 3, 3,
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, {Integer.MAX_VALUE, 2}, {2, Integer.MAX_VALUE, 0, -1}};
    for (int[] s : huge) {
      boolean negative = Arrays.stream(s).anyMatch(d -> d < 0);
      Throwable e = null;
      try {
        Tensor.of(new float[0], s);
      } catch (Throwable x) {
        e = x;
      }
      assertTrue(e != null && e.getClass() == IllegalArgumentException.class, Arrays.toString(s) + ": " + e);
      String m = e.getMessage();
      assertTrue(m.startsWith("shape: "), m);
      assertTrue(m.contains(negative ? "non-negative" : "overflows int"), m);
      assertTrue(m.contains(BadInputTest.dims(s)), m);
    }
  }

  /**
   * Empty tensors may have dimensions whose partial products overflow an int (numpy accepts (65536, 65536, 0)).
   * Every loss must handle them without an overflowed stride or size leaking into a wrong output or an
   * exception: the outputs have the batch axis's length, and the mean over an empty axis is NaN (0/0).
   */
  @Test
  void emptyTensorsWithHugeDimensions() {
    Tensor a = zeros(65536, 65536, 0);
    assertEquals(0, a.size());
    float[] l2 = new L2Loss().forward(a, a);
    assertEquals(65536, l2.length);
    for (float v : l2) {
      assertTrue(Float.isNaN(v), "mean over an empty axis");
    }
    Tensor b = zeros(0, 65536, 65536);
    assertEquals(0, new L1Loss().forward(b, b).length);
    assertEquals(65536, L1Loss.builder().batchAxis(1).build().forward(b, b).length);
    // class axis with 65536 classes and a stride of 65536 over an empty batch
    assertEquals(0, SoftmaxCrossEntropyLoss.builder().axis(1).build().forward(b, zeros(0, 65536)).length);
    assertEquals(0, KLDivLoss.builder().fromLogits(false).axis(1).build().forward(b, b).length);
    assertEquals(0, new TripletLoss().forward(b, b, b).length);
    float[] sw = new L2Loss().forward(a, a, zeros(65536, 1, 1));
    assertEquals(65536, sw.length);
    // CTC with N*C beyond int and no frame: T = 0, N = 65536, C = 65536 (TNC): empty labels cost 0
    CTCLoss tnc = CTCLoss.builder().layout("TNC").build();
    float[] c = tnc.forward(zeros(0, 65536, 65536), zeros(65536, 0));
    assertEquals(65536, c.length);
    for (float v : c) {
      assertEquals(0f, v);
    }
    // and a non-empty label cannot fit in 0 frames: +inf
    float[] c2 = CTCLoss.builder().layout("TNC").build().forward(zeros(0, 3, 65536), zeros(3, 1));
    assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, c2);
  }

  // ---- generated invalid calls --------------------------------------------------------------------------------

  static int invalidCalls() {
    return "vector".equals(System.getProperty("simdloss.expect")) ? 100_000 : 10_000;
  }

  /** One invalid call: the operands (pred, label/positive, negative/predLengths, labelLengths, sampleWeight). */
  static final class Call {
    Loss loss;
    Generated.Kind kind;
    Tensor pred;
    Tensor label;
    Tensor third;
    Tensor fourth;
    Tensor sw;
    float[] out; // null: the allocating overload
    boolean nullOut;
    String argument;
    List<String> fragments = new ArrayList<>();
    String what;
    /** A call that is not a forward (a builder option, Tensor.of), or null. */
    Executable optionCall;

    void invoke() throws Throwable {
      if (optionCall != null) {
        optionCall.execute();
        return;
      }
      switch (kind) {
        case TRIPLET:
          if (out == null && !nullOut) {
            ((TripletLoss) loss).forward(pred, label, third);
          } else {
            ((TripletLoss) loss).forward(pred, label, third, out);
          }
          break;
        case CTC:
          if (out == null && !nullOut) {
            ((CTCLoss) loss).forward(pred, label, third, fourth, sw);
          } else {
            ((CTCLoss) loss).forward(pred, label, third, fourth, sw, out);
          }
          break;
        default:
          if (out == null && !nullOut) {
            ((LabeledLoss) loss).forward(pred, label, sw);
          } else {
            ((LabeledLoss) loss).forward(pred, label, sw, out);
          }
      }
    }

    Tensor[] tensors() {
      return new Tensor[] {pred, label, third, fourth, sw};
    }
  }

  static final float SENTINEL = -12345.5f;

  @Test
  void generatedInvalidCalls() {
    SplittableRandom r = new SplittableRandom(8080);
    int total = invalidCalls();
    int[] perArgument = new int[1];
    java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
    Generated g = null;
    for (int i = 0; i < total; i++) {
      if (i % 16 == 0) {
        g = Generated.random(r, r.nextBoolean());
      }
      Call c = mutate(g, r);
      counts.merge(c.argument, 1, Integer::sum);
      // snapshots
      Tensor[] ts = c.tensors();
      float[][] before = new float[ts.length][];
      for (int k = 0; k < ts.length; k++) {
        before[k] = ts[k] == null ? null : ts[k].data().clone();
      }
      float[] outBefore = c.out == null ? null : c.out.clone();
      Throwable e = null;
      try {
        c.invoke();
      } catch (Throwable x) {
        e = x;
      }
      if (e == null || e.getClass() != IllegalArgumentException.class) {
        throw new AssertionError("call " + i + " (" + c.what + ", argument " + c.argument + ") on " + g + ": expected "
            + "an IllegalArgumentException, got " + e, e);
      }
      String m = e.getMessage();
      if (m == null || !m.startsWith(c.argument + ": ")) {
        fail("call " + i + " (" + c.what + "): message should start with '" + c.argument + ": ', got '" + m + "' on "
            + g);
      }
      for (String f : c.fragments) {
        if (!m.contains(f)) {
          fail("call " + i + " (" + c.what + "): message '" + m + "' should contain '" + f + "' on " + g);
        }
      }
      for (int k = 0; k < ts.length; k++) {
        if (ts[k] != null && !Arrays.equals(before[k], ts[k].data())) {
          fail("call " + i + " (" + c.what + ") modified input " + k + " on " + g);
        }
      }
      if (c.out != null && !Arrays.equals(outBefore, c.out)) {
        fail("call " + i + " (" + c.what + ") wrote into out before failing, on " + g);
      }
      perArgument[0]++;
    }
    assertEquals(total, perArgument[0]);
    // every argument was exercised
    for (String a : new String[] {"pred", "label", "positive", "negative", "out", "batchAxis", "axis", "sampleWeight",
        "predLengths", "labelLengths", "rho", "margin", "weight", "layout", "labelLayout", "shape"}) {
      assertTrue(counts.getOrDefault(a, 0) > 0, "no generated call for " + a + ": " + counts);
    }
  }

  /** A call that breaks exactly one argument of the valid case g (cases 8 and 9 fall through when they do not apply). */
  @SuppressWarnings("fallthrough")
  static Call mutate(Generated g, SplittableRandom r) {
    Call c = new Call();
    c.kind = g.kind;
    c.loss = g.loss;
    c.pred = g.predT();
    c.label = g.labelT();
    c.sw = g.swT();
    if (g.kind == Generated.Kind.TRIPLET) {
      c.third = Tensor.of(g.third, g.thirdShape);
    } else if (g.kind == Generated.Kind.CTC) {
      c.third = g.third == null ? null : Tensor.of(g.third, g.thirdShape);
      c.fourth = g.fourth == null ? null : Tensor.of(g.fourth, g.fourthShape);
    }
    int samples = g.samples();
    if (r.nextBoolean()) {
      c.out = new float[samples];
      Arrays.fill(c.out, SENTINEL);
    }
    boolean ctc = g.kind == Generated.Kind.CTC;
    boolean triplet = g.kind == Generated.Kind.TRIPLET;
    String labelName = triplet ? "positive" : "label";
    int choice = r.nextInt(14);
    switch (choice) {
      case 0:
        c.what = "null pred";
        c.pred = null;
        c.argument = "pred";
        return c;
      case 1:
        c.what = "null label";
        c.label = null;
        c.argument = labelName;
        return c;
      case 2:
        if (c.out != null) {
          c.what = "out of the wrong length";
          int len = r.nextBoolean() ? samples + 1 + r.nextInt(3) : r.nextInt(Math.max(1, samples));
          if (len == samples) {
            len = samples + 1;
          }
          c.out = new float[len];
          Arrays.fill(c.out, SENTINEL);
          c.fragments.add("expected length " + samples);
          c.fragments.add("got length " + len);
        } else {
          c.what = "null out";
          c.nullOut = true;
        }
        c.argument = "out";
        return c;
      case 3:
        return options(g, c, r);
      case 4:
        c.what = "a shape that overflows int";
        c.argument = "shape";
        c.kind = null;
        c.fragments.add("overflows int");
        c.loss = null;
        // the tensor cannot even be built: Tensor.of is the call
        return shapeCall(c, r);
      default:
        break;
    }
    if (ctc) {
      return ctcMutation(g, c, r);
    }
    switch (choice) {
      case 5:
      case 6: {
        if (triplet && r.nextBoolean()) {
          c.what = "negative of the wrong size";
          c.third = wrongSize(g.pred.length, r);
          c.argument = "negative";
          c.fragments.add(BadInputTest.dims(c.third.shape()));
          return c;
        }
        if (g.kind == Generated.Kind.SCE_SPARSE) {
          c.what = "sparse label of the wrong shape";
          int[] bad = wrongSparseShape(g, r);
          c.label = zeros(bad);
          c.argument = "label";
          c.fragments.add(BadInputTest.dims(bad));
          return c;
        }
        c.what = "label of the wrong size";
        c.label = wrongSize(g.pred.length, r);
        c.argument = labelName;
        c.fragments.add(BadInputTest.dims(c.label.shape()));
        return c;
      }
      case 7: {
        int rank = g.predShape.length;
        int[] bads = {rank, rank + 1 + r.nextInt(5), -rank - 1, -rank - 1 - r.nextInt(5), Integer.MIN_VALUE,
            Integer.MAX_VALUE};
        int bad = bads[r.nextInt(bads.length)];
        c.what = "batchAxis " + bad;
        c.loss = g.build(g.weight, bad, g.axisOption);
        c.argument = "batchAxis";
        c.fragments.add("got " + bad);
        return c;
      }
      case 8:
        if (g.kind == Generated.Kind.SCE_SPARSE || g.kind == Generated.Kind.SCE_DENSE
            || g.kind == Generated.Kind.KL_SOFTMAX) {
          int rank = g.predShape.length;
          int[] bads = {rank, rank + 1 + r.nextInt(5), -rank - 1, Integer.MIN_VALUE, Integer.MAX_VALUE};
          int bad = bads[r.nextInt(bads.length)];
          c.what = "axis " + bad;
          c.loss = g.build(g.weight, g.batchAxisOption, bad);
          c.argument = "axis";
          c.fragments.add("got " + bad);
          return c;
        }
        // fall through: a sparse value or a weight
      case 9:
        if (g.kind == Generated.Kind.SCE_SPARSE) {
          int classes = g.predShape[g.classAxis];
          float[] values = {-1f, classes, classes + 0.5f, 0.5f, Float.NaN, Float.POSITIVE_INFINITY,
              Float.NEGATIVE_INFINITY, -0.5f, classes * 7f, -Float.MIN_VALUE, Float.MIN_VALUE};
          float v = values[r.nextInt(values.length)];
          float[] l = g.label.clone();
          int at = r.nextInt(l.length);
          l[at] = v;
          c.label = Tensor.of(l, g.labelShape);
          c.what = "sparse label value " + v;
          c.argument = "label";
          c.fragments.add("got " + v + " at index " + at);
          return c;
        }
        // fall through
      default: {
        if (triplet) {
          c.what = "null negative";
          c.third = null;
          c.argument = "negative";
          return c;
        }
        int[] bad = wrongWeightShape(g.lossShape, r);
        c.sw = zeros(bad);
        c.what = "sample weight " + Arrays.toString(bad);
        c.argument = "sampleWeight";
        c.fragments.add(BadInputTest.dims(bad));
        return c;
      }
    }
  }

  static Tensor wrongSize(int n, SplittableRandom r) {
    int m = r.nextBoolean() ? n + 1 + r.nextInt(5) : r.nextInt(n);
    if (m == n) {
      m = n + 1;
    }
    if (m > 1 && r.nextBoolean()) {
      // a rank-2 shape with that count, if it factors
      for (int d = 2; d * d <= m; d++) {
        if (m % d == 0) {
          return zeros(d, m / d);
        }
      }
    }
    return zeros(m);
  }

  /** A label shape that is neither pred-without-class-axis nor pred-with-class-axis-1. */
  static int[] wrongSparseShape(Generated g, SplittableRandom r) {
    int[] good = g.labelShape;
    while (true) {
      int[] s;
      switch (r.nextInt(3)) {
        case 0: // one more dimension of 2
          s = Arrays.copyOf(good, good.length + 1);
          s[good.length] = 2;
          break;
        case 1: // one dimension off by one
          s = good.clone();
          if (s.length == 0) {
            s = new int[] {2};
          } else {
            int i = r.nextInt(s.length);
            s[i] = s[i] + 1;
          }
          break;
        default: // pred's own shape (wrong unless C == 1)
          s = g.predShape.clone();
          s[g.classAxis] = g.predShape[g.classAxis] + 1;
      }
      int[] without = new int[g.predShape.length - 1];
      for (int i = 0, j = 0; i < g.predShape.length; i++) {
        if (i != g.classAxis) {
          without[j++] = g.predShape[i];
        }
      }
      int[] keep = g.predShape.clone();
      keep[g.classAxis] = 1;
      if (!Arrays.equals(s, without) && !Arrays.equals(s, keep) && Generated.size(s) <= 100_000) {
        return s;
      }
    }
  }

  /** A sample-weight shape that does not broadcast to loss (too many dimensions, or one dimension wrong). */
  static int[] wrongWeightShape(int[] loss, SplittableRandom r) {
    if (r.nextInt(4) == 0) {
      int[] s = new int[loss.length + 1];
      s[0] = 1 + r.nextInt(2);
      System.arraycopy(loss, 0, s, 1, loss.length);
      for (int i = 1; i < s.length; i++) {
        if (r.nextBoolean()) {
          s[i] = 1;
        }
      }
      return s;
    }
    int keep = 1 + r.nextInt(loss.length);
    int[] s = Arrays.copyOfRange(loss, loss.length - keep, loss.length);
    for (int i = 0; i < s.length; i++) {
      if (r.nextBoolean()) {
        s[i] = 1;
      }
    }
    int i = r.nextInt(s.length);
    int good = loss[loss.length - keep + i];
    s[i] = good + 1 + (good == 0 ? 1 : 0); // neither 1 nor the loss's dimension
    if (s[i] == 1) {
      s[i] = 2;
    }
    return s;
  }

  static Call options(Generated g, Call c, SplittableRandom r) {
    switch (r.nextInt(5)) {
      case 0: {
        float[] bad = {0f, -0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            1e-39f, -Float.MIN_NORMAL};
        float v = bad[r.nextInt(bad.length)];
        c.what = "rho " + v;
        c.argument = "rho";
        c.fragments.add("got " + v);
        c.kind = null;
        c.loss = null;
        c.optionCall = () -> HuberLoss.builder().rho(v).build();
        return c;
      }
      case 1: {
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float v = bad[r.nextInt(bad.length)];
        c.what = "margin " + v;
        c.argument = "margin";
        c.fragments.add("got " + v);
        c.kind = null;
        c.loss = null;
        int which = r.nextInt(3);
        c.optionCall = () -> {
          if (which == 0) {
            HingeLoss.builder().margin(v).build();
          } else if (which == 1) {
            SquaredHingeLoss.builder().margin(v).build();
          } else {
            TripletLoss.builder().margin(v).build();
          }
        };
        return c;
      }
      case 2:
        c.what = "weight NaN";
        c.argument = "weight";
        c.fragments.add("NaN");
        c.kind = null;
        c.loss = null;
        c.optionCall = () -> g.build(Float.NaN);
        return c;
      case 3: {
        String[] bad = {"NCT", "ntc", "", null, "NTC ", "TCN", "NT"};
        String v = bad[r.nextInt(bad.length)];
        c.what = "layout " + v;
        c.argument = "layout";
        c.kind = null;
        c.loss = null;
        c.optionCall = () -> CTCLoss.builder().layout(v);
        return c;
      }
      default: {
        String[] bad = {"NTC", "nt", "", null, "TN ", "N", "LN"};
        String v = bad[r.nextInt(bad.length)];
        c.what = "labelLayout " + v;
        c.argument = "labelLayout";
        c.kind = null;
        c.loss = null;
        c.optionCall = () -> CTCLoss.builder().labelLayout(v);
        return c;
      }
    }
  }

  static Call shapeCall(Call c, SplittableRandom r) {
    int rank = 2 + r.nextInt(4);
    int[] s = new int[rank];
    long p = 1;
    for (int i = 0; i < rank; i++) {
      s[i] = 1 + r.nextInt(1 << (8 + r.nextInt(16)));
      p = Math.min(p * s[i], 1L << 40); // saturate: only "beyond int" matters
    }
    if (p <= Integer.MAX_VALUE) {
      s[0] = (int) Math.min(Integer.MAX_VALUE, (Integer.MAX_VALUE / (p / s[0])) + 1);
    }
    int[] shape = s;
    int len = r.nextInt(3);
    c.fragments.add(BadInputTest.dims(shape));
    c.optionCall = () -> Tensor.of(new float[len], shape);
    return c;
  }

  static Call ctcMutation(Generated g, Call c, SplittableRandom r) {
    int[] ps = g.predShape;
    int n = g.samples();
    int t = g.flag ? ps[1] : ps[0];
    int classes = ps[2];
    int maxLabel = g.labelTn ? g.labelShape[0] : g.labelShape[1];
    switch (r.nextInt(8)) {
      case 0: {
        int[] bad = r.nextBoolean() ? new int[] {ps[0], ps[1] * ps[2]} : new int[] {ps[0], ps[1], ps[2], 1};
        c.pred = Tensor.of(g.pred, bad);
        c.what = "pred of rank " + bad.length;
        c.argument = "pred";
        c.fragments.add(BadInputTest.dims(bad));
        return c;
      }
      case 1: {
        int[] bad = ps.clone();
        bad[2] = 0;
        c.pred = zeros(bad);
        c.what = "pred without classes";
        c.argument = "pred";
        c.fragments.add("C = 0");
        return c;
      }
      case 2: {
        int[] bad = r.nextBoolean() ? new int[] {n * maxLabel} : new int[] {n, maxLabel, 1};
        c.label = Tensor.of(g.label, bad);
        c.what = "label of rank " + bad.length;
        c.argument = "label";
        c.fragments.add(BadInputTest.dims(bad));
        return c;
      }
      case 3: {
        int[] bad = g.labelTn ? new int[] {maxLabel, n + 1} : new int[] {n + 1, maxLabel};
        c.label = zeros(bad);
        c.what = "label of another batch size";
        c.argument = "label";
        c.fragments.add(BadInputTest.dims(bad));
        return c;
      }
      case 4: {
        // a bad value inside a sample's label: at position 0 of a sample (always inside its length, unless
        // labelLengths says 0: then give that sample length 1 with the bad value)
        if (maxLabel == 0) {
          return ctcWeight(g, c, r, n);
        }
        float[] l = g.label.clone();
        int s = r.nextInt(n);
        float[] bads = {classes - 1, classes, -2f, 0.5f, Float.NaN, Float.POSITIVE_INFINITY, -1f};
        float v = bads[r.nextInt(bads.length)];
        if (v == -1f && g.fourth == null) {
          v = -2f; // -1 is padding without labelLengths
        }
        float[] lengths = g.fourth;
        if (g.fourth != null) {
          lengths = g.fourth.clone();
          if (lengths[s] == 0) {
            lengths[s] = 1;
          }
          c.fourth = Tensor.of(lengths, g.fourthShape);
        }
        // position 0 of sample s: inside its label whatever its length; the samples before s stay valid
        l[g.labelTn ? s : s * maxLabel] = v;
        c.label = Tensor.of(l, g.labelShape);
        c.what = "label value " + v;
        c.argument = "label";
        c.fragments.add("got " + v + " at (n=" + s + ", l=0)");
        return c;
      }
      case 5:
      case 6: {
        boolean pred = r.nextBoolean();
        String arg = pred ? "predLengths" : "labelLengths";
        int max = pred ? t : maxLabel;
        if (r.nextInt(4) == 0) {
          int[] bad = r.nextBoolean() ? new int[] {n + 1} : new int[] {n, 1};
          Tensor x = zeros(bad);
          if (pred) {
            c.third = x;
          } else {
            c.fourth = x;
          }
          c.what = arg + " of shape " + Arrays.toString(bad);
          c.argument = arg;
          c.fragments.add(BadInputTest.dims(bad));
          return c;
        }
        float[] v = new float[n];
        float[] bads = {max + 1, -1f, 0.5f, Float.NaN, Float.POSITIVE_INFINITY, max + 1e9f};
        float bad = bads[r.nextInt(bads.length)];
        int at = r.nextInt(n);
        v[at] = bad;
        if (pred) {
          c.third = Tensor.of(v, n);
        } else {
          c.fourth = Tensor.of(v, n);
        }
        c.what = arg + " value " + bad;
        c.argument = arg;
        c.fragments.add("got " + bad + " at n=" + at);
        return c;
      }
      default:
        return ctcWeight(g, c, r, n);
    }
  }

  static Call ctcWeight(Generated g, Call c, SplittableRandom r, int n) {
    int[][] bads = {{n, 1}, {n + 1}, {1, 1}, {2, n}};
    int[] bad = bads[r.nextInt(bads.length)];
    if (bad.length == 1 && bad[0] == 1) {
      bad = new int[] {1, 1};
    }
    c.sw = zeros(bad);
    c.what = "CTC sample weight " + Arrays.toString(bad);
    c.argument = "sampleWeight";
    c.fragments.add(BadInputTest.dims(bad));
    return c;
  }
}
