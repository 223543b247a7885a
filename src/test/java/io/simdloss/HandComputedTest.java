package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Small cases worked out by hand from Gluon's formulas, the arithmetic in the comments; plus toString (Gluon's
 * repr with the options) and the aliases.
 */
class HandComputedTest {

  private static final double LOG2 = Math.log(2);

  /** Relative tolerance for float32 results of a few operations. */
  private static void near(double expected, float got) {
    assertEquals(expected, got, 2e-6 * Math.max(1, Math.abs(expected)), () -> "expected " + expected + ", got " + got);
  }

  /** Also used by ReadmeExampleTest: the same tolerance for the same kind of small float32 results. */
  static void near(double[] expected, float[] got) {
    assertEquals(expected.length, got.length, "length");
    for (int i = 0; i < got.length; i++) {
      int n = i;
      assertEquals(expected[i], got[i], 2e-6 * Math.max(1, Math.abs(expected[i])),
          () -> "sample " + n + ": expected " + expected[n] + ", got " + got[n]);
    }
  }

  /** 0 or -0 (JUnit's float equality tells them apart). */
  private static void assertZero(float got) {
    assertEquals(0.0, got, 0.0);
  }

  private static Tensor t(float[] data, int... shape) {
    return Tensor.of(data, shape);
  }

  // pred (2,3) = [[1,2,3],[4,5,6]], label [[1,0,3],[2,5,9]]: pred - label = [[0,2,0],[2,0,-3]]
  private static final Tensor P23 = t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
  private static final Tensor L23 = t(new float[] {1, 0, 3, 2, 5, 9}, 2, 3);

  @Test
  void l2OfATwoByThreeExample() {
    // squares [[0,4,0],[4,0,9]]; means 4/3 and 13/3; times weight/2 = 1/2: 2/3 and 13/6
    near(new double[] {2.0 / 3, 13.0 / 6}, new L2Loss().forward(P23, L23));
    // weight 4: times 2: 8/3 and 26/3
    near(new double[] {8.0 / 3, 26.0 / 3}, L2Loss.builder().weight(4f).build().forward(P23, L23));
    // batch axis 1: columns (0,2), (2,0), (0,-3): squares 4, 4, 9 over 2 rows -> means 2, 2, 4.5, halved 1, 1, 2.25
    near(new double[] {1, 1, 2.25}, L2Loss.builder().batchAxis(1).build().forward(P23, L23));
    near(new double[] {1, 1, 2.25}, L2Loss.builder().batchAxis(-1).build().forward(P23, L23));
  }

  @Test
  void l1WithSampleWeights() {
    // abs [[0,2,0],[2,0,3]]: means 2/3 and 5/3
    near(new double[] {2.0 / 3, 5.0 / 3}, new L1Loss().forward(P23, L23));
    // per-sample weight (2,1) = [[3],[0.5]]: 2 and 5/6
    near(new double[] {2, 5.0 / 6}, new L1Loss().forward(P23, L23, t(new float[] {3, 0.5f}, 2, 1)));
    // per-class weight (3,) = [1,10,100]: [[0,20,0],[2,0,300]]: means 20/3 and 302/3
    near(new double[] {20.0 / 3, 302.0 / 3}, new L1Loss().forward(P23, L23, t(new float[] {1, 10, 100}, 3)));
    // scalar sample weight 2 and global weight 0.25: x 0.5: 1/3 and 5/6
    near(new double[] {1.0 / 3, 5.0 / 6},
        L1Loss.builder().weight(0.25f).build().forward(P23, L23, t(new float[] {2})));
    // label with another shape, same 6 elements (reshape_like): same as above
    near(new double[] {2.0 / 3, 5.0 / 3}, new L1Loss().forward(P23, t(L23.data(), 6)));
    near(new double[] {2.0 / 3, 5.0 / 3}, new L1Loss().forward(P23, t(L23.data(), 3, 2)));
  }

