package io.simdloss.jmh;

import io.simdloss.internal.KernelProvider;
import io.simdloss.internal.LossKernels;
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
 * What bit-reproducibility costs: the library's canonical kernels (own exp twin, 64 logical lanes, fixed
 * combination tree) against the obvious Vector API code (SVML's {@code lanewise(EXP)}, {@code reduceLanes(ADD)},
 * four accumulators, then whole vectors, then a scalar tail) and against scalar {@code Math.exp}, on the same
 * data. Every variant computes the same quantity over the same arrays and returns it (JMH blackholes the
 * result); {@code crossEntropy} takes the same precomputed shift and log-sum in both variants.
 *
 * <pre>
 * ./mvnw -q -f jmh/pom.xml package
 * java -jar jmh/target/benchmarks.jar ReproducibilityCost -p n=48,100,200,1000,1024,4096 -wi 3 -w 1 -i 5 -r 1 -f 2
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=vector"})
public class ReproducibilityCost {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  @Param({"1024"})
  int n;

  float[] x;
  float[] y;
  float shift;
  float logSum;
  LossKernels kernels;

  @Setup
  public void setUp() {
    x = Workloads.gaussian(n, 11, 2f);
    y = Workloads.gaussian(n, 12, 1f);
    kernels = KernelProvider.get();
    shift = kernels.max(x, 0, n);
    logSum = kernels.logSumExp(x, 0, n, shift);
  }

  @Benchmark
  public float logSumExp_canonical() {
    return kernels.logSumExp(x, 0, n);
  }

  @Benchmark
  public float logSumExp_svmlReduceLanes() {
    FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      max = max.max(FloatVector.fromArray(S, x, i));
    }
    float m = max.reduceLanes(VectorOperators.MAX);
    for (int j = i; j < n; j++) {
      m = Math.max(m, x[j]);
    }
    FloatVector acc = FloatVector.zero(S);
    for (i = 0; i < S.loopBound(n); i += S.length()) {
      acc = acc.add(FloatVector.fromArray(S, x, i).sub(m).lanewise(VectorOperators.EXP));
    }
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += (float) Math.exp(x[i] - m);
    }
    return (float) Math.log(s) + m;
  }

  @Benchmark
  public float logSumExp_scalarMathExp() {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      m = Math.max(m, x[i]);
    }
    float s = 0;
    for (int i = 0; i < n; i++) {
      s += (float) Math.exp(x[i] - m);
    }
    return (float) Math.log(s) + m;
  }

  @Benchmark
  public float sum_canonical() {
    return kernels.sum(x, 0, n);
  }

  @Benchmark
  public float sum_reduceLanes() {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int l = S.length();
    int i = 0;
    for (int bound = n - n % (4 * l); i < bound; i += 4 * l) {
      a0 = a0.add(FloatVector.fromArray(S, x, i));
      a1 = a1.add(FloatVector.fromArray(S, x, i + l));
      a2 = a2.add(FloatVector.fromArray(S, x, i + 2 * l));
      a3 = a3.add(FloatVector.fromArray(S, x, i + 3 * l));
    }
    for (int bound = S.loopBound(n); i < bound; i += l) {
      a0 = a0.add(FloatVector.fromArray(S, x, i));
    }
    float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += x[i];
    }
    return s;
  }

  @Benchmark
  public float dot_canonical() {
    return kernels.dot(x, 0, y, 0, n);
  }

  @Benchmark
  public float dot_reduceLanes() {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int l = S.length();
    int i = 0;
    for (int bound = n - n % (4 * l); i < bound; i += 4 * l) {
      a0 = FloatVector.fromArray(S, x, i).fma(FloatVector.fromArray(S, y, i), a0);
      a1 = FloatVector.fromArray(S, x, i + l).fma(FloatVector.fromArray(S, y, i + l), a1);
      a2 = FloatVector.fromArray(S, x, i + 2 * l).fma(FloatVector.fromArray(S, y, i + 2 * l), a2);
      a3 = FloatVector.fromArray(S, x, i + 3 * l).fma(FloatVector.fromArray(S, y, i + 3 * l), a3);
    }
    for (int bound = S.loopBound(n); i < bound; i += l) {
      a0 = FloatVector.fromArray(S, x, i).fma(FloatVector.fromArray(S, y, i), a0);
    }
    float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s = Math.fma(x[i], y[i], s);
    }
    return s;
  }

  @Benchmark
  public float crossEntropy_canonical() {
    return kernels.crossEntropy(y, 0, x, 0, shift, logSum, n);
  }

  @Benchmark
  public float crossEntropy_reduceLanes() {
    // the same per-element operations as the canonical kernel: label * ((shift - pred) + logSum)
    FloatVector m = FloatVector.broadcast(S, shift);
    FloatVector r = FloatVector.broadcast(S, logSum);
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int l = S.length();
    int i = 0;
    for (int bound = n - n % (4 * l); i < bound; i += 4 * l) {
      a0 = a0.add(FloatVector.fromArray(S, y, i).mul(m.sub(FloatVector.fromArray(S, x, i)).add(r)));
      a1 = a1.add(FloatVector.fromArray(S, y, i + l).mul(m.sub(FloatVector.fromArray(S, x, i + l)).add(r)));
      a2 = a2.add(FloatVector.fromArray(S, y, i + 2 * l).mul(m.sub(FloatVector.fromArray(S, x, i + 2 * l)).add(r)));
      a3 = a3.add(FloatVector.fromArray(S, y, i + 3 * l).mul(m.sub(FloatVector.fromArray(S, x, i + 3 * l)).add(r)));
    }
    for (int bound = S.loopBound(n); i < bound; i += l) {
      a0 = a0.add(FloatVector.fromArray(S, y, i).mul(m.sub(FloatVector.fromArray(S, x, i)).add(r)));
    }
    float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += y[i] * ((shift - x[i]) + logSum);
    }
    return s;
  }
}
