package io.simdloss.jmh;

import io.simdloss.internal.KernelProvider;
import io.simdloss.internal.LossKernels;
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
 * What storing the softmax numerators costs (issue #4, session 23): softmax cross-entropy's forwardBackward runs
 * forward's kernels per row (max, then the exp sum) but keeps each exp, {@code expSum} with a destination, then
 * scales the row. This puts the three steps next to forward's two, on rows of 1000 classes: 4 rows (the arrays in
 * L1) and 256 (GradientCost's workload).
 * <ul>
 *   <li>{@code lossOnly}: max and logSumExp per row, forward's kernels;
 *   <li>{@code numeratorsStored}: max and expSum writing each exp to the gradient array;
 *   <li>{@code numeratorsScaled}: the same, then the row scaled by 1 / sum: forwardBackward's kernels.
 * </ul>
 * Until session 23, {@code numeratorsStored} took 1.3-1.4x {@code lossOnly} even in L1: C2 reloaded every
 * constant of {@code VectorMath.exp} in every iteration of the loop that stores (see VectorMath's class comment).
 * <pre>
 * java -jar jmh/target/benchmarks.jar SoftmaxNumerators -f 2 -wi 3 -w 300ms -i 5 -r 200ms
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=vector"})
public class SoftmaxNumerators {
  private static final int CLASSES = 1000;

  @Param({"4", "256"})
  public int rows;

  float[] x;
  float[] grad;
  LossKernels k;

  @Setup
  public void setUp() {
    Checks.requireBackend(true);
    x = GradientCost.uniform(new SplittableRandom(42), rows * CLASSES, -3, 3);
    grad = new float[rows * CLASSES];
    k = KernelProvider.get();
  }

  @Benchmark
  public float lossOnly() {
    float s = 0f;
    for (int row = 0; row < rows * CLASSES; row += CLASSES) {
      s += k.logSumExp(x, row, CLASSES, k.max(x, row, CLASSES));
    }
    return s;
  }

  @Benchmark
  public float numeratorsStored() {
    float s = 0f;
    for (int row = 0; row < rows * CLASSES; row += CLASSES) {
      s += k.expSum(x, row, CLASSES, k.max(x, row, CLASSES), grad, row);
    }
    return s;
  }

  @Benchmark
  public float numeratorsScaled() {
    float s = 0f;
    for (int row = 0; row < rows * CLASSES; row += CLASSES) {
      float sum = k.expSum(x, row, CLASSES, k.max(x, row, CLASSES), grad, row);
      k.scale(grad, row, 1f / sum, grad, row, CLASSES);
      s += sum;
    }
    return s;
  }
}
