package io.simdloss.jmh;

import io.simdloss.internal.KernelProvider;
import io.simdloss.internal.LossKernels;
import io.simdloss.internal.PointwiseOp;
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
 * Whether the cache-line alignment of the operands moves the fused L2 kernel's time (PointwiseFloor's 64 x 1024
 * rows, called straight on the kernel). Each array is 4 MB, which G1 allocates as a humongous object at the start
 * of a heap region, so its data starts 16 bytes past a 64-byte boundary: an offset of 12 floats puts it on the
 * boundary, 0 leaves every 512-bit access straddling two cache lines.
 * <pre>
 * java -jar jmh/target/benchmarks.jar PointwiseAlignment -f 1 -wi 4 -w 300ms -i 6 -r 200ms
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=vector", "-Xms1g",
    "-XX:+UseG1GC"})
public class PointwiseAlignment {
  private static final LossKernels K = KernelProvider.get();
  private static final int ROWS = 64;
  private static final int ROW = 1024;
  private static final int HUGE = 1 << 20;

  /** Offset, in floats, of pred and label's data. */
  @Param({"12", "0"})
  public int readOffset;

  /** Offset, in floats, of the gradient's data. */
  @Param({"12", "0"})
  public int writeOffset;

  float[] p;
  float[] y;
  float[] grad;

  @Setup
  public void setUp() {
    Checks.requireBackend(true);
    SplittableRandom rnd = new SplittableRandom(42);
    y = GradientCost.uniform(rnd, HUGE, -1, 1);
    p = GradientCost.uniform(rnd, HUGE, -3, 3);
    grad = new float[HUGE];
  }

  @Benchmark
  public float forward() {
    float s = 0f;
    for (int o = readOffset, end = o + ROWS * ROW; o < end; o += ROW) {
      s += K.mapSum(PointwiseOp.SQUARED_ERROR, 0f, p, o, y, o, ROW, 0f, null, 0);
    }
    return s;
  }

  @Benchmark
  public float forwardBackward() {
    float s = 0f;
    for (int o = 0; o < ROWS * ROW; o += ROW) {
      s += K.mapSum(PointwiseOp.SQUARED_ERROR, 0f, p, o + readOffset, y, o + readOffset, ROW, 0.5f / ROW, grad,
          o + writeOffset);
    }
    return s;
  }
}
