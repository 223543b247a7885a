package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * An output array ({@code out}, {@code loss}, a gradient) that is the data array of one of the call's inputs, or
 * another output of the same call, is refused before anything is written: every pair, for the labeled losses,
 * Triplet and CTC. Found by a review in session 10: CTC's forwardBackward took {@code grad == label.data()} and
 * overwrote the label with softmax numerators before reading it (a wrong loss, or an
 * ArrayIndexOutOfBoundsException from a label turned into +inf); Triplet's took {@code gradPred == loss} and
 * returned the gradient as the loss; no call checked {@code out} against the inputs.
 */
class AliasingTest {

  /** The call's inputs by name, in the order the loss checks them. */
  private final Map<String, float[]> inputs = new LinkedHashMap<>();

  private Tensor input(String name, float[] data, int... shape) {
    inputs.put(name, data);
    return Tensor.of(data, shape);
  }

  /**
   * Runs {@code call}, which passes an output aliased to an input or to another output, and checks the exception
   * (that class exactly), its message, and that no input changed.
   */
  private void assertRefused(String expectedMessage, Executable call) {
    List<float[]> before = new ArrayList<>();
    for (float[] a : inputs.values()) {
      before.add(a.clone());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals(IllegalArgumentException.class, e.getClass());
    assertEquals(expectedMessage, e.getMessage());
    int i = 0;
    for (Map.Entry<String, float[]> input : inputs.entrySet()) {
      assertArrayEquals(before.get(i++), input.getValue(), input.getKey() + " was modified by a refused call");
    }
  }

  private static String ownArray(String argument, String input) {
    return argument + ": expected an array of its own, got " + input + "'s data array (writing " + argument
        + " would modify an input)";
  }

  private static String otherThan(String argument, String other) {
    return argument + ": expected an array other than " + other + ", got the same array";
  }

  @Test
  void labeledLossOutputsAreNotInputs() {
    // every array of length 2, so that each can stand for out, loss and grad: pred (2,), one sample per element
    for (LabeledLoss l : List.of(new L2Loss(), new L1Loss(), new SoftmaxCrossEntropyLoss(), new KLDivLoss(),
        new SigmoidBinaryCrossEntropyLoss(), new HingeLoss())) {
      inputs.clear();
      boolean sparse = l instanceof SoftmaxCrossEntropyLoss;
      // SoftmaxCE: pred (2, 1) with one class, sparse label (2,) of class 0; the others: pred (2,). Every call
      // below is valid but for the aliasing.
      Tensor pred = sparse ? input("pred", new float[] {0.5f, -1f}, 2, 1) : input("pred", new float[] {0.5f, -1f}, 2);
      Tensor label = input("label", new float[] {0f, 0f}, 2);
      Tensor sw = sparse ? input("sampleWeight", new float[] {1f, 2f}, 2, 1) : input("sampleWeight",
          new float[] {1f, 2f}, 2);
      for (Map.Entry<String, float[]> in : Map.copyOf(inputs).entrySet()) {
        assertRefused(ownArray("out", in.getKey()), () -> l.forward(pred, label, sw, in.getValue()));
        assertRefused(ownArray("loss", in.getKey()), () -> l.forwardBackward(pred, label, sw, in.getValue(),
            new float[2]));
        assertRefused(ownArray("grad", in.getKey()), () -> l.forwardBackward(pred, label, sw, new float[2],
            in.getValue()));
      }
      float[] both = new float[2];
      assertRefused(otherThan("grad", "loss"), () -> l.forwardBackward(pred, label, sw, both, both));
      // without a sample weight the row shortcuts run: the check comes first there too
      assertRefused(ownArray("out", "pred"), () -> l.forward(pred, label, null, pred.data()));
    }
  }

  @Test
  void tripletOutputsAreNotInputsNorEachOther() {
    TripletLoss l = new TripletLoss();
    Tensor pred = input("pred", new float[] {0f, 0f}, 2);
    Tensor positive = input("positive", new float[] {1f, 1f}, 2);
    Tensor negative = input("negative", new float[] {0f, 0f}, 2);
    for (Map.Entry<String, float[]> in : Map.copyOf(inputs).entrySet()) {
      float[] a = in.getValue();
      String name = in.getKey();
      assertRefused(ownArray("out", name), () -> l.forward(pred, positive, negative, a));
      assertRefused(ownArray("loss", name), () -> l.forwardBackward(pred, positive, negative, a, new float[2],
          new float[2], new float[2]));
      assertRefused(ownArray("gradPred", name), () -> l.forwardBackward(pred, positive, negative, new float[2], a,
          new float[2], new float[2]));
      assertRefused(ownArray("gradPositive", name), () -> l.forwardBackward(pred, positive, negative, new float[2],
          new float[2], a, new float[2]));
      assertRefused(ownArray("gradNegative", name), () -> l.forwardBackward(pred, positive, negative, new float[2],
          new float[2], new float[2], a));
    }
    float[] x = new float[2];
    assertRefused(otherThan("gradPred", "loss"),
        () -> l.forwardBackward(pred, positive, negative, x, x, new float[2], new float[2]));
    assertRefused(otherThan("gradPositive", "loss"),
        () -> l.forwardBackward(pred, positive, negative, x, new float[2], x, new float[2]));
    assertRefused(otherThan("gradNegative", "loss"),
        () -> l.forwardBackward(pred, positive, negative, x, new float[2], new float[2], x));
    assertRefused(otherThan("gradPositive", "gradPred"),
        () -> l.forwardBackward(pred, positive, negative, new float[2], x, x, new float[2]));
    assertRefused(otherThan("gradNegative", "gradPred"),
        () -> l.forwardBackward(pred, positive, negative, new float[2], x, new float[2], x));
    assertRefused(otherThan("gradNegative", "gradPositive"),
        () -> l.forwardBackward(pred, positive, negative, new float[2], new float[2], x, x));
  }

  @Test
  void ctcOutputsAreNotInputs() {
    CTCLoss l = new CTCLoss();
    // N = 1, T = 2, C = 2: pred and label both hold 4 floats, so grad (4) can alias the label
    Tensor pred = input("pred", new float[] {0f, 0f, 0f, 0f}, 1, 2, 2);
    Tensor label = input("label", new float[] {0f, -1f, -1f, -1f}, 1, 4);
    Tensor predLengths = input("predLengths", new float[] {2f}, 1);
    Tensor labelLengths = input("labelLengths", new float[] {1f}, 1);
    Tensor sw = input("sampleWeight", new float[] {1f}, 1);
    for (String name : List.of("pred", "label")) {
      float[] a = inputs.get(name);
      assertRefused(ownArray("grad", name), () -> l.forwardBackward(pred, label, predLengths, labelLengths, sw,
          new float[1], a));
    }
    for (String name : List.of("predLengths", "labelLengths", "sampleWeight")) {
      float[] a = inputs.get(name);
      assertRefused(ownArray("out", name), () -> l.forward(pred, label, predLengths, labelLengths, sw, a));
      assertRefused(ownArray("loss", name), () -> l.forwardBackward(pred, label, predLengths, labelLengths, sw, a,
          new float[4]));
    }
    // the review's case: a frame maximum of +inf, grad the label's array (it threw
    // ArrayIndexOutOfBoundsException from inside)
    inputs.clear();
    Tensor infinite = input("pred", new float[] {Float.POSITIVE_INFINITY, 0f, 0f, 0f}, 1, 2, 2);
    Tensor lab = input("label", new float[] {0f, -1f, -1f, -1f}, 1, 4);
    assertRefused(ownArray("grad", "label"), () -> l.forwardBackward(infinite, lab, null, null, null, new float[1],
        lab.data()));
    // T * C = 1: grad (1) can alias the lengths and the sample weight too
    inputs.clear();
    Tensor p1 = input("pred", new float[] {0f}, 1, 1, 1);
    Tensor l1 = input("label", new float[] {-1f}, 1, 1);
    Tensor pl = input("predLengths", new float[] {1f}, 1);
    Tensor ll = input("labelLengths", new float[] {0f}, 1);
    Tensor w = input("sampleWeight", new float[] {1f}, 1);
    for (Map.Entry<String, float[]> in : Map.copyOf(inputs).entrySet()) {
      assertRefused(ownArray("grad", in.getKey()), () -> l.forwardBackward(p1, l1, pl, ll, w, new float[1],
          in.getValue()));
      assertRefused(ownArray("out", in.getKey()), () -> l.forward(p1, l1, pl, ll, w, in.getValue()));
      assertRefused(ownArray("loss", in.getKey()), () -> l.forwardBackward(p1, l1, pl, ll, w, in.getValue(),
          new float[1]));
    }
    float[] both = new float[1];
    assertRefused(otherThan("grad", "loss"), () -> l.forwardBackward(p1, l1, pl, ll, w, both, both));
  }
}
