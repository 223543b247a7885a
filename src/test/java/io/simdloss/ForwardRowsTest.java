package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The row shortcuts without a sample weight (softmax cross-entropy's (batch, classes) rows, the cheap pointwise
 * losses' contiguous samples with the batch axis first, forward and forwardBackward) against the general path,
 * bit for bit; triplet's short
 * samples against the loss that forwardBackward forms in its own sample loop. A sample weight of scalar 1 takes the general path (the shortcut is only for a null weight) and,
 * multiplying each sum by exactly 1, must give the same bits: so any difference is the shortcut's. The values
 * themselves are checked against float64 by {@code LossReferenceTest} and the golden corpus.
 */
class ForwardRowsTest {

  @ParameterizedTest(name = "classes={0}")
  @ValueSource(ints = {1, 2, 3, 7, 10, 15, 16, 17, 31, 64, 100, 1000})
  void shortcutEqualsGeneralPath(int classes) {
    SplittableRandom r = new SplittableRandom(classes);
    for (int batch : new int[] {0, 1, 2, 5, 33}) {
      float[] x = new float[batch * classes];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextInt(20) == 0 ? (r.nextBoolean() ? 95f : -200f) : (float) (r.nextGaussian() * 8);
      }
      float[] t = new float[batch];
      for (int n = 0; n < batch; n++) {
        t[n] = r.nextInt(classes);
      }
      Tensor pred = Tensor.of(x, batch, classes);
      for (Tensor label : new Tensor[] {Tensor.of(t, batch), Tensor.of(t, batch, 1)}) {
        for (Float weight : new Float[] {null, 2.5f, -0.75f}) {
          for (boolean logits : new boolean[] {false, true}) {
            for (int axis : new int[] {-1, 1}) {
              SoftmaxCrossEntropyLoss.Builder b = SoftmaxCrossEntropyLoss.builder().axis(axis).fromLogits(logits);
              if (weight != null) {
                b.weight(weight);
              }
              SoftmaxCrossEntropyLoss loss = b.build();
              float[] fast = loss.forward(pred, label);
              float[] general = loss.forward(pred, label, Tensor.scalar(1f));
              for (int n = 0; n < batch; n++) {
                assertEquals(Float.floatToIntBits(general[n]), Float.floatToIntBits(fast[n]),
                    loss + " batch=" + batch + " label " + label + " sample " + n);
              }
              forwardBackwardShortcutEqualsGeneralPath(loss, pred, label, general,
                  " batch=" + batch + " label " + label);
            }
          }
        }
      }
    }
  }

  /**
   * forwardBackward without a sample weight (the shortcut, where the layout has one) against the same call with a
   * sample weight of scalar 1 (the general path, the same upstream factor): the loss, which must also be forward's
   * ({@code forwardLoss}), and every gradient element, bit for bit.
   */
  static void forwardBackwardShortcutEqualsGeneralPath(LabeledLoss loss, Tensor pred, Tensor label,
      float[] forwardLoss, String ctx) {
    int batch = forwardLoss.length;
    float[] fastLoss = new float[batch];
    float[] fastGrad = new float[pred.size()];
    loss.forwardBackward(pred, label, null, fastLoss, fastGrad);
    float[] generalLoss = new float[batch];
    float[] generalGrad = new float[pred.size()];
    loss.forwardBackward(pred, label, Tensor.scalar(1f), generalLoss, generalGrad);
    for (int n = 0; n < batch; n++) {
      assertEquals(Float.floatToIntBits(forwardLoss[n]), Float.floatToIntBits(fastLoss[n]),
          loss + " forwardBackward," + ctx + " sample " + n);
      assertEquals(Float.floatToIntBits(forwardLoss[n]), Float.floatToIntBits(generalLoss[n]),
          loss + " forwardBackward, weight 1," + ctx + " sample " + n);
    }
    for (int i = 0; i < fastGrad.length; i++) {
      assertEquals(Float.floatToIntBits(generalGrad[i]), Float.floatToIntBits(fastGrad[i]),
          loss + " gradient," + ctx + " element " + i);
    }
  }

  /** Every loss with a pointwise op, each option that changes its terms or scale. */
  static LabeledLoss[] pointwiseLosses() {
    return new LabeledLoss[] {
      new L2Loss(), L2Loss.builder().weight(-0.3f).build(),
      new L1Loss(), L1Loss.builder().weight(3f).build(),
      new HuberLoss(), HuberLoss.builder().rho(0.25f).weight(2f).build(),
      new HingeLoss(), HingeLoss.builder().margin(0.5f).build(),
      new SquaredHingeLoss(), SquaredHingeLoss.builder().margin(2f).weight(0.1f).build()
    };
  }

  @ParameterizedTest(name = "perSample={0}")
  @ValueSource(ints = {1, 2, 3, 7, 10, 15, 16, 17, 31, 63, 64, 65, 100, 1000, 1500})
  void pointwiseShortcutEqualsGeneralPath(int perSample) {
    SplittableRandom r = new SplittableRandom(1000 + perSample);
    for (int batch : new int[] {0, 1, 2, 5, 33}) {
      float[] x = new float[batch * perSample];
      float[] y = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (r.nextGaussian() * 2);
        y[i] = r.nextBoolean() ? (float) r.nextGaussian() : (r.nextBoolean() ? 1f : -1f);
      }
      // rank 2, and the same data as rank 3 with the sample split in two axes where it can be
      int[][] shapes = perSample % 3 == 0
          ? new int[][] {{batch, perSample}, {batch, 3, perSample / 3}}
          : new int[][] {{batch, perSample}, {batch, perSample, 1}};
      for (int[] shape : shapes) {
        Tensor pred = Tensor.of(x, shape);
        Tensor label = Tensor.of(y, shape);
        for (LabeledLoss loss : pointwiseLosses()) {
          float[] fast = loss.forward(pred, label);
          float[] general = loss.forward(pred, label, Tensor.scalar(1f));
          for (int n = 0; n < batch; n++) {
            assertEquals(Float.floatToIntBits(general[n]), Float.floatToIntBits(fast[n]),
                loss + " shape " + java.util.Arrays.toString(shape) + " sample " + n);
          }
          forwardBackwardShortcutEqualsGeneralPath(loss, pred, label, general,
              " shape " + java.util.Arrays.toString(shape));
        }
      }
    }
  }

  /**
   * Triplet's short-row forward (up to 4 samples of fewer than 16 elements) against the loss that
   * forwardBackward forms in its own sample loop, which has no shortcut: bit for bit.
   */
  @ParameterizedTest(name = "perSample={0}")
  @ValueSource(ints = {1, 2, 3, 7, 10, 15, 16, 17, 31, 64, 1000, 1500})
  void tripletShortcutEqualsForwardBackwardLoss(int perSample) {
    SplittableRandom r = new SplittableRandom(2000 + perSample);
    TripletLoss[] losses = {new TripletLoss(), TripletLoss.builder().margin(0.25f).weight(-1.5f).build(),
        TripletLoss.builder().margin(40f).weight(0.3f).build()};
    for (int batch : new int[] {0, 1, 2, 3, 4, 5, 33}) {
      float[][] data = new float[3][batch * perSample];
      for (float[] d : data) {
        for (int i = 0; i < d.length; i++) {
          d[i] = (float) (r.nextGaussian() * 2);
        }
      }
      int[][] shapes = perSample % 3 == 0
          ? new int[][] {{batch, perSample}, {batch, 3, perSample / 3}}
          : new int[][] {{batch, perSample}, {batch, perSample, 1}};
      for (int[] shape : shapes) {
        Tensor p = Tensor.of(data[0], shape);
        Tensor q = Tensor.of(data[1], shape);
        Tensor n = Tensor.of(data[2], shape);
        for (TripletLoss loss : losses) {
          float[] fast = loss.forward(p, q, n);
          float[] reference = new float[batch];
          float[][] grads = new float[3][p.size()];
          loss.forwardBackward(p, q, n, reference, grads[0], grads[1], grads[2]);
          for (int i = 0; i < batch; i++) {
            assertEquals(Float.floatToIntBits(reference[i]), Float.floatToIntBits(fast[i]),
                loss + " shape " + java.util.Arrays.toString(shape) + " sample " + i);
          }
        }
      }
    }
  }
}
