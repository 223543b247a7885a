package io.simdloss.jmh;

import io.simdloss.CTCLoss;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of the gradient: {@code forwardBackward} next to {@code forward} for each loss, into caller-owned
 * buffers, on the medium workloads (pointwise 64x1024, softmax CE and KLDiv 256x1000, triplet 256x128)
 * and both CTC workloads (N=32 T=200 C=30 L=40, N=8 T=100 C=5000 L=20). Read the ratio forwardBackward /
 * forward per loss within one run (goal: at most 1.5x, CTC 2.5x). {@link GradientReport} runs each loss's pair back
 * to back with several forks and prints the ratios; a plain run of the class does every forward first:
 * <pre>
 * java -cp jmh/target/benchmarks.jar io.simdloss.jmh.GradientReport
 * java -jar jmh/target/benchmarks.jar GradientCost -wi 3 -w 1 -i 5 -r 1 -f 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=vector"})
public class GradientCost {

  @Param({"L2", "L1", "Huber", "Hinge", "SquaredHinge", "Logistic", "SigmoidBCE", "SigmoidBCE-fromSigmoid",
      "SoftmaxCE", "SoftmaxCE-dense", "KLDiv", "KLDiv-softmax", "Triplet", "CTC-32x200x30-L40",
      "CTC-8x100x5000-L20"})
  public String loss;

  LabeledLoss labeled;
  TripletLoss triplet;
  CTCLoss ctc;
  Tensor pred;
  Tensor label;
  Tensor third;
  float[] out;
  float[] grad;
  float[] gradPositive;
  float[] gradNegative;

  static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return a;
  }

  @Setup
  public void setUp() {
    Checks.requireBackend(true);
    SplittableRandom r = new SplittableRandom(42);
    if (loss.startsWith("CTC")) {
      setUpCtc(r);
      return;
    }
    int[] shape = {64, 1024};
    float[] labels = uniform(r, 64 * 1024, -1, 1);
    switch (loss) {
      case "L2": labeled = new L2Loss(); break;
      case "L1": labeled = new L1Loss(); break;
      case "Huber": labeled = new HuberLoss(); break;
      case "Hinge": labeled = new HingeLoss(); labels = signs(r, 64 * 1024); break;
      case "SquaredHinge": labeled = new SquaredHingeLoss(); labels = signs(r, 64 * 1024); break;
      case "Logistic": labeled = new LogisticLoss(); labels = signs(r, 64 * 1024); break;
      case "SigmoidBCE": labeled = new SigmoidBinaryCrossEntropyLoss(); labels = uniform(r, 64 * 1024, 0, 1); break;
      case "SigmoidBCE-fromSigmoid":
        labeled = SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(true).build();
        labels = uniform(r, 64 * 1024, 0, 1);
        break;
      case "SoftmaxCE": labeled = new SoftmaxCrossEntropyLoss(); shape = new int[] {256, 1000}; break;
      case "SoftmaxCE-dense":
        labeled = SoftmaxCrossEntropyLoss.builder().sparseLabel(false).build();
        shape = new int[] {256, 1000};
        break;
      case "KLDiv": labeled = new KLDivLoss(); shape = new int[] {256, 1000}; break;
      case "KLDiv-softmax":
        labeled = KLDivLoss.builder().fromLogits(false).build();
        shape = new int[] {256, 1000};
        break;
      case "Triplet": triplet = new TripletLoss(); shape = new int[] {256, 128}; break;
      default: throw new IllegalArgumentException("loss: unknown " + loss);
    }
    int n = shape[0] * shape[1];
    float[] p = loss.equals("SigmoidBCE-fromSigmoid") ? uniform(r, n, 0.01, 0.99) : uniform(r, n, -3, 3);
    pred = Tensor.of(p, shape);
    if (loss.equals("SoftmaxCE")) {
      float[] idx = new float[shape[0]];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = r.nextInt(shape[1]);
      }
      label = Tensor.of(idx, shape[0]);
    } else if (loss.startsWith("SoftmaxCE") || loss.startsWith("KLDiv")) {
      label = Tensor.of(uniform(r, n, 0, 0.002), shape);
    } else if (loss.equals("Triplet")) {
      label = Tensor.of(uniform(r, n, -1, 1), shape);
      third = Tensor.of(uniform(r, n, -1, 1), shape);
    } else {
      label = Tensor.of(labels, shape);
    }
    out = new float[shape[0]];
    grad = new float[n];
    gradPositive = new float[n];
    gradNegative = new float[n];
  }

  private void setUpCtc(SplittableRandom r) {
    boolean small = loss.equals("CTC-32x200x30-L40");
    int n = small ? 32 : 8;
    int t = small ? 200 : 100;
    int c = small ? 30 : 5000;
    int l = small ? 40 : 20;
    ctc = new CTCLoss();
    pred = Tensor.of(uniform(r, n * t * c, -3, 3), n, t, c);
    float[] labels = new float[n * l];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = r.nextInt(c - 1);
    }
    label = Tensor.of(labels, n, l);
    out = new float[n];
    grad = new float[n * t * c];
  }

  static float[] signs(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextBoolean() ? 1f : -1f;
    }
    return a;
  }

  @Benchmark
  public float[] forward() {
    if (ctc != null) {
      return ctc.forward(pred, label, null, null, null, out);
    }
    return triplet != null ? triplet.forward(pred, label, third, out) : labeled.forward(pred, label, null, out);
  }

  @Benchmark
  public float[] forwardBackward() {
    if (ctc != null) {
      return ctc.forwardBackward(pred, label, null, null, null, out, grad);
    }
    if (triplet != null) {
      return triplet.forwardBackward(pred, label, third, out, grad, gradPositive, gradNegative);
    }
    return labeled.forwardBackward(pred, label, null, out, grad);
  }
}