  @Test
  void huberOnBothBranchesAndAtRho() {
    // rho 1, |d| = 0.5, 1, 3: 0.5*0.25 = 0.125; at |d| == rho both branches give 0.5 (0.5*1 and 1-0.5);
    // 3 - 0.5 = 2.5. Mean (0.125 + 0.5 + 2.5)/3 = 3.125/3
    Tensor pred = t(new float[] {0.5f, -1, 3}, 1, 3);
    Tensor label = t(new float[] {0, 0, 0}, 1, 3);
    near(3.125 / 3, new HuberLoss().forward(pred, label)[0]);
    // at |d| == rho alone: exactly rho/2
    near(0.5, new HuberLoss().forward(t(new float[] {2}, 1), t(new float[] {1}, 1))[0]);
    // rho 2, |d| = 1, 2, 5: 0.25*1 = 0.25; at 2: 0.25*4 = 1 = 2 - 1; 5 - 1 = 4. Mean 5.25/3 = 1.75
    near(1.75, HuberLoss.builder().rho(2).build().forward(t(new float[] {1, -2, 5}, 1, 3), label)[0]);
    // rho 0.5, |d| = 0.25: (0.5/0.5)*0.0625 = 0.0625
    near(0.0625, HuberLoss.builder().rho(0.5f).build().forward(t(new float[] {0.25f}, 1), t(new float[] {0}, 1))[0]);
  }

  @Test
  void hingeAndSquaredHingeAtTheKink() {
    // pred*label = 1 (kink: 0), 0.5 (0.5), -2 (3), 2 (0): mean 3.5/4
    Tensor pred = t(new float[] {1, 0.5f, 2, -2}, 1, 4);
    Tensor label = t(new float[] {1, 1, -1, -1}, 1, 4);
    near(0.875, new HingeLoss().forward(pred, label)[0]);
    // margin 2: 1, 1.5, 4, 0 -> 6.5/4
    near(1.625, HingeLoss.builder().margin(2).build().forward(pred, label)[0]);
    // squared: 0, 0.25, 9, 0 -> 9.25/4
    near(2.3125, new SquaredHingeLoss().forward(pred, label)[0]);
    // exactly at the kink only: 0, not negative
    assertZero(new HingeLoss().forward(t(new float[] {1, -1}, 2), t(new float[] {1, -1}, 2))[0]);
    assertZero(new SquaredHingeLoss().forward(t(new float[] {1, -1}, 2), t(new float[] {1, -1}, 2))[1]);
    // margin -0.5: max(0, -0.5 - 0.25) = 0 and max(0, -0.5 + 3) = 2.5 -> 1.25; squared 6.25/2
    Tensor p2 = t(new float[] {0.25f, -3}, 1, 2);
    Tensor l2 = t(new float[] {1, 1}, 1, 2);
    near(1.25, HingeLoss.builder().margin(-0.5f).build().forward(p2, l2)[0]);
    near(3.125, SquaredHingeLoss.builder().margin(-0.5f).build().forward(p2, l2)[0]);
  }

  @Test
  void sigmoidBceAtZeroLogitsIsLog2() {
    // x = 0: 0 - 0 + 0 + log(exp(0) + exp(0)) = log 2 whatever the label
    Tensor zeros = t(new float[3], 1, 3);
    near(LOG2, new SigmoidBinaryCrossEntropyLoss().forward(zeros, t(new float[] {0, 1, 0.3f}, 1, 3))[0]);
    // from sigmoid, p = 0.5: -(log(0.5) z + log(0.5)(1-z)) = log 2
    Tensor half = t(new float[] {0.5f, 0.5f, 0.5f}, 1, 3);
    near(LOG2, SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(true).build()
        .forward(half, t(new float[] {0, 1, 0.3f}, 1, 3))[0]);
  }

