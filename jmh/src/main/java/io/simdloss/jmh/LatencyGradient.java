package io.simdloss.jmh;

import io.simdloss.HingeLoss;
import io.simdloss.L1Loss;
import io.simdloss.L2Loss;
import io.simdloss.LabeledLoss;
import io.simdloss.SoftmaxCrossEntropyLoss;
import io.simdloss.Tensor;
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
 * forward and forwardBackward at the latency shapes (issue #4 next to the quick profile's 1x10 and 32x10, session
 * 14): where the gradient's fixed cost per call, not memory, decides the ratio. Sparse softmax cross-entropy over
 * (batch, 10 classes); L2, L1 and hinge over (batch, 10). Batch-first, no sample weight: the layouts the row
 * shortcuts serve (the pointwise ones up to 4 samples of fewer than 64 elements, so 1x10 but not 32x10).
 * <pre>
 * java -jar jmh/target/benchmarks.jar LatencyGradient -f 1 -wi 3 -w 300ms -i 5 -r 200ms
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=vector"})
public class LatencyGradient {
  @Param({"SoftmaxCE", "L2", "L1", "Hinge"})
  public String loss;

  @Param({"1", "32"})
  public int batch;

  LabeledLoss l;
  Tensor pred;
  Tensor label;
  float[] out;
  float[] grad;

  @Setup
  public void setUp() {
    Checks.requireBackend(true);
    SplittableRandom r = new SplittableRandom(42);
    int n = batch * 10;
    pred = Tensor.of(GradientCost.uniform(r, n, -3, 3), batch, 10);
    switch (loss) {
      case "SoftmaxCE": {
        l = new SoftmaxCrossEntropyLoss();
        float[] idx = new float[batch];
        for (int i = 0; i < batch; i++) {
          idx[i] = r.nextInt(10);
        }
        label = Tensor.of(idx, batch);
        break;
      }
      case "L2": l = new L2Loss(); label = Tensor.of(GradientCost.uniform(r, n, -1, 1), batch, 10); break;
      case "L1": l = new L1Loss(); label = Tensor.of(GradientCost.uniform(r, n, -1, 1), batch, 10); break;
      case "Hinge": l = new HingeLoss(); label = Tensor.of(GradientCost.signs(r, n), batch, 10); break;
      default: throw new IllegalArgumentException("loss: unknown " + loss);
    }
    out = new float[batch];
    grad = new float[n];
  }

  @Benchmark
  public float[] forward() {
    return l.forward(pred, label, null, out);
  }

  @Benchmark
  public float[] forwardBackward() {
    return l.forwardBackward(pred, label, null, out, grad);
  }
}
