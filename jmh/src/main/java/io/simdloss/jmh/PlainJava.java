package io.simdloss.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * The same workloads as {@link LossBenchmarks} (same method names, same {@link States}), written as a user
 * would by hand ({@link Plain}: plain loops, Math.exp and Math.log, one accumulator). The baseline for the
 * speedups. Runs without the vector module.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 250, timeUnit = TimeUnit.MILLISECONDS)
public class PlainJava {
  // ---- latency 1x10
  @Benchmark
  public float[] l2_1x10(States.B1x10 s) {
    return Plain.l2(s.in.pred, s.in.real, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] l1_1x10(States.B1x10 s) {
    return Plain.l1(s.in.pred, s.in.real, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] huber_1x10(States.B1x10 s) {
    return Plain.huber(s.in.pred, s.in.real, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] hinge_1x10(States.B1x10 s) {
    return Plain.hinge(s.in.pred, s.in.sign, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] squaredHinge_1x10(States.B1x10 s) {
    return Plain.squaredHinge(s.in.pred, s.in.sign, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] logistic_1x10(States.B1x10 s) {
    return Plain.logistic(s.in.pred, s.in.sign, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] sigmoidBce_1x10(States.B1x10 s) {
    return Plain.sigmoidBce(s.in.pred, s.in.prob, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] softmaxCe_1x10(States.B1x10 s) {
    return Plain.softmaxCe(s.in.pred, s.in.cls, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] klDiv_1x10(States.B1x10 s) {
    return Plain.klDiv(s.in.pred, s.in.dist, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] triplet_1x10(States.B1x10 s) {
    return Plain.triplet(s.in.pred, s.in.pos, s.in.neg, s.in.rows, s.in.cols, s.in.out);
  }

  // ---- latency 32x10
  @Benchmark
  public float[] l2_32x10(States.B32x10 s) {
    return Plain.l2(s.in.pred, s.in.real, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] l1_32x10(States.B32x10 s) {
    return Plain.l1(s.in.pred, s.in.real, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] huber_32x10(States.B32x10 s) {
    return Plain.huber(s.in.pred, s.in.real, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] hinge_32x10(States.B32x10 s) {
    return Plain.hinge(s.in.pred, s.in.sign, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] squaredHinge_32x10(States.B32x10 s) {
    return Plain.squaredHinge(s.in.pred, s.in.sign, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] logistic_32x10(States.B32x10 s) {
    return Plain.logistic(s.in.pred, s.in.sign, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] sigmoidBce_32x10(States.B32x10 s) {
    return Plain.sigmoidBce(s.in.pred, s.in.prob, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] softmaxCe_32x10(States.B32x10 s) {
    return Plain.softmaxCe(s.in.pred, s.in.cls, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] klDiv_32x10(States.B32x10 s) {
    return Plain.klDiv(s.in.pred, s.in.dist, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] triplet_32x10(States.B32x10 s) {
    return Plain.triplet(s.in.pred, s.in.pos, s.in.neg, s.in.rows, s.in.cols, s.in.out);
  }

  // ---- medium
  @Benchmark
  public float[] l2_64x1024(States.P64x1024 s) {
    return Plain.l2(s.in.pred, s.in.real, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] l1_64x1024(States.P64x1024 s) {
    return Plain.l1(s.in.pred, s.in.real, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] huber_64x1024(States.P64x1024 s) {
    return Plain.huber(s.in.pred, s.in.real, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] hinge_64x1024(States.P64x1024 s) {
    return Plain.hinge(s.in.pred, s.in.sign, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] squaredHinge_64x1024(States.P64x1024 s) {
    return Plain.squaredHinge(s.in.pred, s.in.sign, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] logistic_64x1024(States.P64x1024 s) {
    return Plain.logistic(s.in.pred, s.in.sign, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] sigmoidBce_64x1024(States.P64x1024 s) {
    return Plain.sigmoidBce(s.in.pred, s.in.prob, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] softmaxCe_256x1000(States.C256x1000 s) {
    return Plain.softmaxCe(s.in.pred, s.in.cls, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] klDiv_256x1000(States.C256x1000 s) {
    return Plain.klDiv(s.in.pred, s.in.dist, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] klDivSoftmax_256x1000(States.C256x1000 s) {
    return Plain.klDivSoftmax(s.in.pred, s.in.dist, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] triplet_256x128(States.T256x128 s) {
    return Plain.triplet(s.in.pred, s.in.pos, s.in.neg, s.in.rows, s.in.cols, s.in.out);
  }

  // ---- large
  @Benchmark
  public float[] l2_4M(States.L4M s) {
    return Plain.l2(s.in.pred, s.in.real, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] l1_4M(States.L4M s) {
    return Plain.l1(s.in.pred, s.in.real, s.in.rows, s.in.cols, s.in.out);
  }

  @Benchmark
  public float[] sigmoidBce_4M(States.L4M s) {
    return Plain.sigmoidBce(s.in.pred, s.in.prob, s.in.rows, s.in.cols, s.in.out);
  }

  // ---- CTC
  @Benchmark
  public float[] ctc_32x200x30_L40(States.Ctc32x200x30 s) {
    return Plain.ctc(s.in.pred, s.in.label, s.in.n, s.in.t, s.in.c, s.in.l, s.lse, s.alpha, s.next, s.in.out);
  }

  @Benchmark
  public float[] ctc_8x100x5000_L20(States.Ctc8x100x5000 s) {
    return Plain.ctc(s.in.pred, s.in.label, s.in.n, s.in.t, s.in.c, s.in.l, s.lse, s.alpha, s.next, s.in.out);
  }
}
