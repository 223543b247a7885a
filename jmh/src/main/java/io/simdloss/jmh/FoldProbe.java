package io.simdloss.jmh;

import io.simdloss.internal.KernelProvider;
import io.simdloss.internal.LossKernels;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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
 * What the canonical fold costs at small n (issue #3; written for 16 lanes, the preferred species at 512 bits):
 * the library's {@code dot}; the same chunk loop and ordered fold as {@code Reductions16.dot} below n = 512
 * (checked bit-identical to the library in the set-up), but in the probe; the same loop with
 * {@code reduceLanes(ADD)} in place of the ordered fold (not reproducible: the time of the fold alone); and the
 * {@code reduceLanes} baseline of {@link ReproducibilityCost}. Run in paired rounds, for example on JDK 25:
 *
 * <pre>
 * for r in 1 2 3 4 5 6; do for v in baseline library orderedFold reduceLanesFold; do
 *   java -jar jmh/target/benchmarks.jar "FoldProbe.$v\$" -p n=48 -f 1 -wi 3 -w 300ms -i 4 -r 200ms
 * done; done
 * </pre>
 *
 * Session 8, JDK 25, n = 48, fastest iterations of 6 and then 8 rounds, ns: baseline 8.5 and 7.6, library 9.1 and
 * 8.3, ordered fold 8.0 and 8.4, reduceLanes fold 7.4 and 7.4. With {@code reduceLanes} the same loop is level
 * with the baseline, so the gap at n = 48 is the ordered fold, about 1 ns.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=vector",
    "-XX:ObjectAlignmentInBytes=64"})
public class FoldProbe {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  static final VectorShuffle<Float> DOWN_8 = VectorShuffle.fromOp(F, j -> (j + 8) % F.length());
  static final VectorShuffle<Float> DOWN_4 = VectorShuffle.fromOp(F, j -> (j + 4) % F.length());

  @Param({"48"})
  int n;
  float[] x;
  float[] y;
  int o;
  LossKernels kernels;

  @Setup
  public void setUp() {
    o = ReproducibilityCost.lineStart();
    x = ReproducibilityCost.placed(o, n, 11, 2f);
    y = ReproducibilityCost.placed(o, n, 12, 1f);
    kernels = KernelProvider.get();
    if (F.length() != 16) {
      throw new IllegalStateException("FoldProbe is written for 16 lanes; the preferred species has " + F.length());
    }
    // the copy keeps the sequential tail of sessions 8-20, so it is the library's order only when n % 16 == 0
    if (n % 16 != 0) {
      throw new IllegalArgumentException("FoldProbe's copy predates the window order (session 21): n = " + n
          + ", expected a multiple of 16");
    }
    if (Float.floatToRawIntBits(kernels.dot(x, o, y, o, n)) != Float.floatToRawIntBits(ordered(x, o, y, o, n))) {
      throw new AssertionError("ordered differs from the library");
    }
  }

  @Benchmark
  public float library() {
    return kernels.dot(x, o, y, o, n);
  }

  @Benchmark
  public float orderedFold() {
    return ordered(x, o, y, o, n);
  }

  @Benchmark
  public float reduceLanesFold() {
    return unordered(x, o, y, o, n);
  }

  @Benchmark
  public float baseline() {
    return ReproducibilityCallCost.reduceLanesDot(x, o, y, o, n);
  }

  /** Reductions16.dot for n < 512, copied: the chunk loop, the rotation and the ordered fold. */
  static float ordered(float[] a, int ao, float[] b, int bo, int n) {
    FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    int i = 0;
    for (; i <= n - 16; i += 16) {
      FloatVector next = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc0);
      acc0 = acc1;
      acc1 = acc2;
      acc2 = acc3;
      acc3 = next;
    }
    acc0 = acc0.add(acc2).add(acc1.add(acc3));
    acc0 = acc0.add(acc0.rearrange(DOWN_8));
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    float s = (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3));
    for (; i < n; i++) {
      s = Math.fma(a[ao + i], b[bo + i], s);
    }
    return s;
  }

  /** The same loop, then reduceLanes(ADD): not the canonical order, only the time without the ordered fold. */
  static float unordered(float[] a, int ao, float[] b, int bo, int n) {
    FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    int i = 0;
    for (; i <= n - 16; i += 16) {
      FloatVector next = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc0);
      acc0 = acc1;
      acc1 = acc2;
      acc2 = acc3;
      acc3 = next;
    }
    float s = acc0.add(acc2).add(acc1.add(acc3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s = Math.fma(a[ao + i], b[bo + i], s);
    }
    return s;
  }
}
