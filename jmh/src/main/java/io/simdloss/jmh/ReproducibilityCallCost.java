package io.simdloss.jmh;

import io.simdloss.internal.KernelProvider;
import io.simdloss.internal.LossKernels;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * How much of the canonical dot's gap to {@link ReproducibilityCost#dot_reduceLanes} is the call (issue #3): the
 * same {@code reduceLanes} dot inlined in the benchmark method, as {@code ReproducibilityCost} has it, and called
 * as a method C2 may not inline, as the library's kernels are (they are too big to inline); next to the
 * library's canonical {@code dot}. Same data and placement as {@code ReproducibilityCost}. Run the variants in
 * paired rounds (one fork each, in turn), as {@link ReproducibilityReport} does, for example:
 *
 * <pre>
 * for r in 1 2 3 4 5 6; do for v in inlined called canonical; do
 *   java -jar jmh/target/benchmarks.jar "ReproducibilityCallCost.$v\$" -p n=100 -f 1 -wi 3 -w 300ms -i 4 -r 200ms
 * done; done
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=vector",
    "-XX:ObjectAlignmentInBytes=64"})
public class ReproducibilityCallCost {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  @Param({"100"})
  int n;

  float[] x;
  float[] y;
  int o;
  /** y's offset, the same index as o in a field of its own, as in ReproducibilityCost (its oy says why). */
  int oy;
  LossKernels kernels;

  @Setup
  public void setUp() {
    o = ReproducibilityCost.lineStart(); // the data start on a cache line, as in ReproducibilityCost
    oy = o;
    x = ReproducibilityCost.placed(o, n, 11, 2f);
    y = ReproducibilityCost.placed(oy, n, 12, 1f);
    kernels = KernelProvider.get();
  }

  @Benchmark
  public float canonical() {
    return kernels.dot(x, o, y, oy, n);
  }

  @Benchmark
  public float inlined() {
    return reduceLanesDot(x, o, y, oy, n);
  }

  @Benchmark
  public float called() {
    return reduceLanesDotCalled(x, o, y, oy, n);
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float reduceLanesDotCalled(float[] x, int xo, float[] y, int yo, int n) {
    return reduceLanesDot(x, xo, y, yo, n);
  }

  /**
   * The {@code reduceLanes} dot of {@link ReproducibilityCost#dot_reduceLanes} (which calls it, force-inlined):
   * four accumulators, whole vectors, {@code reduceLanes(ADD)}, a scalar tail.
   */
  @CompilerControl(CompilerControl.Mode.INLINE)
  static float reduceLanesDot(float[] x, int xo, float[] y, int yo, int n) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int l = S.length();
    int i = 0;
    for (int bound = n - n % (4 * l); i < bound; i += 4 * l) {
      a0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), a0);
      a1 = FloatVector.fromArray(S, x, xo + i + l).fma(FloatVector.fromArray(S, y, yo + i + l), a1);
      a2 = FloatVector.fromArray(S, x, xo + i + 2 * l).fma(FloatVector.fromArray(S, y, yo + i + 2 * l), a2);
      a3 = FloatVector.fromArray(S, x, xo + i + 3 * l).fma(FloatVector.fromArray(S, y, yo + i + 3 * l), a3);
    }
    for (int bound = S.loopBound(n); i < bound; i += l) {
      a0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), a0);
    }
    float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s = Math.fma(x[xo + i], y[yo + i], s);
    }
    return s;
  }
}
