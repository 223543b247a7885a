package io.simdloss.jmh;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
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
 * A lead for issue #3 at 256 bits, not yet in the library: the canonical dot at 256 bits (8 lanes, 8 accumulators)
 * in two loop shapes that give the same bits (checked in the set-up for every n from 16 to 1199).
 * <ul>
 *   <li>{@code block}: the library's shape, one 64-element block (16 vector loads) per iteration, then the
 *       16-element chunks of the partial block, written out. C2 checks the bounds of all 16 loads before the loop
 *       on every call (loop predication), which at n = 100, one block, is not amortized.
 *   <li>{@code rot}: one 16-element chunk (4 loads) per iteration into (acc0, acc1), after which the eight
 *       accumulators rotate by two. Nothing rotates them back: the halving fold is invariant under a rotation
 *       by whole vectors (as in the library's logSumExp).
 * </ul>
 * Session 7, paired rounds of one fork each (the loop in {@link ReproducibilityCallCost}'s comment, 6 rounds),
 * fastest iterations, ns, block -> rot: JDK 17 n = 100 18.8 -> 14.8, 1024 50.3 -> 51.7 (medians of the paired
 * ratios 0.77, 1.01); JDK 25 n = 100 21.0 -> 14.1, 1024 48.6 -> 42.1 (0.76, 0.78).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64"})
public class CanonicalLoopShape {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  static final VectorShuffle<Float> DOWN_4 = VectorShuffle.fromOp(F, j -> (j + 4) % 8);

  @Param({"100"})
  int n;

  float[] x;
  float[] y;
  int o;

  @Setup
  public void setUp() {
    o = ReproducibilityCost.lineStart(); // the data start on a cache line, as in ReproducibilityCost
    x = ReproducibilityCost.placed(o, 5000, 11, 2f);
    y = ReproducibilityCost.placed(o, 5000, 12, 1f);
    for (int m = 16; m < 1200; m++) {
      if (Float.floatToRawIntBits(block(x, o, y, o, m)) != Float.floatToRawIntBits(rot(x, o, y, o, m))) {
        throw new AssertionError("the two loop shapes differ at n = " + m);
      }
    }
  }

  @Benchmark
  public float block() {
    return block(x, o, y, o, n);
  }

  @Benchmark
  public float rot() {
    return rot(x, o, y, o, n);
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float block(float[] a, int ao, float[] b, int bo, int n) {
    FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
    int bound = n - n % 64;
    for (int i = 0; i < bound; i += 64) {
      int p = ao + i, q = bo + i;
      acc0 = FloatVector.fromArray(F, a, p).fma(FloatVector.fromArray(F, b, q), acc0);
      acc1 = FloatVector.fromArray(F, a, p + 8).fma(FloatVector.fromArray(F, b, q + 8), acc1);
      acc2 = FloatVector.fromArray(F, a, p + 16).fma(FloatVector.fromArray(F, b, q + 16), acc2);
      acc3 = FloatVector.fromArray(F, a, p + 24).fma(FloatVector.fromArray(F, b, q + 24), acc3);
      acc4 = FloatVector.fromArray(F, a, p + 32).fma(FloatVector.fromArray(F, b, q + 32), acc4);
      acc5 = FloatVector.fromArray(F, a, p + 40).fma(FloatVector.fromArray(F, b, q + 40), acc5);
      acc6 = FloatVector.fromArray(F, a, p + 48).fma(FloatVector.fromArray(F, b, q + 48), acc6);
      acc7 = FloatVector.fromArray(F, a, p + 56).fma(FloatVector.fromArray(F, b, q + 56), acc7);
    }
    int rest = n - bound;
    if (rest >= 16) {
      int p = ao + bound, q = bo + bound;
      acc0 = FloatVector.fromArray(F, a, p).fma(FloatVector.fromArray(F, b, q), acc0);
      acc1 = FloatVector.fromArray(F, a, p + 8).fma(FloatVector.fromArray(F, b, q + 8), acc1);
      if (rest >= 32) {
        acc2 = FloatVector.fromArray(F, a, p + 16).fma(FloatVector.fromArray(F, b, q + 16), acc2);
        acc3 = FloatVector.fromArray(F, a, p + 24).fma(FloatVector.fromArray(F, b, q + 24), acc3);
        if (rest >= 48) {
          acc4 = FloatVector.fromArray(F, a, p + 32).fma(FloatVector.fromArray(F, b, q + 32), acc4);
          acc5 = FloatVector.fromArray(F, a, p + 40).fma(FloatVector.fromArray(F, b, q + 40), acc5);
        }
      }
    }
    bound = n - n % 16;
    acc0 = acc0.add(acc4); acc1 = acc1.add(acc5); acc2 = acc2.add(acc6); acc3 = acc3.add(acc7);
    acc0 = acc0.add(acc2); acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    float s = (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3));
    for (int i = bound; i < n; i++) s = Math.fma(a[ao + i], b[bo + i], s);
    return s;
  }

  /** One 16-element chunk per iteration into (acc0, acc1), then the accumulators rotate by one chunk. */
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float rot(float[] a, int ao, float[] b, int bo, int n) {
    FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
    int chunks = n / 16;
    for (int c = 0; c < chunks; c++) {
      int p = ao + 16 * c, q = bo + 16 * c;
      FloatVector t0 = FloatVector.fromArray(F, a, p).fma(FloatVector.fromArray(F, b, q), acc0);
      FloatVector t1 = FloatVector.fromArray(F, a, p + 8).fma(FloatVector.fromArray(F, b, q + 8), acc1);
      acc0 = acc2; acc1 = acc3; acc2 = acc4; acc3 = acc5; acc4 = acc6; acc5 = acc7; acc6 = t0; acc7 = t1;
    }
    // no rotating back: the halving fold is invariant under a rotation by whole vectors (see the comment in
    // PanamaLossKernels.expSum); the set-up checks the bits
    int bound = n - n % 16;
    acc0 = acc0.add(acc4);
    acc1 = acc1.add(acc5);
    acc2 = acc2.add(acc6);
    acc3 = acc3.add(acc7);
    acc0 = acc0.add(acc2);
    acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    float s = (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3));
    for (int i = bound; i < n; i++) s = Math.fma(a[ao + i], b[bo + i], s);
    return s;
  }
}
