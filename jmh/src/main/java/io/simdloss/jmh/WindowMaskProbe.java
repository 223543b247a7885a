package io.simdloss.jmh;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
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
 * Session 21's probe of how to select the window's lanes (the canonical order's last n % 16 elements, see
 * {@code PanamaLossKernels}), in the shape of the 8-lane {@code Reductions8.sumShort}: {@code cmp} builds the masks
 * with {@code IOTA.compare(GE, t)}, {@code table} loads them from a boolean table (what the library does,
 * {@code PanamaVectorConstants.WINDOW}), {@code and} clears the lanes with an int mask from a table; {@code old} is
 * the sequential tail the window replaced (other bits, for the time only). The set-up checks that the three window
 * variants agree for n = 16 .. 63. Numbers: {@code PanamaVectorConstants.WINDOW}'s comment and
 * docs/performance-history.md, "What reproducibility costs", session 21.
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar WindowMaskProbe -p n=40,48 -f 1 -wi 3 -w 500ms -i 4 -r 300ms
 *     -jvmArgsAppend "--add-modules jdk.incubator.vector -XX:ObjectAlignmentInBytes=64 -XX:MaxVectorSize=32"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64"})
public class WindowMaskProbe {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  static final FloatVector IOTA = FloatVector.zero(F).addIndex(1);
  static final VectorShuffle<Float> DOWN_4 = VectorShuffle.fromOp(F, j -> (j + 4) % 8);
  static final boolean[] SEL = new boolean[32];
  static final int[] BITS = new int[32];

  static {
    for (int k = 16; k < 32; k++) {
      SEL[k] = true;
      BITS[k] = -1;
    }
  }

  @Param({"40"})
  int n;
  float[] x;
  int o;

  @Setup
  public void setUp() {
    o = ReproducibilityCost.lineStart();
    x = ReproducibilityCost.placed(o, 100, 11, 2f);
    for (int m = 16; m < 64; m++) {
      int c = Float.floatToRawIntBits(cmp(x, o, m));
      if (c != Float.floatToRawIntBits(table(x, o, m)) || c != Float.floatToRawIntBits(and(x, o, m))) {
        throw new AssertionError("variants differ at " + m);
      }
    }
  }

  @Benchmark
  public float old() {
    return old(x, o, n);
  }

  @Benchmark
  public float cmp() {
    return cmp(x, o, n);
  }

  @Benchmark
  public float table() {
    return table(x, o, n);
  }

  @Benchmark
  public float and() {
    return and(x, o, n);
  }

  static float old(float[] a, int ao, int n) {
    VectorSpecies<Float> f = F;
    FloatVector lo = FloatVector.fromArray(f, a, ao);
    FloatVector hi = FloatVector.fromArray(f, a, ao + 8);
    if (n >= 32) {
      FloatVector lo1 = FloatVector.fromArray(f, a, ao + 16);
      FloatVector hi1 = FloatVector.fromArray(f, a, ao + 24);
      if (n >= 48) {
        lo = lo.add(FloatVector.fromArray(f, a, ao + 32));
        hi = hi.add(FloatVector.fromArray(f, a, ao + 40));
      }
      lo = lo.add(lo1);
      hi = hi.add(hi1);
    }
    lo = lo.add(hi);
    lo = lo.add(lo.rearrange(DOWN_4));
    float s = ((lo.lane(0) + lo.lane(2)) + (lo.lane(1) + lo.lane(3))) + 0f;
    for (int i = n & -16; i < n; i++) {
      s += a[ao + i];
    }
    return s;
  }

