package io.simdloss.jmh;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The read-bandwidth probe: the fastest sum of a large float[] we can write (Vector API at the preferred width,
 * eight independent accumulators, so neither the adder latency nor the loop limits it). Its bytes/ns is this
 * machine's practical read limit from one thread; the 4M-element losses read the same 32 MB as
 * {@code sum_8M} (two 16 MB operands), so {@code time(sum_8M) / time(loss_4M)} is the fraction of that limit a
 * loss reaches. {@code sum_64M} (256 MB) is beyond any cache.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ReadBandwidth {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  float[] a8M;
  float[] a64M;

  @Setup
  public void setUp() {
    a8M = Workloads.uniform01(8 << 20, 21);
    a64M = new float[64 << 20];
    System.arraycopy(a8M, 0, a64M, 0, a8M.length);
    for (int i = a8M.length; i < a64M.length; i += a8M.length) {
      System.arraycopy(a8M, 0, a64M, i, Math.min(a8M.length, a64M.length - i));
    }
    double expected = 0;
    for (float v : a8M) {
      expected += v;
    }
    Checks.compare("sum 8M", new float[] {sum(a8M)}, new float[] {(float) expected});
  }

  /** 8M floats = 32 MB: the bytes a 4M-element L2/L1/BCE reads. */
  @Benchmark
  public float sum_8M() {
    return sum(a8M);
  }

  /** 64M floats = 256 MB. */
  @Benchmark
  public float sum_64M() {
    return sum(a64M);
  }

  static float sum(float[] a) {
    int l = S.length();
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    FloatVector s4 = s0;
    FloatVector s5 = s0;
    FloatVector s6 = s0;
    FloatVector s7 = s0;
    int i = 0;
    for (int bound = a.length - 8 * l; i <= bound; i += 8 * l) {
      s0 = s0.add(FloatVector.fromArray(S, a, i));
      s1 = s1.add(FloatVector.fromArray(S, a, i + l));
      s2 = s2.add(FloatVector.fromArray(S, a, i + 2 * l));
      s3 = s3.add(FloatVector.fromArray(S, a, i + 3 * l));
      s4 = s4.add(FloatVector.fromArray(S, a, i + 4 * l));
      s5 = s5.add(FloatVector.fromArray(S, a, i + 5 * l));
      s6 = s6.add(FloatVector.fromArray(S, a, i + 6 * l));
      s7 = s7.add(FloatVector.fromArray(S, a, i + 7 * l));
    }
    float s = s0.add(s1).add(s2.add(s3)).add(s4.add(s5).add(s6.add(s7))).reduceLanes(VectorOperators.ADD);
    for (; i < a.length; i++) {
      s += a[i];
    }
    return s;
  }
}
