package io.simdloss;

import static io.simdloss.GradientTest.signs;
import static io.simdloss.GradientTest.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Warmed up, the into-buffer {@code forward} and {@code forwardBackward} of every loss allocate nothing, in one JVM
 * that runs them one after the other, the way a service that uses several losses does: 8 pointwise losses, softmax
 * CE sparse and dense, KL divergence and triplet, each with the batch axis first and not first and broadcast sample
 * weights, on samples of 160 to 600 elements so that the vector kernels' main loops run, and CTC (its float
 * kernels and its double passes). Before them, every loss runs once on special values (NaN, infinities, zeros,
 * subnormals, huge magnitudes), so that the special and wide paths of exp and log have been taken when C2 compiles
 * the kernels, as in a process that has seen such inputs.
 *
 * <p>Why (session 12): JMH's {@code -prof gc}, one workload per fork, showed 0 B/op, while a warmed-up call
 * here allocated 5-58 KB (a boxed vector per iteration of a kernel loop), depending on what had run before, on
 * JDK 17 and JDK 25. The README ("Allocation after other losses") has the four causes found and their fixes.
 *
 * <p>It runs in the build's {@code allocation-*} executions, without the coverage agent, and skips itself under
 * it: JaCoCo's probes add bytecode to every method, which changes C2's inlining, and under the agent 14 cases
 * boxed (session 12), a property of the instrumented code, not of the library.
 *
 * <p>Each case gets 3000 warm-up calls, then rounds of 1000 calls until one round allocates nothing, at most 200
 * and for at least {@link #MIN_NANOS}: until C2 has compiled everything a Vector API path may box now and then,
 * while a compiled path that boxes shows in every round.
 */
class AllocationTest {

  /**
   * How long a case may take to reach a round without allocation, whatever its number of rounds. 200 rounds of a
   * 1 us call last 0.2 s, less than C2's queue can take when it is busy: in session 14 a 1x10 softmax forwardBackward
   * (128-bit, JDK 17; once in a clean-clone CI and in one of five local runs) allocated 288 bytes per call in every
   * one of its 200 rounds, and `-XX:+LogCompilation` showed why: its C2 compile was queued at call 36,440, done at
   * call 207,002, after the last round; until then the call ran C1's code, which boxes every vector. JFR's
   * allocation samples pointed at the C1-run kernel. A compiled path that boxes still fails: it boxes in every round,
   * however long.
   */
  static final long MIN_NANOS = 10_000_000_000L;

  /** One call into caller-owned buffers. */
  interface Call {
    void run();
  }

  static final class Case {
    final String name;
    final Call call;

    Case(String name, Call call) {
      this.name = name;
      this.call = call;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** forward and forwardBackward of a labeled loss on (8, 300) batch-first and (5, 4, 40) with batch axis 1. */
  static void addLabeled(List<Case> out, String name, boolean batchFirst, LabeledLoss loss, Tensor pred, Tensor label,
      Tensor sampleWeight, int batch) {
    float[] o = new float[batch];
    float[] g = new float[pred.size()];
    String where = batchFirst ? " batch-first" : " batch axis 1";
    out.add(new Case(name + where + " forward", () -> loss.forward(pred, label, sampleWeight, o)));
    out.add(new Case(name + where + " forwardBackward", () -> loss.forwardBackward(pred, label, sampleWeight, o, g)));
  }

  interface Maker {
    LabeledLoss make(int batchAxis);
  }

  /** A pointwise loss: label from {@code labels} (0: uniform, 1: probabilities, 2: signs). */
  static void addPointwise(List<Case> out, String name, Maker maker, int labels) {
    SplittableRandom r = new SplittableRandom(name.hashCode());
    int[][] shapes = {{8, 300}, {5, 4, 40}};
    int[][] weightShapes = {{8, 1}, {1, 4, 1}};
    for (int s = 0; s < 2; s++) {
      int[] shape = shapes[s];
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      float[] label = labels == 0 ? uniform(r, n, -2, 2) : labels == 1 ? uniform(r, n, 0, 1) : signs(r, n);
      float[] pred = labels == 1 && name.contains("fromSigmoid") ? uniform(r, n, 0.01, 0.99) : uniform(r, n, -3, 3);
      int w = 1;
      for (int d : weightShapes[s]) {
        w *= d;
      }
      addLabeled(out, name, s == 0, maker.make(s), Tensor.of(pred, shape), Tensor.of(label, shape),
          Tensor.of(uniform(r, w, 0.5, 2), weightShapes[s]), shape[s]);
    }
  }

  static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    addPointwise(out, "L2", a -> L2Loss.builder().batchAxis(a).weight(0.7f).build(), 0);
    addPointwise(out, "L1", a -> L1Loss.builder().batchAxis(a).build(), 0);
    addPointwise(out, "Huber", a -> HuberLoss.builder().batchAxis(a).rho(0.8f).build(), 0);
    addPointwise(out, "Hinge", a -> HingeLoss.builder().batchAxis(a).build(), 2);
    addPointwise(out, "SquaredHinge", a -> SquaredHingeLoss.builder().batchAxis(a).build(), 2);
    addPointwise(out, "Logistic", a -> LogisticLoss.builder().batchAxis(a).build(), 2);
    addPointwise(out, "SigmoidBCE", a -> SigmoidBinaryCrossEntropyLoss.builder().batchAxis(a).build(), 1);
    addPointwise(out, "SigmoidBCE fromSigmoid",
        a -> SigmoidBinaryCrossEntropyLoss.builder().batchAxis(a).fromSigmoid(true).build(), 1);
    addClassLosses(out);
    addRowShortcuts(out);
    addTriplet(out);
    addCtc(out);
    return out;
  }

  /**
   * The row shortcuts without a sample weight (session 14): sparse softmax CE over (1, 10), (32, 10) and (48, 10)
   * (the transposed rows: two vectors of rows and one, at 512 bits), from logits or not, and L2 and hinge over
   * (3, 10) (short rows) and (8, 300) (fused rows).
   */
  static void addRowShortcuts(List<Case> out) {
    SplittableRandom r = new SplittableRandom(91);
    for (int batch : new int[] {1, 32, 48}) {
      float[] idx = new float[batch];
      for (int i = 0; i < batch; i++) {
        idx[i] = r.nextInt(10);
      }
      Tensor pred = Tensor.of(uniform(r, batch * 10, -4, 4), batch, 10);
      for (boolean fromLogits : new boolean[] {false, true}) {
        addLabeled(out, "SoftmaxCE sparse rows " + batch + "x10 fromLogits=" + fromLogits, true,
            SoftmaxCrossEntropyLoss.builder().fromLogits(fromLogits).build(), pred, Tensor.of(idx, batch), null, batch);
      }
    }
    for (int[] shape : new int[][] {{3, 10}, {8, 300}}) {
      int n = shape[0] * shape[1];
      Tensor pred = Tensor.of(uniform(r, n, -2, 2), shape);
      Tensor label = Tensor.of(uniform(r, n, -1, 1), shape);
      String at = " rows " + shape[0] + "x" + shape[1];
      addLabeled(out, "L2" + at, true, new L2Loss(), pred, label, null, shape[0]);
      addLabeled(out, "Hinge" + at, true, new HingeLoss(), pred, label, null, shape[0]);
    }
  }

  /** Softmax CE (sparse and dense, from logits or log-probabilities) and KL divergence over 300 classes. */
  static void addClassLosses(List<Case> out) {
    SplittableRandom r = new SplittableRandom(77);
    // (8, 300) classes last, batch first; (4, 300, 3) classes on axis 1, batch axis 2
    int[][] shapes = {{8, 300}, {4, 300, 3}};
    int[] axes = {-1, 1};
    int[] batchAxes = {0, 2};
    int[][] lossShapes = {{8}, {4, 3}};
    int[][] weightShapes = {{8, 1}, {4, 1, 1}};
    for (int s = 0; s < 2; s++) {
      int[] shape = shapes[s];
      int n = shape.length == 2 ? shape[0] * shape[1] : shape[0] * shape[1] * shape[2];
      int batch = shape[batchAxes[s]];
      int samples = n / 300;
      float[] sparse = new float[samples];
      for (int i = 0; i < samples; i++) {
        sparse[i] = r.nextInt(300);
      }
      int[] sparseShape = lossShapes[s];
      Tensor pred = Tensor.of(uniform(r, n, -4, 4), shape);
      Tensor logProb = Tensor.of(uniform(r, n, -9, -0.1), shape);
      Tensor dense = Tensor.of(uniform(r, n, 0, 1), shape);
      Tensor sw = Tensor.of(uniform(r, weightShapes[s][0], 0.5, 2), weightShapes[s]);
      boolean first = s == 0;
      for (boolean fromLogits : new boolean[] {true, false}) {
        Tensor x = fromLogits ? pred : logProb;
        addLabeled(out, "SoftmaxCE sparse fromLogits=" + fromLogits, first, SoftmaxCrossEntropyLoss.builder()
            .axis(axes[s]).batchAxis(batchAxes[s]).fromLogits(fromLogits).build(), x,
            Tensor.of(sparse, sparseShape), sw, batch);
        addLabeled(out, "SoftmaxCE dense fromLogits=" + fromLogits, first, SoftmaxCrossEntropyLoss.builder()
            .axis(axes[s]).batchAxis(batchAxes[s]).sparseLabel(false).fromLogits(fromLogits).build(), x, dense, sw,
            batch);
        addLabeled(out, "KLDiv fromLogits=" + fromLogits, first, KLDivLoss.builder().axis(axes[s])
            .batchAxis(batchAxes[s]).fromLogits(fromLogits).build(), fromLogits ? logProb : pred, dense, sw, batch);
      }
    }
  }

  /** Triplet on (16, 160) batch-first and (2, 8, 3, 20) with batch axis 1. */
  static void addTriplet(List<Case> out) {
    SplittableRandom r = new SplittableRandom(5);
    int[][] shapes = {{16, 160}, {2, 8, 3, 20}};
    int[] batchAxes = {0, 1};
    for (int s = 0; s < 2; s++) {
      int[] shape = shapes[s];
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      Tensor pred = Tensor.of(uniform(r, n, -1, 1), shape);
      Tensor pos = Tensor.of(uniform(r, n, -1, 1), shape);
      Tensor neg = Tensor.of(uniform(r, n, -1, 1), shape);
      TripletLoss loss = TripletLoss.builder().batchAxis(batchAxes[s]).margin(2f).build();
      float[] o = new float[shape[batchAxes[s]]];
      float[] g0 = new float[n];
      float[] g1 = new float[n];
      float[] g2 = new float[n];
      String where = s == 0 ? " batch-first" : " batch axis 1";
      out.add(new Case("Triplet" + where + " forward", () -> loss.forward(pred, pos, neg, o)));
      out.add(new Case("Triplet" + where + " forwardBackward",
          () -> loss.forwardBackward(pred, pos, neg, o, g0, g1, g2)));
    }
  }

  /**
   * CTC with 40 classes (so that the float kernels' vector loops run, not only their scalar tails) and labels of
   * 6 to 12, whose extended labels of 13 to 25 positions take the double passes' vector loops: NTC with a sample
   * weight and label lengths, TNC with frame lengths; then 12 classes with padded labels.
   */
  static void addCtc(List<Case> out) {
    SplittableRandom r = new SplittableRandom(9);
    int samples = 3;
    int frames = 40;
    int classes = 40;
    int labelLength = 12;
    float[] labels = new float[samples * labelLength];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = r.nextInt(classes - 1); // 0 .. C-2; class C-1 is the blank
    }
    Tensor label = Tensor.of(labels, samples, labelLength);
    Tensor labelLengths = Tensor.of(new float[] {12, 6, 9}, samples);
    Tensor predLengths = Tensor.of(new float[] {40, 31, 36}, samples);
    Tensor sw = Tensor.of(new float[] {0.5f, 1f, 2f}, samples);
    for (boolean ntc : new boolean[] {true, false}) {
      float[] x = uniform(r, samples * frames * classes, -3, 3);
      Tensor pred = ntc ? Tensor.of(x, samples, frames, classes) : Tensor.of(x, frames, samples, classes);
      CTCLoss ctc = CTCLoss.builder().layout(ntc ? "NTC" : "TNC").build();
      float[] o = new float[samples];
      float[] g = new float[x.length];
      String name = ntc ? "CTC NTC label lengths, weight " : "CTC TNC frame lengths ";
      Tensor pl = ntc ? null : predLengths;
      Tensor ll = ntc ? labelLengths : null;
      Tensor w = ntc ? sw : null;
      out.add(new Case(name + "forward", () -> ctc.forward(pred, label, pl, ll, w, o)));
      out.add(new Case(name + "forwardBackward", () -> ctc.forwardBackward(pred, label, pl, ll, w, o, g)));
    }
    // 12 classes (the float kernels' scalar tails at 16 lanes), labels padded with -1 in layout TN, an empty one
    // (CTCGradientTest's allocation case until session 13)
    float[] x = uniform(r, 30 * 4 * 12, -3, 3);
    Tensor pred = Tensor.of(x, 30, 4, 12);
    Tensor padded = Tensor.of(new float[] {1, 3, -1, 5, 2, 3, -1, 6, -1, 4, -1, 7, -1, -1, -1, 8, -1, -1, -1, -1}, 5,
        4);
    CTCLoss ctc = CTCLoss.builder().layout("TNC").labelLayout("TN").build();
    Tensor lengths = Tensor.of(new float[] {30, 20, 10, 30}, 4);
    Tensor weights = Tensor.of(new float[] {1f, 2f, 3f, 4f}, 4);
    float[] o = new float[4];
    float[] g = new float[x.length];
    out.add(new Case("CTC TNC/TN 12 classes forwardBackward",
        () -> ctc.forwardBackward(pred, padded, lengths, null, weights, o, g)));
  }

  /** Every loss once on special values, both calls, with and without a sample weight. */
  static void runOnSpecialValues() {
    float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e30f, -1e30f, 1e-40f,
        -1e-40f, 100f, -100f, 88.5f, -88.5f, 1f, -1f, 0.5f, 2f, 1e-30f};
    int n = 8 * 64;
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = specials[i % specials.length];
    }
    Tensor pred = Tensor.of(values, 8, 64);
    Tensor label = Tensor.of(values.clone(), 8, 64);
    Tensor weight = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 8, 1);
    float[] out = new float[8];
    float[] grad = new float[n];
    LabeledLoss[] losses = {L2Loss.builder().build(), L1Loss.builder().build(), HuberLoss.builder().build(),
        HingeLoss.builder().build(), SquaredHingeLoss.builder().build(), LogisticLoss.builder().build(),
        SigmoidBinaryCrossEntropyLoss.builder().build(),
        SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(true).build(),
        SoftmaxCrossEntropyLoss.builder().sparseLabel(false).build(),
        SoftmaxCrossEntropyLoss.builder().sparseLabel(false).fromLogits(true).build(), KLDivLoss.builder().build(),
        KLDivLoss.builder().fromLogits(false).build()};
    for (LabeledLoss loss : losses) {
      for (Tensor w : new Tensor[] {null, weight}) {
        loss.forward(pred, label, w, out);
        loss.forwardBackward(pred, label, w, out, grad);
      }
    }
    SoftmaxCrossEntropyLoss sparse = SoftmaxCrossEntropyLoss.builder().build();
    Tensor classes = Tensor.of(new float[8], 8);
    sparse.forward(pred, classes, null, out);
    sparse.forwardBackward(pred, classes, weight, out, grad);
    TripletLoss triplet = TripletLoss.builder().build();
    triplet.forward(pred, label, pred, out);
    triplet.forwardBackward(pred, label, pred, out, grad, new float[n], new float[n]);
    // CTC, (N, T, C) = (8, 4, 16), labels of 1 and 3 classes
    CTCLoss ctc = CTCLoss.builder().build();
    Tensor ctcLabel = Tensor.of(new float[] {1, 2, 3, 1, -1, -1, 5, 5, 5, 2, 3, 4, 0, 0, 0, 7, 7, 1, 9, 9, 9, 3, -1, -1},
        8, 3);
    Tensor ctcPred = Tensor.of(values, 8, 4, 16);
    ctc.forward(ctcPred, ctcLabel, null, null, null, out);
    ctc.forwardBackward(ctcPred, ctcLabel, null, null, Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 8), out, grad);
  }

  @Test
  void warmedUpCallsAllocateNothingAfterOtherLosses() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
    com.sun.management.ThreadMXBean hot = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(hot.isThreadAllocatedMemorySupported() && hot.isThreadAllocatedMemoryEnabled(),
        "per-thread allocation counter off");
    boolean coverageAgent = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .anyMatch(a -> a.startsWith("-javaagent") && a.contains("jacoco"));
    assumeTrue(!coverageAgent, "JaCoCo's probes change C2's inlining; the allocation-* executions run this without "
        + "the agent (see pom.xml)");
    long id = Thread.currentThread().getId();
    runOnSpecialValues();
    StringBuilder allocating = new StringBuilder();
    for (Case c : cases()) {
      for (int i = 0; i < 3000; i++) {
        c.call.run();
      }
      long perCall = Long.MAX_VALUE;
      long until = System.nanoTime() + MIN_NANOS;
      for (int round = 0; perCall > 0 && (round < 200 || System.nanoTime() < until); round++) {
        long before = hot.getThreadAllocatedBytes(id);
        for (int i = 0; i < 1000; i++) {
          c.call.run();
        }
        // the counter call itself may allocate a few bytes; 1000 calls that allocate show as at least 1 per call
        perCall = (hot.getThreadAllocatedBytes(id) - before) / 1000;
      }
      if (perCall > 0) {
        allocating.append("\n  ").append(c.name).append(": ").append(perCall).append(" bytes per call");
      }
    }
    assertTrue(allocating.length() == 0, "warmed-up calls that allocate, in every round of 1000 calls (at least 200 "
        + "rounds and " + MIN_NANOS / 1_000_000_000 + " s):"
        + allocating);
  }
}