  @Test
  void sigmoidBceLargeLogitsStayFinite() {
    // x = 100, z = 1: max_val 0; 100 - 100 + 0 + log(1 + e^-100) = 3.7e-44 ~ 0
    // x = -100, z = 1: max_val 100; -100 + 100 + 100 + log(e^-100 + e^0) = 100
    // x = 100, z = 0: 100 + 0 + log(1 + e^-100) = 100
    // x = -100, z = 0: -100 + 100 + log(e^-100 + 1) ~ 0
    float[] got = new SigmoidBinaryCrossEntropyLoss()
        .forward(t(new float[] {100, -100, 100, -100}, 4), t(new float[] {1, 1, 0, 0}, 4));
    near(new double[] {0, 100, 100, 0}, got);
    // x = 2, z = 0.25: 2 - 0.5 + 0 + log(1 + e^-2) = 1.5 + 0.126928011
    near(1.5 + Math.log1p(Math.exp(-2)), new SigmoidBCELoss().forward(t(new float[] {2}, 1), t(new float[] {0.25f}, 1))[0]);
    // from sigmoid, p = 0.8, z = 1: -log(0.8); z = 0: -log(0.2)
    near(-Math.log(0.8), SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(true).build()
        .forward(t(new float[] {0.8f}, 1), t(new float[] {1}, 1))[0]);
    near(-Math.log(0.2), SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(true).build()
        .forward(t(new float[] {0.8f}, 1), t(new float[] {0}, 1))[0]);
    // from sigmoid, p = 0 and z = 0: -(log(1e-12)*0 + log(1 + 1e-12)*1) = ~0, finite
    float edge = SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(true).build()
        .forward(t(new float[] {0}, 1), t(new float[] {0}, 1))[0];
    assertTrue(Float.isFinite(edge) && Math.abs(edge) < 1e-6, "got " + edge);
  }

  @Test
  void logisticIsFiniteFarOut() {
    // log(1 + exp(-pred*label)): pred*label = -100 -> log(1 + e^100) = 100 + log(1 + e^-100) = 100 (finite)
    float[] got = new LogisticLoss().forward(t(new float[] {100, -100, 0, 2}, 4), t(new float[] {-1, 1, 1, 1}, 4));
    assertTrue(Float.isFinite(got[0]) && Float.isFinite(got[1]), "finite");
    // pred*label = 0 -> log 2; = 2 -> log(1 + e^-2) = 0.126928011
    near(new double[] {100, 100, LOG2, Math.log1p(Math.exp(-2))}, got);
    // pred*label = +100 -> log(1 + e^-100) = 3.7e-44: essentially 0, not negative
    float tiny = new LogisticLoss().forward(t(new float[] {100}, 1), t(new float[] {1}, 1))[0];
    assertTrue(tiny >= 0 && tiny < 1e-30, "got " + tiny);
  }

