package io.simdloss.jmh;

import io.simdloss.CTCLoss;
import io.simdloss.HingeLoss;
import io.simdloss.HuberLoss;
import io.simdloss.KLDivLoss;
import io.simdloss.L1Loss;
import io.simdloss.L2Loss;
import io.simdloss.LogisticLoss;
import io.simdloss.SigmoidBinaryCrossEntropyLoss;
import io.simdloss.SoftmaxCrossEntropyLoss;
import io.simdloss.SquaredHingeLoss;
import io.simdloss.TripletLoss;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Every loss through the public API, into the caller's buffer ({@code forward(..., out)}, 0 B/op once warm).
 * The backend is chosen per fork by the subclasses' JVM flags ({@link VectorBackend}, {@link ScalarBackend});
 * {@link PlainJava} has the same method names on the same {@link States}, written as a user would by hand.
 *
 * <p>Method names are {@code <loss>_<shape>}; one method per workload, each taking the workload's state. A
 * gradient benchmark is one more method per workload next to the forward one, on the same state (which would
 * then hold a grad buffer).
 *
 * <p>The {@code @Warmup}/{@code @Measurement} annotations are the quick profile's ({@link QuickReport}); pass
 * {@code -wi/-w/-i/-r} for longer runs.
 */
@State(Scope.Thread)
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 250, timeUnit = TimeUnit.MILLISECONDS)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class LossBenchmarks {
  final L2Loss l2 = new L2Loss();
  final L1Loss l1 = new L1Loss();
  final HuberLoss huber = new HuberLoss();
  final HingeLoss hinge = new HingeLoss();
  final SquaredHingeLoss squaredHinge = new SquaredHingeLoss();
  final LogisticLoss logistic = new LogisticLoss();
  final SigmoidBinaryCrossEntropyLoss sigmoidBce = new SigmoidBinaryCrossEntropyLoss();
  final SoftmaxCrossEntropyLoss softmaxCe = new SoftmaxCrossEntropyLoss();
  final KLDivLoss klDiv = new KLDivLoss();
  final KLDivLoss klDivSoftmax = KLDivLoss.builder().fromLogits(false).build();
  final TripletLoss triplet = new TripletLoss();
  final CTCLoss ctc = new CTCLoss();

  // ---- latency 1x10
  @Benchmark
  public float[] l2_1x10(States.B1x10 s) {
    return l2.forward(s.in.tPred, s.in.tReal, null, s.in.out);
  }

  @Benchmark
  public float[] l1_1x10(States.B1x10 s) {
    return l1.forward(s.in.tPred, s.in.tReal, null, s.in.out);
  }

  @Benchmark
  public float[] huber_1x10(States.B1x10 s) {
    return huber.forward(s.in.tPred, s.in.tReal, null, s.in.out);
  }

  @Benchmark
  public float[] hinge_1x10(States.B1x10 s) {
    return hinge.forward(s.in.tPred, s.in.tSign, null, s.in.out);
  }

  @Benchmark
  public float[] squaredHinge_1x10(States.B1x10 s) {
    return squaredHinge.forward(s.in.tPred, s.in.tSign, null, s.in.out);
  }

  @Benchmark
  public float[] logistic_1x10(States.B1x10 s) {
    return logistic.forward(s.in.tPred, s.in.tSign, null, s.in.out);
  }

  @Benchmark
  public float[] sigmoidBce_1x10(States.B1x10 s) {
    return sigmoidBce.forward(s.in.tPred, s.in.tProb, null, s.in.out);
  }

  @Benchmark
  public float[] softmaxCe_1x10(States.B1x10 s) {
    return softmaxCe.forward(s.in.tPred, s.in.tCls, null, s.in.out);
  }

  @Benchmark
  public float[] klDiv_1x10(States.B1x10 s) {
    return klDiv.forward(s.in.tPred, s.in.tDist, null, s.in.out);
  }

  @Benchmark
  public float[] triplet_1x10(States.B1x10 s) {
    return triplet.forward(s.in.tPred, s.in.tPos, s.in.tNeg, s.in.out);
  }

  // ---- latency 32x10
  @Benchmark
  public float[] l2_32x10(States.B32x10 s) {
    return l2.forward(s.in.tPred, s.in.tReal, null, s.in.out);
  }

  @Benchmark
  public float[] l1_32x10(States.B32x10 s) {
    return l1.forward(s.in.tPred, s.in.tReal, null, s.in.out);
  }

  @Benchmark
  public float[] huber_32x10(States.B32x10 s) {
    return huber.forward(s.in.tPred, s.in.tReal, null, s.in.out);
  }

  @Benchmark
  public float[] hinge_32x10(States.B32x10 s) {
    return hinge.forward(s.in.tPred, s.in.tSign, null, s.in.out);
  }

  @Benchmark
  public float[] squaredHinge_32x10(States.B32x10 s) {
    return squaredHinge.forward(s.in.tPred, s.in.tSign, null, s.in.out);
  }

  @Benchmark
  public float[] logistic_32x10(States.B32x10 s) {
    return logistic.forward(s.in.tPred, s.in.tSign, null, s.in.out);
  }

  @Benchmark
  public float[] sigmoidBce_32x10(States.B32x10 s) {
    return sigmoidBce.forward(s.in.tPred, s.in.tProb, null, s.in.out);
  }

  @Benchmark
  public float[] softmaxCe_32x10(States.B32x10 s) {
    return softmaxCe.forward(s.in.tPred, s.in.tCls, null, s.in.out);
  }

  @Benchmark
  public float[] klDiv_32x10(States.B32x10 s) {
    return klDiv.forward(s.in.tPred, s.in.tDist, null, s.in.out);
  }

  @Benchmark
  public float[] triplet_32x10(States.B32x10 s) {
    return triplet.forward(s.in.tPred, s.in.tPos, s.in.tNeg, s.in.out);
  }

  // ---- medium
  @Benchmark
  public float[] l2_64x1024(States.P64x1024 s) {
    return l2.forward(s.in.tPred, s.in.tReal, null, s.in.out);
  }

  @Benchmark
  public float[] l1_64x1024(States.P64x1024 s) {
    return l1.forward(s.in.tPred, s.in.tReal, null, s.in.out);
  }

  @Benchmark
  public float[] huber_64x1024(States.P64x1024 s) {
    return huber.forward(s.in.tPred, s.in.tReal, null, s.in.out);
  }

  @Benchmark
  public float[] hinge_64x1024(States.P64x1024 s) {
    return hinge.forward(s.in.tPred, s.in.tSign, null, s.in.out);
  }

  @Benchmark
  public float[] squaredHinge_64x1024(States.P64x1024 s) {
    return squaredHinge.forward(s.in.tPred, s.in.tSign, null, s.in.out);
  }

  @Benchmark
  public float[] logistic_64x1024(States.P64x1024 s) {
    return logistic.forward(s.in.tPred, s.in.tSign, null, s.in.out);
  }

  @Benchmark
  public float[] sigmoidBce_64x1024(States.P64x1024 s) {
    return sigmoidBce.forward(s.in.tPred, s.in.tProb, null, s.in.out);
  }

  @Benchmark
  public float[] softmaxCe_256x1000(States.C256x1000 s) {
    return softmaxCe.forward(s.in.tPred, s.in.tCls, null, s.in.out);
  }

  @Benchmark
  public float[] klDiv_256x1000(States.C256x1000 s) {
    return klDiv.forward(s.in.tPred, s.in.tDist, null, s.in.out);
  }

  @Benchmark
  public float[] klDivSoftmax_256x1000(States.C256x1000 s) {
    return klDivSoftmax.forward(s.in.tPred, s.in.tDist, null, s.in.out);
  }

  @Benchmark
  public float[] triplet_256x128(States.T256x128 s) {
    return triplet.forward(s.in.tPred, s.in.tPos, s.in.tNeg, s.in.out);
  }

  // ---- large
  @Benchmark
  public float[] l2_4M(States.L4M s) {
    return l2.forward(s.in.tPred, s.in.tReal, null, s.in.out);
  }

  @Benchmark
  public float[] l1_4M(States.L4M s) {
    return l1.forward(s.in.tPred, s.in.tReal, null, s.in.out);
  }

  @Benchmark
  public float[] sigmoidBce_4M(States.L4M s) {
    return sigmoidBce.forward(s.in.tPred, s.in.tProb, null, s.in.out);
  }

  // ---- CTC
  @Benchmark
  public float[] ctc_32x200x30_L40(States.Ctc32x200x30 s) {
    return ctc.forward(s.in.tPred, s.in.tLabel, null, null, null, s.in.out);
  }

  @Benchmark
  public float[] ctc_8x100x5000_L20(States.Ctc8x100x5000 s) {
    return ctc.forward(s.in.tPred, s.in.tLabel, null, null, null, s.in.out);
  }
}
