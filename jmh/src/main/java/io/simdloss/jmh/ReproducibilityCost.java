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
 * What bit-reproducibility costs: the library's canonical kernels (own exp twin, 64 logical lanes, fixed
 * combination tree) against the obvious Vector API code (SVML's {@code lanewise(EXP)}, {@code reduceLanes(ADD)},
 * four accumulators, then whole vectors, then a scalar tail) and against scalar {@code Math.exp}, on the same
 * data. Every variant computes the same quantity over the same arrays and returns it (JMH blackholes the
 * result); {@code crossEntropy} takes the same precomputed shift and log-sum in both variants.
 *
 * <p>Every variant reads the same arrays from the same offset, whose address is fixed relative to a 64-byte
 * cache line: the fork runs with {@code -XX:ObjectAlignmentInBytes=64} (every object starts on a line) and the
 * data starts {@code misalign} floats past a line. Without it the placement of the arrays was left to the
 * allocator and the GC (any multiple of 8 bytes), differed from fork to fork, and so between a kernel and its
 * baseline, which JMH runs in different forks; it alone moved a result by up to 1.8x (dot, n = 1024, 512-bit:
 * 39-42 ns with the data on a line, 67-70 ns 16 bytes past one, where every 64-byte load splits two lines;
 * the baseline 46-49 and 71-85; fastest and median of 8 iterations, copies of both in a scratch benchmark), more
 * than the difference the benchmark is meant to show.
 * ({@code -jvmArgsAppend} replaces the fork's arguments: repeat {@code -XX:ObjectAlignmentInBytes=64} there, or
 * the set-up warns that the placement is not controlled.)
 *
 * <pre>
 * ./mvnw -q -f jmh/pom.xml package
 * java -jar jmh/target/benchmarks.jar ReproducibilityCost -p n=48,100,1000,1024,4096 -f 2 -wi 3 -w 400ms -i 6 -r 250ms
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=vector",
    "-XX:ObjectAlignmentInBytes=64"})
public class ReproducibilityCost {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  @Param({"1024"})
  int n;

  /** Floats between a 64-byte boundary and the first element read (0: aligned to a cache line). */
  @Param({"0"})
  int misalign;

  float[] x;
  float[] y;
  /** Where the data starts in x. */
  int o;
  /**
   * Where the data starts in y: the same index as {@link #o}, in a field of its own, so that C2 cannot prove the
   * two offsets equal. A two-array kernel's contract gives it two independent offsets, and the library's kernels
   * that are calls (not inlined) compile for that case; code inlined here with one offset variable would be
   * compiled knowing that both arrays use the same index (one address computation and one set of range checks
   * for both, which the library's called kernels cannot have). Session 20 measured what that knowledge is worth:
   * docs/performance-history.md, "What reproducibility costs", session 20.
   */
  int oy;
  float shift;
  float logSum;
  LossKernels kernels;

  @Setup
  public void setUp() {
    Object alignment = java.lang.management.ManagementFactory
        .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
        .getVMOption("ObjectAlignmentInBytes").getValue();
    if (!"64".equals(alignment)) {
      System.err.println("ReproducibilityCost: ObjectAlignmentInBytes is " + alignment
          + ", not 64: the arrays' placement relative to cache lines is not controlled");
    }
    o = lineStart() + misalign;
    oy = o;
    x = placed(o, n, 11, 2f);
    y = placed(oy, n, 12, 1f);
    kernels = KernelProvider.get();
    shift = kernels.max(x, o, n);
    logSum = kernels.logSumExp(x, o, n, shift);
  }

  /**
   * The index of a float array's first element on a 64-byte line, when every object starts on one
   * ({@code -XX:ObjectAlignmentInBytes=64}).
   */
  static int lineStart() {
    int base = sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET; // bytes from an object's start to element 0
    return (64 - base % 64) % 64 / Float.BYTES;
  }

  /** A new array holding {@code Workloads.gaussian(n, seed, scale)} from index {@code o} on. */
  static float[] placed(int o, int n, long seed, float scale) {
    float[] a = new float[o + n];
    System.arraycopy(Workloads.gaussian(n, seed, scale), 0, a, o, n);
    return a;
  }

  @Benchmark
  public float logSumExp_canonical() {
    return kernels.logSumExp(x, o, n);
  }

  @Benchmark
  public float logSumExp_svmlReduceLanes() {
    return svmlReduceLanesLogSumExp(x, o, n);
  }