  static float cmp(float[] a, int ao, int n) {
    VectorSpecies<Float> f = F;
    FloatVector pl = FloatVector.fromArray(f, a, ao);
    FloatVector ph = FloatVector.fromArray(f, a, ao + 8);
    FloatVector ql = FloatVector.zero(f);
    FloatVector qh = ql;
    if (n >= 32) {
      ql = FloatVector.fromArray(f, a, ao + 16);
      qh = FloatVector.fromArray(f, a, ao + 24);
      if (n >= 48) {
        FloatVector l = pl.add(FloatVector.fromArray(f, a, ao + 32));
        FloatVector h = ph.add(FloatVector.fromArray(f, a, ao + 40));
        pl = ql;
        ph = qh;
        ql = l;
        qh = h;
      }
    }
    float t = 16 - (n & 15);
    pl = pl.add(FloatVector.fromArray(f, a, ao + n - 16), IOTA.compare(VectorOperators.GE, t)).add(ql);
    ph = ph.add(FloatVector.fromArray(f, a, ao + n - 8), IOTA.compare(VectorOperators.GE, t - 8)).add(qh);
    pl = pl.add(ph);
    pl = pl.add(pl.rearrange(DOWN_4));
    return ((pl.lane(0) + pl.lane(2)) + (pl.lane(1) + pl.lane(3))) + 0f;
  }

  static float table(float[] a, int ao, int n) {
    VectorSpecies<Float> f = F;
    FloatVector pl = FloatVector.fromArray(f, a, ao);
    FloatVector ph = FloatVector.fromArray(f, a, ao + 8);
    FloatVector ql = FloatVector.zero(f);
    FloatVector qh = ql;
    if (n >= 32) {
      ql = FloatVector.fromArray(f, a, ao + 16);
      qh = FloatVector.fromArray(f, a, ao + 24);
      if (n >= 48) {
        FloatVector l = pl.add(FloatVector.fromArray(f, a, ao + 32));
        FloatVector h = ph.add(FloatVector.fromArray(f, a, ao + 40));
        pl = ql;
        ph = qh;
        ql = l;
        qh = h;
      }
    }
    int r = n & 15;
    pl = pl.add(FloatVector.fromArray(f, a, ao + n - 16), VectorMask.fromArray(f, SEL, r)).add(ql);
    ph = ph.add(FloatVector.fromArray(f, a, ao + n - 8), VectorMask.fromArray(f, SEL, r + 8)).add(qh);
    pl = pl.add(ph);
    pl = pl.add(pl.rearrange(DOWN_4));
    return ((pl.lane(0) + pl.lane(2)) + (pl.lane(1) + pl.lane(3))) + 0f;
  }

  static float and(float[] a, int ao, int n) {
    VectorSpecies<Float> f = F;
    FloatVector pl = FloatVector.fromArray(f, a, ao);
    FloatVector ph = FloatVector.fromArray(f, a, ao + 8);
    FloatVector ql = FloatVector.zero(f);
    FloatVector qh = ql;
    if (n >= 32) {
      ql = FloatVector.fromArray(f, a, ao + 16);
      qh = FloatVector.fromArray(f, a, ao + 24);
      if (n >= 48) {
        FloatVector l = pl.add(FloatVector.fromArray(f, a, ao + 32));
        FloatVector h = ph.add(FloatVector.fromArray(f, a, ao + 40));
        pl = ql;
        ph = qh;
        ql = l;
        qh = h;
      }
    }
    int r = n & 15;
    FloatVector wl = FloatVector.fromArray(f, a, ao + n - 16).viewAsIntegralLanes()
        .and(IntVector.fromArray(I, BITS, r)).viewAsFloatingLanes();
    FloatVector wh = FloatVector.fromArray(f, a, ao + n - 8).viewAsIntegralLanes()
        .and(IntVector.fromArray(I, BITS, r + 8)).viewAsFloatingLanes();
    pl = pl.add(wl).add(ql);
    ph = ph.add(wh).add(qh);
    pl = pl.add(ph);
    pl = pl.add(pl.rearrange(DOWN_4));
    return ((pl.lane(0) + pl.lane(2)) + (pl.lane(1) + pl.lane(3))) + 0f;
  }
}
