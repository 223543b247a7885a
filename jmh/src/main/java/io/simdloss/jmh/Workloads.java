package io.simdloss.jmh;

import io.simdloss.Tensor;
import java.util.SplittableRandom;

/** The benchmark inputs: fixed-seed data, shared by every variant so they compute the same numbers. */
final class Workloads {
  private Workloads() {}

  static float[] gaussian(int n, long seed, float scale) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      // sum of uniforms: cheap, bell-shaped, deterministic
      a[i] = (float) ((r.nextDouble() + r.nextDouble() + r.nextDouble() - 1.5) * 2 * scale);
    }
    return a;
  }

  static float[] uniform01(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextDouble();
    }
    return a;
  }

  static float[] classes(int n, int classes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextInt(classes);
    }
    return a;
  }

  static Tensor tensor(float[] data, int... shape) {
    return Tensor.of(data, shape);
  }
}
