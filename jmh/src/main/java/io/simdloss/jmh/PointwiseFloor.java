package io.simdloss.jmh;

import io.simdloss.L1Loss;
import io.simdloss.L2Loss;
import io.simdloss.LabeledLoss;
import io.simdloss.Tensor;
import io.simdloss.internal.KernelProvider;
import io.simdloss.internal.LossKernels;
import io.simdloss.internal.PointwiseOp;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * What limits a cheap pointwise loss's {@code forwardBackward} against its {@code forward} (issue #4, sessions 13
 * and 14): the library's L2 and L1 next to plain memory probes on the same arrays, in one run, as
 * {@link TripletFloor} does for the triplet. forward reads two arrays; forwardBackward reads the same two and
 * writes a third as large, and a store to a line first brings the line into L1 and later writes it back.
 * <ul>
 *   <li>{@code read2}: the vector sum of pred and label, one pass (forward's floor);
 *   <li>{@code read2Write1}: {@code grad = pred - label}, one pass, nothing summed (forwardBackward's floor: the
 *       same traffic, the least work);
 *   <li>{@code read2Write1Sum}: the same pass that also sums {@code (pred - label)^2} (an unordered L2
 *       forwardBackward, without the library's canonical order, options or factor).
 * </ul>
 * The shapes put the three arrays in L1 ({@code 4x48}, where forwardBackward takes the short-row shortcut, and
 * {@code 8x256}: 8 KB each), in L2 ({@code 64x1024}, GradientCost's workload: 256 KB each) and past the caches
 * ({@code 1024x4096}: 16 MB each). The data are GradientCost's draws. {@code kernelL2Forward} and
 * {@code kernelL2ForwardBackward} call the fused kernel once per sample, without the facade.
 *
 * <p>Every fork runs with {@code -XX:ObjectAlignmentInBytes=64}, so each array's data starts 16 bytes past a
 * cache-line boundary in every fork. With the default 8-byte alignment the offset is random per fork, and it
 * moves the times by a quarter: {@link PointwiseAlignment} (session 14, 64x1024, fused L2 kernel) measured
 * forward 2.9-3.3 us with line-aligned operands against 3.9-4.3 us with 16-byte-offset ones, on both JDKs.
 * <pre>
 * java -jar jmh/target/benchmarks.jar PointwiseFloor -f 1 -wi 3 -w 300ms -i 5 -r 200ms
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=vector",
    "-XX:ObjectAlignmentInBytes=64"})
public class PointwiseFloor {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /** Samples x elements per sample. */
  @Param({"4x48", "8x256", "64x1024", "1024x4096"})
  public String shape;

  private static final LossKernels K = KernelProvider.get();

  LabeledLoss l2;
  int row;
  LabeledLoss l1;
  Tensor pred;
  Tensor label;
  float[] p;
  float[] y;
  float[] out;
  float[] grad;

  @Setup
  public void setUp() {
    Checks.requireBackend(true);
    SplittableRandom rnd = new SplittableRandom(42);
    String[] parts = this.shape.split("x");
    int[] shape = {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    y = GradientCost.uniform(rnd, shape[0] * shape[1], -1, 1);
    p = GradientCost.uniform(rnd, shape[0] * shape[1], -3, 3);
    row = shape[1];
    pred = Tensor.of(p, shape);
    label = Tensor.of(y, shape);
    l2 = new L2Loss();
    l1 = new L1Loss();
    out = new float[shape[0]];
    grad = new float[p.length];
  }

  @Benchmark
  public float[] l2Forward() {
    return l2.forward(pred, label, null, out);
  }

  @Benchmark
  public float[] l2ForwardBackward() {
    return l2.forwardBackward(pred, label, null, out, grad);
  }

  @Benchmark
  public float[] l1Forward() {
    return l1.forward(pred, label, null, out);
  }

  @Benchmark
  public float[] l1ForwardBackward() {
    return l1.forwardBackward(pred, label, null, out, grad);
  }

  @Benchmark
  public float read2() {
    float[] p = this.p, y = this.y;
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    int i = 0;
    for (int bound = S.loopBound(p.length); i < bound; i += S.length()) {
      a0 = a0.add(FloatVector.fromArray(S, p, i));
      a1 = a1.add(FloatVector.fromArray(S, y, i));
    }
    return a0.add(a1).reduceLanes(VectorOperators.ADD);
  }

  @Benchmark
  public float[] read2Write1() {
    float[] p = this.p, y = this.y, g = this.grad;
    for (int i = 0, bound = S.loopBound(p.length); i < bound; i += S.length()) {
      FloatVector.fromArray(S, p, i).sub(FloatVector.fromArray(S, y, i)).intoArray(g, i);
    }
    return g;
  }

  @Benchmark
  public float read2Write1Sum() {
    float[] p = this.p, y = this.y, g = this.grad;
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    int i = 0;
    for (int bound = S.loopBound(p.length) - S.length(); i < bound; i += 2 * S.length()) {
      FloatVector d0 = FloatVector.fromArray(S, p, i).sub(FloatVector.fromArray(S, y, i));
      FloatVector d1 = FloatVector.fromArray(S, p, i + S.length()).sub(FloatVector.fromArray(S, y, i + S.length()));
      d0.intoArray(g, i);
      d1.intoArray(g, i + S.length());
      a0 = d0.fma(d0, a0);
      a1 = d1.fma(d1, a1);
    }
    return a0.add(a1).reduceLanes(VectorOperators.ADD);
  }

  /** The library's fused L2 kernel alone, once per sample, as forward's row shortcut calls it (no facade). */
  @Benchmark
  public float kernelL2Forward() {
    float s = 0f;
    for (int o = 0; o < p.length; o += row) {
      s += K.mapSum(PointwiseOp.SQUARED_ERROR, 0f, p, o, y, o, row, 0f, null, 0);
    }
    return s;
  }

  /** The same kernel with the gradient, once per sample (forwardBackward also cuts runs at 1024 elements). */
  @Benchmark
  public float kernelL2ForwardBackward() {
    float s = 0f;
    for (int o = 0; o < p.length; o += row) {
      s += K.mapSum(PointwiseOp.SQUARED_ERROR, 0f, p, o, y, o, row, 0.5f / row, grad, o);
    }
    return s;
  }
}
