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
 * How the gradient array's address relative to pred's moves the fused L2 kernel with its gradient (issue #4):
 * GradientCost's 64 rows of 1024, the library's {@code mapSum} once per row (as the row shortcut calls it), with
 * pred, label and the gradient carved from one array so that their distances are fixed. {@code gradDelta} is the
 * gradient's distance from pred modulo 4 KB, in bytes; label sits 1040 bytes (mod 4 KB) from pred, away from
 * both. The data start on a cache line ({@code -XX:ObjectAlignmentInBytes=64}).
 *
 * <p>Why: a load whose address equals an older, not yet written store's in the low 12 bits waits for it (the
 * CPU compares only those bits first: "4K aliasing"). With the gradient 64 bytes past pred (mod 4 KB), the store
 * of an iteration's gradient vector and the next iteration's load of pred collide. Arrays of the same size
 * allocated one after the other, when that size is a multiple of 4 KB, sit a header apart modulo 4 KB: close
 * to this case. The library cannot see or choose the addresses of a caller's arrays. Numbers: the README, "The
 * cost of the gradient".
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar GradientPlacement -f 1 -wi 3 -w 300ms -i 8 -r 200ms
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=vector",
    "-XX:ObjectAlignmentInBytes=64"})
public class GradientPlacement {
  private static final LossKernels K = KernelProvider.get();
  static final int ROWS = 64;
  static final int ROW = 1024;
  static final int N = ROWS * ROW;

  /** Bytes from pred's element i to the gradient's element i, modulo 4096. */
  @Param({"16", "64", "128", "1024"})
  int gradDelta;

  float[] buf;
  int p;
  int y;
  int g;

  @Setup
  public void setUp() {
    Checks.requireBackend(true);
    buf = new float[4 * N + 4096];
    p = ReproducibilityCost.lineStart();
    y = p + N + 1040 / Float.BYTES;
    g = p + 2 * N + 1024 + gradDelta / Float.BYTES; // 1024 floats = 4 KB, so the same modulo 4096
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < N; i++) {
      buf[p + i] = (float) rnd.nextDouble(-3, 3);
      buf[y + i] = (float) rnd.nextDouble(-1, 1);
    }
  }

  /** The kernel without the gradient: no store, so the placement of the gradient cannot matter. */
  @Benchmark
  public float forward() {
    float s = 0f;
    for (int o = 0; o < N; o += ROW) {
      s += K.mapSum(PointwiseOp.SQUARED_ERROR, 0f, buf, p + o, buf, y + o, ROW, 0f, null, 0);
    }
    return s;
  }

  @Benchmark
  public float forwardBackward() {
    float s = 0f;
    for (int o = 0; o < N; o += ROW) {
      s += K.mapSum(PointwiseOp.SQUARED_ERROR, 0f, buf, p + o, buf, y + o, ROW, 0.5f / ROW, buf, g + o);
    }
    return s;
  }
}