  @Test
  void softmaxCrossEntropyOfUniformLogitsIsLogC() {
    // C = 4 equal logits: log_softmax = -log 4 for every class, whatever the label
    Tensor pred = t(new float[] {3, 3, 3, 3, -1, -1, -1, -1}, 2, 4);
    near(new double[] {Math.log(4), Math.log(4)}, new SoftmaxCrossEntropyLoss().forward(pred, t(new float[] {0, 3}, 2)));
    // dense label [0.25]*4: -sum 0.25 * (-log 4) = log 4; label [1,0,0,0]: log 4 too
    Tensor dense = t(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 1, 0, 0, 0}, 2, 4);
    near(new double[] {Math.log(4), Math.log(4)},
        SoftmaxCrossEntropyLoss.builder().sparseLabel(false).build().forward(pred, dense));
    // from logits (already log probabilities): -pick = -log(0.25) = log 4 and -log(0.5)
    Tensor logp = t(new float[] {(float) Math.log(0.25), (float) Math.log(0.75), (float) Math.log(0.5),
        (float) Math.log(0.5)}, 2, 2);
    near(new double[] {Math.log(4), LOG2},
        SoftmaxCrossEntropyLoss.builder().fromLogits(true).build().forward(logp, t(new float[] {0, 1}, 2)));
  }

  @Test
  void softmaxCrossEntropyHandWorked() {
    // logits [0, ln 3]: softmax [1/4, 3/4]; label 1 -> -log(3/4) = log(4/3); label 0 -> log 4
    float ln3 = (float) Math.log(3);
    Tensor pred = t(new float[] {0, ln3, 0, ln3}, 2, 2);
    near(new double[] {Math.log(4.0 / 3), Math.log(4)}, new SoftmaxCELoss().forward(pred, t(new float[] {1, 0}, 2)));
    // sparse label with the class axis kept as size 1 is accepted too: (2, 1)
    near(new double[] {Math.log(4.0 / 3), Math.log(4)}, new SoftmaxCELoss().forward(pred, t(new float[] {1, 0}, 2, 1)));
    // dense [0.5, 0.5]: 0.5 log 4 + 0.5 log(4/3) = 0.5 log(16/3)
    near(new double[] {0.5 * Math.log(16.0 / 3), 0.5 * Math.log(16.0 / 3)},
        SoftmaxCrossEntropyLoss.builder().sparseLabel(false).build().forward(pred, t(new float[] {.5f, .5f, .5f, .5f}, 4)));
    // NCHW-style, class axis 1 of (1, 2, 2): classes of position 0 are pred[0], pred[2] = (0, 0) -> log 2 for
    // any label; position 1 has (ln 3, 0)... laid out: pred = [[0, ln3], [0, 0]] over (C=2, W=2):
    // position 0: classes (0, 0); position 1: classes (ln3, 0): softmax (3/4, 1/4).
    // labels (1, 2) = [[0, 1]]: log 2 and -log(1/4) = log 4: mean (log 2 + log 4)/2 = 1.5 log 2
    Tensor nchw = t(new float[] {0, ln3, 0, 0}, 1, 2, 2);
    near(1.5 * LOG2, SoftmaxCrossEntropyLoss.builder().axis(1).build().forward(nchw, t(new float[] {0, 1}, 1, 2))[0]);
    // the same with axis -2
    near(1.5 * LOG2, SoftmaxCrossEntropyLoss.builder().axis(-2).build().forward(nchw, t(new float[] {0, 1}, 1, 2))[0]);
    // sample weight broadcasts against the loss shape (1, 1, 2): weights (2,) = [2, 0]: (2 log 2 + 0)/2 = log 2
    near(LOG2, SoftmaxCrossEntropyLoss.builder().axis(1).build()
        .forward(nchw, t(new float[] {0, 1}, 1, 2), t(new float[] {2, 0}, 2))[0]);
  }

  @Test
  void softmaxCrossEntropyWhenTheClassAxisIsTheBatchAxis() {
    // pred (2, 3) with axis 0 = batch axis: the loss keeps (1, 3), so the output has length 1.
    // columns (0, 0): log 2 each; label row [0, 1, 0] -> mean log 2
    Tensor pred = t(new float[6], 2, 3);
    float[] got = SoftmaxCrossEntropyLoss.builder().axis(0).build().forward(pred, t(new float[] {0, 1, 0}, 3));
    assertEquals(1, got.length);
    near(LOG2, got[0]);
    // rank 1: pred (4,) equal logits, label () = 2: one output, log 4
    float[] one = new SoftmaxCrossEntropyLoss().forward(t(new float[] {1, 1, 1, 1}, 4), t(new float[] {2}));
    assertEquals(1, one.length);
    near(Math.log(4), one[0]);
  }

  @Test
  void softmaxCrossEntropyOfHugeLogitsIsFinite() {
    // logits (1e4, -1e4): log_softmax = (0, -2e4) (exp(-2e4) underflows to 0 in the sum)
    Tensor pred = t(new float[] {1e4f, -1e4f, 1e4f, -1e4f}, 2, 2);
    float[] sparse = new SoftmaxCrossEntropyLoss().forward(pred, t(new float[] {0, 1}, 2));
    near(new double[] {0, 2e4}, sparse);
    float[] dense = SoftmaxCrossEntropyLoss.builder().sparseLabel(false).build()
        .forward(pred, t(new float[] {1, 0, 0.5f, 0.5f}, 2, 2));
    // second row: 0.5*0 + 0.5*2e4 = 1e4
    near(new double[] {0, 1e4}, dense);
    // strided class axis with huge logits: (1, 2, 1) axis 1
    near(2e4, SoftmaxCrossEntropyLoss.builder().axis(1).build()
        .forward(t(new float[] {1e4f, -1e4f}, 1, 2, 1), t(new float[] {1}, 1, 1))[0]);
  }

  @Test
  void klDivergence() {
    // label 0 contributes 0, even against a very negative log probability
    assertZero(new KLDivLoss().forward(t(new float[] {-50, -3}, 1, 2), t(new float[] {0, 0}, 1, 2))[0]);
    // label (0.5, 0.5), pred log (0.25, 0.75): 0.5 (log .5 - log .25) + 0.5 (log .5 - log .75)
    //   = 0.5 log 2 + 0.5 log(2/3); the mean over 2 elements halves it
    Tensor logq = t(new float[] {(float) Math.log(0.25), (float) Math.log(0.75)}, 1, 2);
    Tensor half = t(new float[] {0.5f, 0.5f}, 1, 2);
    near((0.5 * LOG2 + 0.5 * Math.log(2.0 / 3)) / 2, new KLDivLoss().forward(logq, half)[0]);
    // fromLogits false: logits (0, ln 3) give the same log probabilities
    Tensor logits = t(new float[] {0, (float) Math.log(3)}, 1, 2);
    near((0.5 * LOG2 + 0.5 * Math.log(2.0 / 3)) / 2,
        KLDivLoss.builder().fromLogits(false).build().forward(logits, half)[0]);
    // equal distributions: 0
    near(0, KLDivLoss.builder().fromLogits(false).build().forward(t(new float[] {7, 7}, 1, 2), half)[0]);
    // fromLogits false over axis 0 of (2, 1) = batch axis 1: one sample, the same numbers
    near((0.5 * LOG2 + 0.5 * Math.log(2.0 / 3)) / 2, KLDivLoss.builder().fromLogits(false).axis(0).batchAxis(1)
        .build().forward(t(logits.data(), 2, 1), t(half.data(), 2, 1))[0]);
  }

  @Test
  void tripletReluAtTheMargin() {
    // pred (0,0), positive (1,0), negative (0,1): sum (1 - 1) = 0 -> relu(0 + 1) = 1
    Tensor p = t(new float[] {0, 0}, 1, 2);
    Tensor q = t(new float[] {1, 0}, 1, 2);
    Tensor r = t(new float[] {0, 1}, 1, 2);
    near(1, new TripletLoss().forward(p, q, r)[0]);
    // positive (2,0): sum = 4 - 1 = 3; margin -3: relu(0) = 0; margin -2: 1; margin -4: relu(-1) = 0
    Tensor q2 = t(new float[] {2, 0}, 1, 2);
    assertZero(TripletLoss.builder().margin(-3).build().forward(p, q2, r)[0]);
    near(1, TripletLoss.builder().margin(-2).build().forward(p, q2, r)[0]);
    assertZero(TripletLoss.builder().margin(-4).build().forward(p, q2, r)[0]);
    // a sum, not a mean: 3 samples' worth of 1 - 0 along 3 elements each: sum 3 + margin 1 = 4; weight 0.5: 2
    Tensor p3 = t(new float[] {1, 1, 1}, 1, 3);
    near(2, TripletLoss.builder().weight(0.5f).build().forward(p3, t(new float[3], 1, 3), p3)[0]);
    // the weight multiplies after the relu: weight -1 on relu(-1) is 0 (-0), not 1
    float neg = TripletLoss.builder().margin(-4).weight(-1).build().forward(p, q2, r)[0];
    assertEquals(0.0, neg, 0.0);
  }

  @Test
  void emptyShapes() {
    // no samples: an empty output
    assertEquals(0, new L1Loss().forward(t(new float[0], 0, 5), t(new float[0], 0, 5)).length);
    assertEquals(0, new SoftmaxCrossEntropyLoss().forward(t(new float[0], 0, 3), t(new float[0], 0)).length);
    // samples with no elements: the mean of nothing is 0/0 = NaN (numpy's mean of an empty axis)
    float[] l1 = new L1Loss().forward(t(new float[0], 2, 0), t(new float[0], 2, 0));
    assertEquals(2, l1.length);
    assertTrue(Float.isNaN(l1[0]) && Float.isNaN(l1[1]), "got " + l1[0] + ", " + l1[1]);
    // an empty pred whose other dimensions are huge: nothing to normalize, nothing allocated for them
    // (2 * 46340 * 23170 floats would be 8 GB)
    float[] kl = KLDivLoss.builder().fromLogits(false).axis(0).batchAxis(1).build()
        .forward(t(new float[0], 0, 2, 46340, 23170), t(new float[0], 0, 2, 46340, 23170));
    assertEquals(2, kl.length);
    assertTrue(Float.isNaN(kl[0]) && Float.isNaN(kl[1]));
    // Triplet sums: the sum of nothing is 0, so relu(0 + margin) = margin
    near(new double[] {1.5, 1.5}, TripletLoss.builder().margin(1.5f).build()
        .forward(t(new float[0], 2, 0), t(new float[0], 2, 0), t(new float[0], 2, 0)));
  }

  // ---- toString ----------------------------------------------------------------------------------------------

  @Test
  void toStringWithDefaults() {
    assertEquals("L2Loss(batch_axis=0, w=1.0)", new L2Loss().toString());
    assertEquals("L1Loss(batch_axis=0, w=None)", new L1Loss().toString());
    assertEquals("SigmoidBinaryCrossEntropyLoss(batch_axis=0, w=None, from_sigmoid=False)",
        new SigmoidBinaryCrossEntropyLoss().toString());
    assertEquals("SigmoidBinaryCrossEntropyLoss(batch_axis=0, w=None, from_sigmoid=False)",
        new SigmoidBCELoss().toString());
    assertEquals("SoftmaxCrossEntropyLoss(batch_axis=0, w=None, axis=-1, sparse_label=True, from_logits=False)",
        new SoftmaxCrossEntropyLoss().toString());
    assertEquals("SoftmaxCrossEntropyLoss(batch_axis=0, w=None, axis=-1, sparse_label=True, from_logits=False)",
        new SoftmaxCELoss().toString());
    assertEquals("KLDivLoss(batch_axis=0, w=None, from_logits=True, axis=-1)", new KLDivLoss().toString());
    assertEquals("HuberLoss(batch_axis=0, w=None, rho=1.0)", new HuberLoss().toString());
    assertEquals("HingeLoss(batch_axis=0, w=None, margin=1.0)", new HingeLoss().toString());
    assertEquals("SquaredHingeLoss(batch_axis=0, w=None, margin=1.0)", new SquaredHingeLoss().toString());
    assertEquals("LogisticLoss(batch_axis=0, w=None)", new LogisticLoss().toString());
    assertEquals("TripletLoss(batch_axis=0, w=None, margin=1.0)", new TripletLoss().toString());
  }

  @Test
  void toStringWithOptions() {
    assertEquals("L2Loss(batch_axis=-1, w=0.5)", L2Loss.builder().weight(0.5f).batchAxis(-1).build().toString());
    assertEquals("L1Loss(batch_axis=2, w=3.0)", L1Loss.builder().batchAxis(2).weight(3).build().toString());
    assertEquals("SigmoidBinaryCrossEntropyLoss(batch_axis=1, w=2.5, from_sigmoid=True)",
        SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(true).weight(2.5f).batchAxis(1).build().toString());
    assertEquals("SigmoidBinaryCrossEntropyLoss(batch_axis=0, w=None, from_sigmoid=True)",
        SigmoidBCELoss.builder().fromSigmoid(true).build().toString());
    assertEquals("SoftmaxCrossEntropyLoss(batch_axis=1, w=-1.5, axis=1, sparse_label=False, from_logits=True)",
        SoftmaxCrossEntropyLoss.builder().axis(1).sparseLabel(false).fromLogits(true).weight(-1.5f).batchAxis(1)
            .build().toString());
    assertEquals("SoftmaxCrossEntropyLoss(batch_axis=0, w=None, axis=-2, sparse_label=True, from_logits=False)",
        SoftmaxCELoss.builder().axis(-2).build().toString());
    assertEquals("KLDivLoss(batch_axis=-2, w=0.25, from_logits=False, axis=1)",
        KLDivLoss.builder().fromLogits(false).axis(1).weight(0.25f).batchAxis(-2).build().toString());
    assertEquals("HuberLoss(batch_axis=0, w=None, rho=2.5)", HuberLoss.builder().rho(2.5f).build().toString());
    assertEquals("HingeLoss(batch_axis=0, w=2.0, margin=0.5)",
        HingeLoss.builder().margin(0.5f).weight(2).build().toString());
    assertEquals("SquaredHingeLoss(batch_axis=1, w=None, margin=-1.0)",
        SquaredHingeLoss.builder().margin(-1).batchAxis(1).build().toString());
    assertEquals("LogisticLoss(batch_axis=3, w=0.5)", LogisticLoss.builder().batchAxis(3).weight(0.5f).build().toString());
    assertEquals("TripletLoss(batch_axis=0, w=None, margin=0.0)", TripletLoss.builder().margin(0).build().toString());
  }

  // ---- defaults and aliases ----------------------------------------------------------------------------------

  @Test
  void defaultsAreGluons() {
    assertEquals(1f, new L2Loss().weight());
    assertNull(new L1Loss().weight());
    assertEquals(0, new L1Loss().batchAxis());
    assertFalse(new SigmoidBinaryCrossEntropyLoss().fromSigmoid());
    SoftmaxCrossEntropyLoss ce = new SoftmaxCrossEntropyLoss();
    assertEquals(-1, ce.axis());
    assertTrue(ce.sparseLabel());
    assertFalse(ce.fromLogits());
    assertNull(ce.weight());
    KLDivLoss kl = new KLDivLoss();
    assertTrue(kl.fromLogits());
    assertEquals(-1, kl.axis());
    assertEquals(1f, new HuberLoss().rho());
    assertEquals(1f, new HingeLoss().margin());
    assertEquals(1f, new SquaredHingeLoss().margin());
    assertEquals(1f, new TripletLoss().margin());
    assertNull(new TripletLoss().weight());
    assertNull(new LogisticLoss().weight());
    // builders start from the same defaults
    assertEquals(new SoftmaxCrossEntropyLoss().toString(), SoftmaxCrossEntropyLoss.builder().build().toString());
    assertEquals(new KLDivLoss().toString(), KLDivLoss.builder().build().toString());
    assertEquals(new L2Loss().toString(), L2Loss.builder().build().toString());
  }

  @Test
  void aliasesEqualTheirTargets() {
    SigmoidBCELoss bce = new SigmoidBCELoss();
    assertTrue(bce instanceof SigmoidBinaryCrossEntropyLoss);
    assertFalse(bce.fromSigmoid());
    assertNull(bce.weight());
    assertEquals(0, bce.batchAxis());
    SoftmaxCELoss ce = new SoftmaxCELoss();
    assertTrue(ce instanceof SoftmaxCrossEntropyLoss);
    assertEquals(-1, ce.axis());
    assertTrue(ce.sparseLabel());
    assertFalse(ce.fromLogits());
    assertNull(ce.weight());
    assertEquals(0, ce.batchAxis());

    Tensor pred = t(new float[] {0.3f, -1.2f, 2.0f, 0.7f, -0.4f, 1.1f}, 2, 3);
    Tensor prob = t(new float[] {0.3f, 0.9f, 0.5f, 0.1f, 0.6f, 0.45f}, 2, 3);
    Tensor classes = t(new float[] {2, 0}, 2);
    // both the alias and its target give Gluon's values, from the formulas in double:
    // BCE per row: mean of x - x z + log(1 + e^-x) (all |x| small, so the literal form is fine here)
    float[] x = pred.data();
    float[] z = prob.data();
    double[] bceRows = new double[2];
    for (int i = 0; i < 6; i++) {
      bceRows[i / 3] += (x[i] - x[i] * (double) z[i] + Math.log1p(Math.exp(-x[i]))) / 3;
    }
    near(bceRows, new SigmoidBinaryCrossEntropyLoss().forward(pred, prob));
    near(bceRows, bce.forward(pred, prob));
    // SoftmaxCE: row 0 logits (0.3, -1.2, 2.0) class 2; row 1 (0.7, -0.4, 1.1) class 0
    double[] ceRows = {
        Math.log(Math.exp(0.3f) + Math.exp(-1.2f) + Math.exp(2.0f)) - 2.0f,
        Math.log(Math.exp(0.7f) + Math.exp(-0.4f) + Math.exp(1.1f)) - 0.7f};
    near(ceRows, new SoftmaxCrossEntropyLoss().forward(pred, classes));
    near(ceRows, ce.forward(pred, classes));
  }
}
