package io.simdloss.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The same workloads as {@link LossBenchmarks}, written as a user would by hand: plain loops, Math.exp and
 * Math.log, one accumulator. The baseline for the speedups.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class PlainJava {
  float[] pointPred;
  float[] pointLabel;
  float[] pointProb;
  float[] pointOut = new float[64];
  float[] cePred;
  float[] ceLabel;
  float[] ceOut = new float[256];
  float[] tinyPred;
  float[] tinyLabel;
  float[] tinyOut = new float[1];

  @Setup
  public void setUp() {
    pointPred = Workloads.gaussian(64 * 1024, 1, 1f);
    pointLabel = Workloads.gaussian(64 * 1024, 2, 1f);
    pointProb = Workloads.uniform01(64 * 1024, 3);
    cePred = Workloads.gaussian(256 * 1000, 4, 2f);
    ceLabel = Workloads.classes(256, 1000, 5);
    tinyPred = Workloads.gaussian(10, 6, 2f);
    tinyLabel = Workloads.classes(1, 10, 7);
  }

  @Benchmark
  public float[] l2_64x1024() {
    for (int n = 0; n < 64; n++) {
      float s = 0;
      for (int i = n * 1024; i < (n + 1) * 1024; i++) {
        float d = pointPred[i] - pointLabel[i];
        s += d * d;
      }
      pointOut[n] = s / 1024 / 2;
    }
    return pointOut;
  }

  @Benchmark
  public float[] sigmoidBce_64x1024() {
    for (int n = 0; n < 64; n++) {
      float s = 0;
      for (int i = n * 1024; i < (n + 1) * 1024; i++) {
        float x = pointPred[i];
        s += Math.max(x, 0) - x * pointProb[i] + (float) Math.log1p(Math.exp(-Math.abs(x)));
      }
      pointOut[n] = s / 1024;
    }
    return pointOut;
  }

  @Benchmark
  public float[] softmaxCe_256x1000() {
    return softmax(cePred, ceLabel, 256, 1000, ceOut);
  }

  @Benchmark
  public float[] softmaxCe_1x10() {
    return softmax(tinyPred, tinyLabel, 1, 10, tinyOut);
  }

  private static float[] softmax(float[] x, float[] label, int rows, int classes, float[] out) {
    for (int n = 0; n < rows; n++) {
      int base = n * classes;
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, x[base + c]);
      }
      float s = 0;
      for (int c = 0; c < classes; c++) {
        s += (float) Math.exp(x[base + c] - max);
      }
      out[n] = (float) Math.log(s) + max - x[base + (int) label[n]];
    }
    return out;
  }
}
