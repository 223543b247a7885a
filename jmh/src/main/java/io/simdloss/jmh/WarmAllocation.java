package io.simdloss.jmh;

import io.simdloss.HingeLoss;
import io.simdloss.HuberLoss;
import io.simdloss.KLDivLoss;
import io.simdloss.L1Loss;
import io.simdloss.L2Loss;
import io.simdloss.LabeledLoss;
import io.simdloss.LogisticLoss;
import io.simdloss.SigmoidBinaryCrossEntropyLoss;
import io.simdloss.SoftmaxCrossEntropyLoss;
import io.simdloss.SquaredHingeLoss;
import io.simdloss.Tensor;
import io.simdloss.TripletLoss;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Does a warmed-up into-buffer {@code forward} or {@code forwardBackward} allocate, in a JVM that has run other
 * losses first? Runs every loss's forward and forwardBackward one after the other in one JVM (8 pointwise losses,
 * softmax CE sparse and dense, KL divergence, triplet; batch axis first and not first; broadcast sample weights;
 * samples of 160 to 600 elements, so the vector kernels' main loops run), each warmed up with 3000 calls and then
 * run in rounds of 1000 calls until a round allocates nothing (at most 200 rounds), and prints the bytes per call
 * of the last round. Exits with status 1 if any case allocates.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar io.simdloss.jmh.WarmAllocation [filter]
 * </pre>
 *
 * <p>Why it exists (session 12): JMH's {@code -prof gc} runs one workload per fork and shows 0 B/op, but a unit test
 * that ran every loss in one JVM found warmed-up calls allocating 14-55 KB per call (a boxed vector per vector
 * iteration), in some runs and not others, on JDK 17 and JDK 25. The README ("Allocation after other losses") has
 * the diagnosis: C2's inlining budget. It is a tool and not a unit test because it fails today; once the kernels
 * are fixed it belongs in the test suite.
 */
public final class WarmAllocation {

  private WarmAllocation() {}

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

  static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return a;
  }

  static float[] signs(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextBoolean() ? 1f : -1f;
    }
    return a;
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
    addTriplet(out);
    return out;
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

  public static void main(String[] args) {
    com.sun.management.ThreadMXBean hot = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    String filter = args.length > 0 ? args[0] : "";
    int allocating = 0;
    for (Case c : cases()) {
      if (!c.name.contains(filter)) {
        continue;
      }
      // 3000 calls of warm-up, then rounds of 1000 calls until one is clean, up to 200: until C2 has compiled
      // everything, a Vector API path may box now and then; a compiled path that boxes shows in every round
      for (int i = 0; i < 3000; i++) {
        c.call.run();
      }
      long perCall = Long.MAX_VALUE;
      for (int round = 0; round < 200 && perCall > 0; round++) {
        long before = hot.getThreadAllocatedBytes(id);
        for (int i = 0; i < 1000; i++) {
          c.call.run();
        }
        perCall = (hot.getThreadAllocatedBytes(id) - before) / 1000;
      }
      System.out.printf("%-50s %8d B/call%n", c.name, perCall);
      if (perCall > 0) {
        allocating++;
      }
    }
    System.out.println(allocating == 0 ? "no case allocates" : allocating + " cases allocate");
    System.exit(allocating == 0 ? 0 : 1);
  }
}
