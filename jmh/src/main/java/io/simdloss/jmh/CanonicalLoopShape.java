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
 * Loop shapes for issue #3 at 256 bits: the canonical dot at 256 bits (8 lanes, 8 accumulators), and since session
 * 18 the canonical crossEntropy, in shapes that give the same bits (checked in the set-up for every n from 16 to
 * 1199). Every shape is a call ({@code DONT_INLINE}), except {@code lib} and {@code libCE}, the library's kernels
 * through {@code LossKernels}, inlined as the report's canonical benchmarks are.
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
 *
 * <p>Session 18 (Zen 5 host, JDK 17, {@code -XX:MaxVectorSize=32}; {@code java -jar benchmarks.jar
 * 'CanonicalLoopShape.(lib|rot|flat|libCE|rotCE|flatCE)$' -p n=100,127 -f 1 -wi 3 -w 300ms -i 5 -r 200ms
 * -jvmArgsAppend "--add-modules jdk.incubator.vector -Dsimdloss.backend=vector -XX:ObjectAlignmentInBytes=64
 * -XX:MaxVectorSize=32"}, two rounds, ns at n = 100): {@code flat} (one block without a loop) 9.4 and 9.5,
 * {@code rot} 9.4 and 9.4, {@code lib} 11.7 and 11.8; {@code flatCE} 10.7 and 10.8, {@code rotCE} 23.8 and 17.4,
 * {@code libCE} 28.9 and 19.8. {@code rot2} (two chunks per iteration, rotating by four vectors) took 11.1-11.8
 * against {@code rot}'s 8.9-9.6 in an earlier round on both JDKs. So the library took the loop-free shape for one
 * block at 8 lanes ({@code Reductions8.sumOneBlock}, {@code dotOneBlock}, {@code crossEntropyOneBlock}).
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
      int r = Float.floatToRawIntBits(rot(x, o, y, o, m));
      if (Float.floatToRawIntBits(block(x, o, y, o, m)) != r || Float.floatToRawIntBits(rot2(x, o, y, o, m)) != r
          || Float.floatToRawIntBits(flat(x, o, y, o, m)) != r || Float.floatToRawIntBits(rotI(x, o, y, o, m)) != r) {
        throw new AssertionError("the loop shapes differ at n = " + m);
      }
      if (Float.floatToRawIntBits(rotCE(y, o, x, o, 0.5f, 1.25f, m))
          != Float.floatToRawIntBits(flatCE(y, o, x, o, 0.5f, 1.25f, m))) {
        throw new AssertionError("the CE shapes differ at n = " + m);
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

  final io.simdloss.internal.LossKernels kernels = io.simdloss.internal.KernelProvider.get();

  @Benchmark
  public float lib() {
    return kernels.dot(x, o, y, o, n);
  }

  @Benchmark
  public float rotI() {
    return rotI(x, o, y, o, n);
  }

  /** Reductions8.dot's loop shape. */
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float rotI(float[] a, int ao, float[] b, int bo, int n) {
    FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
    int i = 0;
    for (; i <= n - 16; i += 16) {
      FloatVector t0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc0);
      FloatVector t1 = FloatVector.fromArray(F, a, ao + i + 8).fma(FloatVector.fromArray(F, b, bo + i + 8), acc1);
      acc0 = acc2; acc1 = acc3; acc2 = acc4; acc3 = acc5; acc4 = acc6; acc5 = acc7; acc6 = t0; acc7 = t1;
    }
    acc0 = acc0.add(acc4); acc1 = acc1.add(acc5); acc2 = acc2.add(acc6); acc3 = acc3.add(acc7);
    acc0 = acc0.add(acc2); acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    float s = (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3));
    for (; i < n; i++) s = Math.fma(a[ao + i], b[bo + i], s);
    return s;
  }

  @Benchmark
  public float libCE() {
    return kernels.crossEntropy(y, o, x, o, 0.5f, 1.25f, n);
  }

  @Benchmark
  public float rotCE() {
    return rotCE(y, o, x, o, 0.5f, 1.25f, n);
  }

  @Benchmark
  public float flatCE() {
    return flatCE(y, o, x, o, 0.5f, 1.25f, n);
  }

  /** Reductions8.crossEntropy's shape. */
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float rotCE(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    FloatVector sV = FloatVector.broadcast(F, shift), rV = FloatVector.broadcast(F, logSum);
    FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
    int i = 0;
    for (; i <= n - 16; i += 16) {
      FloatVector t0 = acc0.add(FloatVector.fromArray(F, label, lo + i)
          .mul(sV.sub(FloatVector.fromArray(F, pred, po + i)).add(rV)));
      FloatVector t1 = acc1.add(FloatVector.fromArray(F, label, lo + i + 8)
          .mul(sV.sub(FloatVector.fromArray(F, pred, po + i + 8)).add(rV)));
      acc0 = acc2; acc1 = acc3; acc2 = acc4; acc3 = acc5; acc4 = acc6; acc5 = acc7; acc6 = t0; acc7 = t1;
    }
    acc0 = acc0.add(acc4); acc1 = acc1.add(acc5); acc2 = acc2.add(acc6); acc3 = acc3.add(acc7);
    acc0 = acc0.add(acc2); acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    float s = (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3));
    for (; i < n; i++) s += label[lo + i] * ((shift - pred[po + i]) + logSum);
    return s;
  }

  /** 64 <= n < 128 without a loop (others: rotCE). */
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float flatCE(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    if (n < 64 || n >= 128) return rotCE(label, lo, pred, po, shift, logSum, n);
    FloatVector sV = FloatVector.broadcast(F, shift), rV = FloatVector.broadcast(F, logSum);
    FloatVector acc0 = FloatVector.fromArray(F, label, lo).mul(sV.sub(FloatVector.fromArray(F, pred, po)).add(rV));
    FloatVector acc1 = FloatVector.fromArray(F, label, lo + 8)
        .mul(sV.sub(FloatVector.fromArray(F, pred, po + 8)).add(rV));
    FloatVector acc2 = FloatVector.fromArray(F, label, lo + 16)
        .mul(sV.sub(FloatVector.fromArray(F, pred, po + 16)).add(rV));
    FloatVector acc3 = FloatVector.fromArray(F, label, lo + 24)
        .mul(sV.sub(FloatVector.fromArray(F, pred, po + 24)).add(rV));
    FloatVector acc4 = FloatVector.fromArray(F, label, lo + 32)
        .mul(sV.sub(FloatVector.fromArray(F, pred, po + 32)).add(rV));
    FloatVector acc5 = FloatVector.fromArray(F, label, lo + 40)
        .mul(sV.sub(FloatVector.fromArray(F, pred, po + 40)).add(rV));
    FloatVector acc6 = FloatVector.fromArray(F, label, lo + 48)
        .mul(sV.sub(FloatVector.fromArray(F, pred, po + 48)).add(rV));
    FloatVector acc7 = FloatVector.fromArray(F, label, lo + 56)
        .mul(sV.sub(FloatVector.fromArray(F, pred, po + 56)).add(rV));
    if (n >= 80) {
      acc0 = acc0.add(FloatVector.fromArray(F, label, lo + 64)
          .mul(sV.sub(FloatVector.fromArray(F, pred, po + 64)).add(rV)));
      acc1 = acc1.add(FloatVector.fromArray(F, label, lo + 72)
          .mul(sV.sub(FloatVector.fromArray(F, pred, po + 72)).add(rV)));
      if (n >= 96) {
        acc2 = acc2.add(FloatVector.fromArray(F, label, lo + 80)
            .mul(sV.sub(FloatVector.fromArray(F, pred, po + 80)).add(rV)));
        acc3 = acc3.add(FloatVector.fromArray(F, label, lo + 88)
            .mul(sV.sub(FloatVector.fromArray(F, pred, po + 88)).add(rV)));
        if (n >= 112) {
          acc4 = acc4.add(FloatVector.fromArray(F, label, lo + 96)
              .mul(sV.sub(FloatVector.fromArray(F, pred, po + 96)).add(rV)));
          acc5 = acc5.add(FloatVector.fromArray(F, label, lo + 104)
              .mul(sV.sub(FloatVector.fromArray(F, pred, po + 104)).add(rV)));
        }
      }
    }
    acc0 = acc0.add(acc4); acc1 = acc1.add(acc5); acc2 = acc2.add(acc6); acc3 = acc3.add(acc7);
    acc0 = acc0.add(acc2); acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    float s = ((acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3))) + 0f;
    for (int i = n & -16; i < n; i++) s += label[lo + i] * ((shift - pred[po + i]) + logSum);
    return s;
  }

  @Benchmark
  public float rot2() {
    return rot2(x, o, y, o, n);
  }

  @Benchmark
  public float flat() {
    return flat(x, o, y, o, n);
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float rot2(float[] a, int ao, float[] b, int bo, int n) {
    FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
    int i = 0;
    for (; i <= n - 32; i += 32) {
      int p = ao + i, q = bo + i;
      FloatVector t0 = FloatVector.fromArray(F, a, p).fma(FloatVector.fromArray(F, b, q), acc0);
      FloatVector t1 = FloatVector.fromArray(F, a, p + 8).fma(FloatVector.fromArray(F, b, q + 8), acc1);
      FloatVector t2 = FloatVector.fromArray(F, a, p + 16).fma(FloatVector.fromArray(F, b, q + 16), acc2);
      FloatVector t3 = FloatVector.fromArray(F, a, p + 24).fma(FloatVector.fromArray(F, b, q + 24), acc3);
      acc0 = acc4; acc1 = acc5; acc2 = acc6; acc3 = acc7; acc4 = t0; acc5 = t1; acc6 = t2; acc7 = t3;
    }
    if (i <= n - 16) {
      int p = ao + i, q = bo + i;
      FloatVector t0 = FloatVector.fromArray(F, a, p).fma(FloatVector.fromArray(F, b, q), acc0);
      FloatVector t1 = FloatVector.fromArray(F, a, p + 8).fma(FloatVector.fromArray(F, b, q + 8), acc1);
      acc0 = acc2; acc1 = acc3; acc2 = acc4; acc3 = acc5; acc4 = acc6; acc5 = acc7; acc6 = t0; acc7 = t1;
      i += 16;
    }
    acc0 = acc0.add(acc4); acc1 = acc1.add(acc5); acc2 = acc2.add(acc6); acc3 = acc3.add(acc7);
    acc0 = acc0.add(acc2); acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    float s = (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3));
    for (; i < n; i++) s = Math.fma(a[ao + i], b[bo + i], s);
    return s;
  }

  /** 64 <= n < 128 without a loop (others: rot). */
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float flat(float[] a, int ao, float[] b, int bo, int n) {
    if (n < 64 || n >= 128) return rot(a, ao, b, bo, n);
    FloatVector z = FloatVector.zero(F);
    FloatVector acc0 = FloatVector.fromArray(F, a, ao).fma(FloatVector.fromArray(F, b, bo), z);
    FloatVector acc1 = FloatVector.fromArray(F, a, ao + 8).fma(FloatVector.fromArray(F, b, bo + 8), z);
    FloatVector acc2 = FloatVector.fromArray(F, a, ao + 16).fma(FloatVector.fromArray(F, b, bo + 16), z);
    FloatVector acc3 = FloatVector.fromArray(F, a, ao + 24).fma(FloatVector.fromArray(F, b, bo + 24), z);
    FloatVector acc4 = FloatVector.fromArray(F, a, ao + 32).fma(FloatVector.fromArray(F, b, bo + 32), z);
    FloatVector acc5 = FloatVector.fromArray(F, a, ao + 40).fma(FloatVector.fromArray(F, b, bo + 40), z);
    FloatVector acc6 = FloatVector.fromArray(F, a, ao + 48).fma(FloatVector.fromArray(F, b, bo + 48), z);
    FloatVector acc7 = FloatVector.fromArray(F, a, ao + 56).fma(FloatVector.fromArray(F, b, bo + 56), z);
    if (n >= 80) {
      acc0 = FloatVector.fromArray(F, a, ao + 64).fma(FloatVector.fromArray(F, b, bo + 64), acc0);
      acc1 = FloatVector.fromArray(F, a, ao + 72).fma(FloatVector.fromArray(F, b, bo + 72), acc1);
      if (n >= 96) {
        acc2 = FloatVector.fromArray(F, a, ao + 80).fma(FloatVector.fromArray(F, b, bo + 80), acc2);
        acc3 = FloatVector.fromArray(F, a, ao + 88).fma(FloatVector.fromArray(F, b, bo + 88), acc3);
        if (n >= 112) {
          acc4 = FloatVector.fromArray(F, a, ao + 96).fma(FloatVector.fromArray(F, b, bo + 96), acc4);
          acc5 = FloatVector.fromArray(F, a, ao + 104).fma(FloatVector.fromArray(F, b, bo + 104), acc5);
        }
      }
    }
    acc0 = acc0.add(acc4); acc1 = acc1.add(acc5); acc2 = acc2.add(acc6); acc3 = acc3.add(acc7);
    acc0 = acc0.add(acc2); acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    acc0 = acc0.add(acc0.rearrange(DOWN_4));
    float s = (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3));
    for (int i = n & -16; i < n; i++) s = Math.fma(a[ao + i], b[bo + i], s);
    return s;
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
