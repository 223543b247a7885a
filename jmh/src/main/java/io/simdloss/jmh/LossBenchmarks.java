package io.simdloss.jmh;

import io.simdloss.L2Loss;
import io.simdloss.SigmoidBCELoss;
import io.simdloss.SoftmaxCrossEntropyLoss;
import io.simdloss.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The library through its public API, into caller-owned buffers. The backend is chosen per fork by the
 * subclasses' JVM flags ({@link VectorBackend}, {@link ScalarBackend}); {@link PlainJava} is the baseline a
 * user would write by hand.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class LossBenchmarks {
  final L2Loss l2 = new L2Loss();
  final SigmoidBCELoss bce = new SigmoidBCELoss();
  final SoftmaxCrossEntropyLoss ce = new SoftmaxCrossEntropyLoss();

  Tensor pointPred;
  Tensor pointLabel;
  Tensor pointProb;
  float[] pointOut = new float[64];
  Tensor cePred;
  Tensor ceLabel;
  float[] ceOut = new float[256];
  Tensor tinyPred;
  Tensor tinyLabel;
  float[] tinyOut = new float[1];

  @Setup
  public void setUp() {
    pointPred = Tensor.of(Workloads.gaussian(64 * 1024, 1, 1f), 64, 1024);
    pointLabel = Tensor.of(Workloads.gaussian(64 * 1024, 2, 1f), 64, 1024);
    pointProb = Tensor.of(Workloads.uniform01(64 * 1024, 3), 64, 1024);
    cePred = Tensor.of(Workloads.gaussian(256 * 1000, 4, 2f), 256, 1000);
    ceLabel = Tensor.of(Workloads.classes(256, 1000, 5), 256);
    tinyPred = Tensor.of(Workloads.gaussian(10, 6, 2f), 1, 10);
    tinyLabel = Tensor.of(Workloads.classes(1, 10, 7), 1);
  }

  @Benchmark
  public float[] l2_64x1024() {
    return l2.forward(pointPred, pointLabel, null, pointOut);
  }

  @Benchmark
  public float[] sigmoidBce_64x1024() {
    return bce.forward(pointPred, pointProb, null, pointOut);
  }

  @Benchmark
  public float[] softmaxCe_256x1000() {
    return ce.forward(cePred, ceLabel, null, ceOut);
  }

  @Benchmark
  public float[] softmaxCe_1x10() {
    return ce.forward(tinyPred, tinyLabel, null, tinyOut);
  }
}
