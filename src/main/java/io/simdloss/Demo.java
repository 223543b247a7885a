package io.simdloss;

import java.util.Arrays;

/**
 * A short tour of the library: runs every loss once on a small example and prints the backend in use.
 * Run it with {@code ./mvnw -q compile exec:exec@demo} (see README).
 */
public final class Demo {
  private Demo() {}

  /** Prints each loss's per-sample output for a small example. */
  public static void main(String[] args) {
    System.out.println("simdloss backend: " + Backend.active());

    // Two samples of three outputs each.
    Tensor pred = Tensor.of(new float[] {0.5f, -1.0f, 2.0f, 1.5f, 0.0f, -0.5f}, 2, 3);
    Tensor target = Tensor.of(new float[] {1.0f, -1.0f, 1.0f, 1.0f, -1.0f, -1.0f}, 2, 3);
    Tensor probability = Tensor.of(new float[] {1.0f, 0.0f, 1.0f, 1.0f, 0.0f, 0.0f}, 2, 3);
    show(new L2Loss(), pred, target);
    show(new L1Loss(), pred, target);
    show(new HuberLoss(), pred, target);
    show(new HingeLoss(), pred, target);
    show(new SquaredHingeLoss(), pred, target);
    show(new LogisticLoss(), pred, target);
    show(new SigmoidBCELoss(), pred, probability);

    // Softmax cross-entropy over 4 classes, sparse labels, and a per-sample weight (2, 1).
    Tensor logits = Tensor.of(new float[] {2f, 1f, 0.1f, -1f, 0.3f, 0.2f, 3f, 0f}, 2, 4);
    Tensor classes = Tensor.of(new float[] {0f, 2f}, 2);
    Tensor perSample = Tensor.of(new float[] {1f, 0.5f}, 2, 1);
    SoftmaxCrossEntropyLoss ce = new SoftmaxCrossEntropyLoss();
    System.out.printf("%-100s %s%n", ce + " with sampleWeight (2, 1)",
        Arrays.toString(ce.forward(logits, classes, perSample)));

    // The loss and its gradient in one pass: d(sum of the per-sample losses) / d logits, in logits' layout.
    float[] loss = new float[2];
    float[] grad = new float[8];
    ce.forwardBackward(logits, classes, perSample, loss, grad);
    System.out.printf("%-100s %s%n", "  forwardBackward: loss", Arrays.toString(loss));
    System.out.printf("%-100s %s%n", "  forwardBackward: gradient (softmax - onehot, times the weight)",
        Arrays.toString(grad));

    // KL divergence of a target distribution from softmax(logits).
    Tensor distribution = Tensor.of(new float[] {0.7f, 0.2f, 0.05f, 0.05f, 0.1f, 0.1f, 0.7f, 0.1f}, 2, 4);
    show(KLDivLoss.builder().fromLogits(false).build(), logits, distribution);

    // Triplet: anchor, positive, negative.
    Tensor positive = Tensor.of(new float[] {0.4f, -0.9f, 2.1f, 0f, 0f, 0f}, 2, 3);
    TripletLoss triplet = new TripletLoss();
    System.out.printf("%-100s %s%n", triplet, Arrays.toString(triplet.forward(pred, positive, target)));

    // CTC, Gluon's docstring example: 'ba', 'cbb', 'abac' over {a, b, c, blank}, 6 frames of random scores.
    float[] scores = new float[3 * 6 * 4];
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < scores.length; i++) {
      scores[i] = (float) random.nextGaussian();
    }
    Tensor ctcPred = Tensor.of(scores, 3, 6, 4);
    Tensor ctcLabel = Tensor.of(new float[] {1, 0, -1, -1, 2, 1, 1, -1, 0, 1, 0, 2}, 3, 4);
    CTCLoss ctc = new CTCLoss();
    System.out.printf("%-100s %s%n", ctc, Arrays.toString(ctc.forward(ctcPred, ctcLabel)));
  }

  private static void show(LabeledLoss loss, Tensor pred, Tensor label) {
    System.out.printf("%-100s %s%n", loss, Arrays.toString(loss.forward(pred, label)));
  }
}
