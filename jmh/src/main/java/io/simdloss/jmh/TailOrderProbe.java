package io.simdloss.jmh;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
 * Session 20's probe of two questions about the canonical dot past one block (issue #3; docs/performance-history.md,
 * "What reproducibility costs", session 20).
 * <ul>
 *   <li><b>What the baseline gains from one offset.</b> {@code baseline} is {@code ReproducibilityCost}'s
 *       {@code reduceLanes} dot with the two offsets in two fields, as the report now runs it;
 *       {@code baselineSharedOffset} passes the same field twice, as the report did until session 20, so that C2,
 *       which inlines it, knows both arrays use the same index. {@code lib} is the library's dot (a call past
 *       one block, compiled for two independent offsets either way).
 *   <li><b>A canonical order without the sequential tail.</b> {@code window8} (8 lanes, run it at 256 or 512
 *       bits) and {@code window4} (4 lanes, any width) are the library's block kernels with another order for the
 *       last r = n % 16 elements: instead of adding them one at a time after the fold, they go, before the fold,
 *       into the lanes 16 - r .. 15 of the chunk the next whole chunk would have filled (see {@link #windowRef}):
 *       one load of the 16 elements ending at n, no shuffle, a blend that keeps the lanes below 16 - r. The
 *       set-up checks both against {@link #windowRef} for every n from 128 to 1199 (and {@code lib} too since
 *       session 21, when the window became the canonical order: the library's kernels now take this order, with
 *       masks from a table instead of {@code IOTA.compare}, see {@code PanamaVectorConstants.WINDOW}).
 * </ul>
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar 'TailOrderProbe.(lib|baseline|baselineSharedOffset|window8)$' -p n=128,140,200,500
 *     -f 1 -wi 4 -w 1s -i 5 -r 200ms -jvmArgsAppend "--add-modules jdk.incubator.vector -Dsimdloss.backend=vector
 *     -XX:ObjectAlignmentInBytes=64 -XX:MaxVectorSize=32"
 * </pre>
 * (The long warm-up matters: with 300 ms the window kernels, large methods that are calls, spent whole forks below
 * C2, the hazard of the README's "Warm-up".)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64"})
public class TailOrderProbe {
  static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
  static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
  static final FloatVector IOTA8 = FloatVector.fromArray(F8, new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 0);
  static final FloatVector IOTA4 = FloatVector.fromArray(F4, new float[] {0, 1, 2, 3}, 0);

  @Param({"140"})
  int n;

  float[] x;
  float[] y;
  int o;
  /** The same index as o, in a field of its own (see ReproducibilityCost.oy). */
  int oy;
  final io.simdloss.internal.LossKernels kernels = io.simdloss.internal.KernelProvider.get();

  @Setup
  public void setUp() {
    o = ReproducibilityCost.lineStart();
    oy = o;
    x = ReproducibilityCost.placed(o, 5000, 11, 2f);
    y = ReproducibilityCost.placed(o, 5000, 12, 1f);
    for (int m = 128; m < 1200; m++) {
      int r = Float.floatToRawIntBits(windowRef(x, o, y, o, m));
      if (Float.floatToRawIntBits(window8(x, o, y, o, m)) != r
          || Float.floatToRawIntBits(window4(x, o, y, o, m)) != r
          || Float.floatToRawIntBits(kernels.dot(x, o, y, o, m)) != r) {
        throw new AssertionError("a window kernel or the library differs from windowRef at n = " + m);
      }
    }
  }

  @Benchmark
  public float lib() {
    return kernels.dot(x, o, y, oy, n);
  }

  @Benchmark
  public float baseline() {
    return ReproducibilityCallCost.reduceLanesDot(x, o, y, oy, n);
  }

  @Benchmark
  public float baselineSharedOffset() {
    return ReproducibilityCallCost.reduceLanesDot(x, o, y, o, n);
  }

  @Benchmark
  public float window8() {
    return window8(x, o, y, oy, n);
  }

  @Benchmark
  public float window4() {
    return window4(x, o, y, oy, n);
  }

  /**
   * The window order in plain Java, n >= 16: element i of the first n - r (r = n % 16) to logical lane i % 64, as
   * the canonical order; element i of the last r to lane 16c + (i - (n - 16)), c = ((n - r) % 64) / 16; then the
   * canonical halving fold, and no tail.
   */
  static float windowRef(float[] a, int ao, float[] b, int bo, int n) {
    float[] acc = new float[64];
    int r = n % 16;
    int whole = n - r;
    for (int i = 0; i < whole; i++) {
      acc[i % 64] = Math.fma(a[ao + i], b[bo + i], acc[i % 64]);
    }
    int c = (whole % 64) / 16;
    for (int i = whole; i < n; i++) {
      int lane = 16 * c + (i - (n - 16));
      acc[lane] = Math.fma(a[ao + i], b[bo + i], acc[lane]);
    }
    for (int half = 32; half >= 1; half /= 2) {
      for (int j = 0; j < half; j++) {
        acc[j] += acc[j + half];
      }
    }
    return acc[0];
  }

  /** The library's 8-lane dot block kernel (logical lanes [8k, 8k + 8) in v_k) with the window order, n >= 128. */
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float window8(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = F8;
    FloatVector v0 = FloatVector.zero(f);
    FloatVector v1 = v0, v2 = v0, v3 = v0, v4 = v0, v5 = v0, v6 = v0, v7 = v0;
    int bound = n - n % 64;
    for (int i = 0; i < bound; i += 64) {
      int p = ao + i;
      int q = bo + i;
      v0 = FloatVector.fromArray(f, a, p).fma(FloatVector.fromArray(f, b, q), v0);
      v1 = FloatVector.fromArray(f, a, p + 8).fma(FloatVector.fromArray(f, b, q + 8), v1);
      v2 = FloatVector.fromArray(f, a, p + 16).fma(FloatVector.fromArray(f, b, q + 16), v2);
      v3 = FloatVector.fromArray(f, a, p + 24).fma(FloatVector.fromArray(f, b, q + 24), v3);
      v4 = FloatVector.fromArray(f, a, p + 32).fma(FloatVector.fromArray(f, b, q + 32), v4);
      v5 = FloatVector.fromArray(f, a, p + 40).fma(FloatVector.fromArray(f, b, q + 40), v5);
      v6 = FloatVector.fromArray(f, a, p + 48).fma(FloatVector.fromArray(f, b, q + 48), v6);
      v7 = FloatVector.fromArray(f, a, p + 56).fma(FloatVector.fromArray(f, b, q + 56), v7);
    }
    int rest = n - bound;
    int p = ao + bound;
    int q = bo + bound;
    if (rest >= 16) {
      v0 = FloatVector.fromArray(f, a, p).fma(FloatVector.fromArray(f, b, q), v0);
      v1 = FloatVector.fromArray(f, a, p + 8).fma(FloatVector.fromArray(f, b, q + 8), v1);
      if (rest >= 32) {
        v2 = FloatVector.fromArray(f, a, p + 16).fma(FloatVector.fromArray(f, b, q + 16), v2);
        v3 = FloatVector.fromArray(f, a, p + 24).fma(FloatVector.fromArray(f, b, q + 24), v3);
        if (rest >= 48) {
          v4 = FloatVector.fromArray(f, a, p + 32).fma(FloatVector.fromArray(f, b, q + 32), v4);
          v5 = FloatVector.fromArray(f, a, p + 40).fma(FloatVector.fromArray(f, b, q + 40), v5);
        }
      }
    }
    if ((n & 15) != 0) {
      // the 16 elements ending at n; the window's lanes below 16 - r were added above
      float t = 16 - (n & 15);
      int wa = ao + n - 16;
      int wb = bo + n - 16;
      FloatVector a0 = FloatVector.fromArray(f, a, wa);
      FloatVector b0 = FloatVector.fromArray(f, b, wb);
      FloatVector a1 = FloatVector.fromArray(f, a, wa + 8);
      FloatVector b1 = FloatVector.fromArray(f, b, wb + 8);
      VectorMask<Float> m0 = IOTA8.compare(VectorOperators.GE, t);
      VectorMask<Float> m1 = IOTA8.compare(VectorOperators.GE, t - 8);
      int c = rest >> 4; // the chunk the window fills
      if (c == 0) {
        v0 = v0.blend(a0.fma(b0, v0), m0);
        v1 = v1.blend(a1.fma(b1, v1), m1);
      } else if (c == 1) {
        v2 = v2.blend(a0.fma(b0, v2), m0);
        v3 = v3.blend(a1.fma(b1, v3), m1);
      } else if (c == 2) {
        v4 = v4.blend(a0.fma(b0, v4), m0);
        v5 = v5.blend(a1.fma(b1, v5), m1);
      } else {
        v6 = v6.blend(a0.fma(b0, v6), m0);
        v7 = v7.blend(a1.fma(b1, v7), m1);
      }
    }
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    v0 = v0.add(v0.rearrange(io.simdloss.jmh.CanonicalLoopShape.DOWN_4));
    return (v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3));
  }

  /** 64 on JDK 25, where the library's 4-lane block loops step by such a field (Reductions4.blockStride). */
  private static int blockStride = 64;

  private static final boolean UNCOUNTED = Runtime.version().feature() >= 25;

  /** The library's 4-lane dot block kernel (Reductions4.dotBlocks: lanes [4k, 4k + 4) in v_k) with the window order. */
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float window4(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = F4;
    FloatVector v0 = FloatVector.zero(f);
    FloatVector v1 = v0, v2 = v0, v3 = v0, v4 = v0, v5 = v0, v6 = v0, v7 = v0, v8 = v0, v9 = v0, v10 = v0, v11 = v0;
    FloatVector v12 = v0, v13 = v0, v14 = v0, v15 = v0;
    int bound = n - n % 64;
    for (int i = 0; i < bound; i += UNCOUNTED ? blockStride : 64) {
      int p = ao + i;
      int q = bo + i;
      v0 = FloatVector.fromArray(f, a, p).fma(FloatVector.fromArray(f, b, q), v0);
      v1 = FloatVector.fromArray(f, a, p + 4).fma(FloatVector.fromArray(f, b, q + 4), v1);
      v2 = FloatVector.fromArray(f, a, p + 8).fma(FloatVector.fromArray(f, b, q + 8), v2);
      v3 = FloatVector.fromArray(f, a, p + 12).fma(FloatVector.fromArray(f, b, q + 12), v3);
      v4 = FloatVector.fromArray(f, a, p + 16).fma(FloatVector.fromArray(f, b, q + 16), v4);
      v5 = FloatVector.fromArray(f, a, p + 20).fma(FloatVector.fromArray(f, b, q + 20), v5);
      v6 = FloatVector.fromArray(f, a, p + 24).fma(FloatVector.fromArray(f, b, q + 24), v6);
      v7 = FloatVector.fromArray(f, a, p + 28).fma(FloatVector.fromArray(f, b, q + 28), v7);
      v8 = FloatVector.fromArray(f, a, p + 32).fma(FloatVector.fromArray(f, b, q + 32), v8);
      v9 = FloatVector.fromArray(f, a, p + 36).fma(FloatVector.fromArray(f, b, q + 36), v9);
      v10 = FloatVector.fromArray(f, a, p + 40).fma(FloatVector.fromArray(f, b, q + 40), v10);
      v11 = FloatVector.fromArray(f, a, p + 44).fma(FloatVector.fromArray(f, b, q + 44), v11);
      v12 = FloatVector.fromArray(f, a, p + 48).fma(FloatVector.fromArray(f, b, q + 48), v12);
      v13 = FloatVector.fromArray(f, a, p + 52).fma(FloatVector.fromArray(f, b, q + 52), v13);
      v14 = FloatVector.fromArray(f, a, p + 56).fma(FloatVector.fromArray(f, b, q + 56), v14);
      v15 = FloatVector.fromArray(f, a, p + 60).fma(FloatVector.fromArray(f, b, q + 60), v15);
    }
    int rest = n - bound;
    int p = ao + bound;
    int q = bo + bound;
    if (rest >= 16) {
      v0 = FloatVector.fromArray(f, a, p).fma(FloatVector.fromArray(f, b, q), v0);
      v1 = FloatVector.fromArray(f, a, p + 4).fma(FloatVector.fromArray(f, b, q + 4), v1);
      v2 = FloatVector.fromArray(f, a, p + 8).fma(FloatVector.fromArray(f, b, q + 8), v2);
      v3 = FloatVector.fromArray(f, a, p + 12).fma(FloatVector.fromArray(f, b, q + 12), v3);
      if (rest >= 32) {
        v4 = FloatVector.fromArray(f, a, p + 16).fma(FloatVector.fromArray(f, b, q + 16), v4);
        v5 = FloatVector.fromArray(f, a, p + 20).fma(FloatVector.fromArray(f, b, q + 20), v5);
        v6 = FloatVector.fromArray(f, a, p + 24).fma(FloatVector.fromArray(f, b, q + 24), v6);
        v7 = FloatVector.fromArray(f, a, p + 28).fma(FloatVector.fromArray(f, b, q + 28), v7);
        if (rest >= 48) {
          v8 = FloatVector.fromArray(f, a, p + 32).fma(FloatVector.fromArray(f, b, q + 32), v8);
          v9 = FloatVector.fromArray(f, a, p + 36).fma(FloatVector.fromArray(f, b, q + 36), v9);
          v10 = FloatVector.fromArray(f, a, p + 40).fma(FloatVector.fromArray(f, b, q + 40), v10);
          v11 = FloatVector.fromArray(f, a, p + 44).fma(FloatVector.fromArray(f, b, q + 44), v11);
        }
      }
    }
    if ((n & 15) != 0) {
      float t = 16 - (n & 15);
      int wa = ao + n - 16;
      int wb = bo + n - 16;
      FloatVector a0 = FloatVector.fromArray(f, a, wa);
      FloatVector b0 = FloatVector.fromArray(f, b, wb);
      FloatVector a1 = FloatVector.fromArray(f, a, wa + 4);
      FloatVector b1 = FloatVector.fromArray(f, b, wb + 4);
      FloatVector a2 = FloatVector.fromArray(f, a, wa + 8);
      FloatVector b2 = FloatVector.fromArray(f, b, wb + 8);
      FloatVector a3 = FloatVector.fromArray(f, a, wa + 12);
      FloatVector b3 = FloatVector.fromArray(f, b, wb + 12);
      VectorMask<Float> m0 = IOTA4.compare(VectorOperators.GE, t);
      VectorMask<Float> m1 = IOTA4.compare(VectorOperators.GE, t - 4);
      VectorMask<Float> m2 = IOTA4.compare(VectorOperators.GE, t - 8);
      VectorMask<Float> m3 = IOTA4.compare(VectorOperators.GE, t - 12);
      int c = rest >> 4;
      if (c == 0) {
        v0 = v0.blend(a0.fma(b0, v0), m0);
        v1 = v1.blend(a1.fma(b1, v1), m1);
        v2 = v2.blend(a2.fma(b2, v2), m2);
        v3 = v3.blend(a3.fma(b3, v3), m3);
      } else if (c == 1) {
        v4 = v4.blend(a0.fma(b0, v4), m0);
        v5 = v5.blend(a1.fma(b1, v5), m1);
        v6 = v6.blend(a2.fma(b2, v6), m2);
        v7 = v7.blend(a3.fma(b3, v7), m3);
      } else if (c == 2) {
        v8 = v8.blend(a0.fma(b0, v8), m0);
        v9 = v9.blend(a1.fma(b1, v9), m1);
        v10 = v10.blend(a2.fma(b2, v10), m2);
        v11 = v11.blend(a3.fma(b3, v11), m3);
      } else {
        v12 = v12.blend(a0.fma(b0, v12), m0);
        v13 = v13.blend(a1.fma(b1, v13), m1);
        v14 = v14.blend(a2.fma(b2, v14), m2);
        v15 = v15.blend(a3.fma(b3, v15), m3);
      }
    }
    v0 = v0.add(v8);
    v1 = v1.add(v9);
    v2 = v2.add(v10);
    v3 = v3.add(v11);
    v4 = v4.add(v12);
    v5 = v5.add(v13);
    v6 = v6.add(v14);
    v7 = v7.add(v15);
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    return (v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3));
  }
}