  @Benchmark
  public float logSumExp_svmlReduceLanesCalled() {
    return svmlReduceLanesLogSumExpCalled(x, o, n);
  }

  @Benchmark
  public float logSumExp_scalarMathExp() {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      m = Math.max(m, x[o + i]);
    }
    float s = 0;
    for (int i = 0; i < n; i++) {
      s += (float) Math.exp(x[o + i] - m);
    }
    return (float) Math.log(s) + m;
  }

  @Benchmark
  public float sum_canonical() {
    return kernels.sum(x, o, n);
  }

  @Benchmark
  public float sum_reduceLanes() {
    return reduceLanesSum(x, o, n);
  }

  @Benchmark
  public float sum_reduceLanesCalled() {
    return reduceLanesSumCalled(x, o, n);
  }

  @Benchmark
  public float dot_canonical() {
    return kernels.dot(x, o, y, oy, n);
  }

  @Benchmark
  public float dot_reduceLanes() {
    // four accumulators, whole vectors, reduceLanes(ADD), a scalar tail; force-inlined, as code written here would be
    return ReproducibilityCallCost.reduceLanesDot(x, o, y, oy, n);
  }

  @Benchmark
  public float dot_reduceLanesCalled() {
    return ReproducibilityCallCost.reduceLanesDotCalled(x, o, y, oy, n);
  }

  @Benchmark
  public float crossEntropy_canonical() {
    return kernels.crossEntropy(y, oy, x, o, shift, logSum, n);
  }

  @Benchmark
  public float crossEntropy_reduceLanes() {
    return reduceLanesCrossEntropy(y, oy, x, o, shift, logSum, n);
  }

  @Benchmark
  public float crossEntropy_reduceLanesCalled() {
    return reduceLanesCrossEntropyCalled(y, oy, x, o, shift, logSum, n);
  }

  /**
   * Where the {@code ...ToField} benchmarks below put their result: a plain field of the state, instead of the
   * returned value that JMH hands to its {@code Blackhole}. {@code ReproducibilityReport -p sink=field} pairs them.
   *
   * <p>Why (session 25): JMH's stub compiles the benchmark method and the {@code Blackhole.consume} call that takes
   * its result into one C2 compilation, and that call is inlined only while C2's node budget lasts
   * ({@code NodeCountInliningCutoff}). On JDK 17 at 512 bits the canonical crossEntropy at n = 48 used it up: the
   * stub's final compilation called {@code consume} (with {@code vzeroupper} and the vector registers spilled around
   * the call), the baseline's inlined it, and the canonical kernel measured 11.7 ns against 10.3. With the result
   * stored to this field, no call in either: 7.7 against 10.3-10.5 ({@code -XX:+PrintInlining}; the numbers in
   * docs/performance-history.md, "What reproducibility costs", session 25). The kernel still runs on every call:
   * the stub reads a volatile flag between calls, so C2 cannot hoist its loads out of the loop, and at the default
   * report's 19 other points (JDK 17) the two sinks gave the same times within the noise.
   */
  float sink;

  @Benchmark
  public void logSumExp_canonicalToField() {
    sink = kernels.logSumExp(x, o, n);
  }

  @Benchmark
  public void logSumExp_svmlReduceLanesToField() {
    sink = svmlReduceLanesLogSumExp(x, o, n);
  }

  @Benchmark
  public void sum_canonicalToField() {
    sink = kernels.sum(x, o, n);
  }

  @Benchmark
  public void sum_reduceLanesToField() {
    sink = reduceLanesSum(x, o, n);
  }

  @Benchmark
  public void dot_canonicalToField() {
    sink = kernels.dot(x, o, y, oy, n);
  }

  @Benchmark
  public void dot_reduceLanesToField() {
    sink = ReproducibilityCallCost.reduceLanesDot(x, o, y, oy, n);
  }

  @Benchmark
  public void crossEntropy_canonicalToField() {
    sink = kernels.crossEntropy(y, oy, x, o, shift, logSum, n);
  }

  @Benchmark
  public void crossEntropy_reduceLanesToField() {
    sink = reduceLanesCrossEntropy(y, oy, x, o, shift, logSum, n);
  }

  // The baselines, written once as static methods. Each benchmark above calls its baseline force-inlined, as code
  // written in the benchmark method would be compiled; the ...Called benchmarks call the same code through a method
  // C2 may not inline, as the library's block kernels are called (too big to inline into a caller; the kernels of
  // Reductions16, and Reductions8's short-row ones, are inlined). The report's "-p baseline=called" pairs the canonical
  // kernels with these (README, "What reproducibility costs").

  /** The SVML {@code logSumExp}: max by lanes, {@code lanewise(EXP)} of the shifted values, {@code reduceLanes}. */
  @CompilerControl(CompilerControl.Mode.INLINE)
  static float svmlReduceLanesLogSumExp(float[] x, int o, int n) {
    FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      max = max.max(FloatVector.fromArray(S, x, o + i));
    }
    float m = max.reduceLanes(VectorOperators.MAX);
    for (int j = i; j < n; j++) {
      m = Math.max(m, x[o + j]);
    }
    FloatVector acc = FloatVector.zero(S);
    for (i = 0; i < S.loopBound(n); i += S.length()) {
      acc = acc.add(FloatVector.fromArray(S, x, o + i).sub(m).lanewise(VectorOperators.EXP));
    }
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += (float) Math.exp(x[o + i] - m);
    }
    return (float) Math.log(s) + m;
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float svmlReduceLanesLogSumExpCalled(float[] x, int o, int n) {
    return svmlReduceLanesLogSumExp(x, o, n);
  }

  /** The {@code reduceLanes} sum: four accumulators, whole vectors, {@code reduceLanes(ADD)}, a scalar tail. */
  @CompilerControl(CompilerControl.Mode.INLINE)
  static float reduceLanesSum(float[] x, int o, int n) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int l = S.length();
    int i = 0;
    for (int bound = n - n % (4 * l); i < bound; i += 4 * l) {
      a0 = a0.add(FloatVector.fromArray(S, x, o + i));
      a1 = a1.add(FloatVector.fromArray(S, x, o + i + l));
      a2 = a2.add(FloatVector.fromArray(S, x, o + i + 2 * l));
      a3 = a3.add(FloatVector.fromArray(S, x, o + i + 3 * l));
    }
    for (int bound = S.loopBound(n); i < bound; i += l) {
      a0 = a0.add(FloatVector.fromArray(S, x, o + i));
    }
    float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += x[o + i];
    }
    return s;
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float reduceLanesSumCalled(float[] x, int o, int n) {
    return reduceLanesSum(x, o, n);
  }

  /**
   * The {@code reduceLanes} cross-entropy sum, with the canonical kernel's per-element operations:
   * {@code label * ((shift - pred) + logSum)}; four accumulators, whole vectors, {@code reduceLanes(ADD)}, a scalar
   * tail.
   */
  @CompilerControl(CompilerControl.Mode.INLINE)
  static float reduceLanesCrossEntropy(float[] y, int oy, float[] x, int o, float shift, float logSum, int n) {
    FloatVector m = FloatVector.broadcast(S, shift);
    FloatVector r = FloatVector.broadcast(S, logSum);
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int l = S.length();
    int i = 0;
    for (int bound = n - n % (4 * l); i < bound; i += 4 * l) {
      a0 = a0.add(FloatVector.fromArray(S, y, oy + i).mul(m.sub(FloatVector.fromArray(S, x, o + i)).add(r)));
      a1 = a1.add(FloatVector.fromArray(S, y, oy + i + l).mul(m.sub(FloatVector.fromArray(S, x, o + i + l)).add(r)));
      a2 = a2.add(FloatVector.fromArray(S, y, oy + i + 2 * l).mul(m.sub(FloatVector.fromArray(S, x, o + i + 2 * l)).add(r)));
      a3 = a3.add(FloatVector.fromArray(S, y, oy + i + 3 * l).mul(m.sub(FloatVector.fromArray(S, x, o + i + 3 * l)).add(r)));
    }
    for (int bound = S.loopBound(n); i < bound; i += l) {
      a0 = a0.add(FloatVector.fromArray(S, y, oy + i).mul(m.sub(FloatVector.fromArray(S, x, o + i)).add(r)));
    }
    float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += y[oy + i] * ((shift - x[o + i]) + logSum);
    }
    return s;
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float reduceLanesCrossEntropyCalled(
      float[] y, int oy, float[] x, int o, float shift, float logSum, int n) {
    return reduceLanesCrossEntropy(y, oy, x, o, shift, logSum, n);
  }
}
