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
 *       accumulators rotate by two; after the loop a switch on the chunk count mod 4 undoes the rotation, so that
 *       the fold pairs the same logical lanes.
 * </ul>
 * Session 7, paired rounds of one fork each (the loop in {@link ReproducibilityCallCost}'s comment), fastest
 * iterations, ns, block -> rot: JDK 17 n = 100 20.5 -> 18.6, 1024 61.8 -> 55.0, 4096 173.0 -> 177.3 (medians of the
 * paired ratios 0.88, 0.92, 0.92); JDK 25 n = 100 22.7 -> 15.0, 1024 56.3 -> 51.6 (0.66, 0.96).
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
    // undo the rotation: with r = chunks % 4, logical lanes [0, 16) are in (acc(8 - 2r), acc(9 - 2r)), indexes mod 8
    FloatVector u0, u1, u2, u3, u4, u5, u6, u7;
    switch (chunks & 3) {
      case 1: u0 = acc6; u1 = acc7; u2 = acc0; u3 = acc1; u4 = acc2; u5 = acc3; u6 = acc4; u7 = acc5; break;
      case 2: u0 = acc4; u1 = acc5; u2 = acc6; u3 = acc7; u4 = acc0; u5 = acc1; u6 = acc2; u7 = acc3; break;
      case 3: u0 = acc2; u1 = acc3; u2 = acc4; u3 = acc5; u4 = acc6; u5 = acc7; u6 = acc0; u7 = acc1; break;
      default: u0 = acc0; u1 = acc1; u2 = acc2; u3 = acc3; u4 = acc4; u5 = acc5; u6 = acc6; u7 = acc7;
    }
    int bound = n - n % 16;
    u0 = u0.add(u4); u1 = u1.add(u5); u2 = u2.add(u6); u3 = u3.add(u7);
    u0 = u0.add(u2); u1 = u1.add(u3);
    u0 = u0.add(u1);
    u0 = u0.add(u0.rearrange(DOWN_4));
    float s = (u0.lane(0) + u0.lane(2)) + (u0.lane(1) + u0.lane(3));
    for (int i = bound; i < n; i++) s = Math.fma(a[ao + i], b[bo + i], s);
    return s;
  }
}
