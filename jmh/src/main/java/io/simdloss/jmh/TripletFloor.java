package io.simdloss.jmh;

import io.simdloss.Tensor;
import io.simdloss.TripletLoss;
import io.simdloss.internal.KernelProvider;
import io.simdloss.internal.LossKernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What limits the triplet's {@code forwardBackward} against {@code forward} (issue #4): GradientCost's triplet
 * workload (256 x 128, the same data) next to plain memory probes on the same arrays, in one run. Forward reads
 * three arrays; forwardBackward must also write three as large. The probes:
 * <ul>
 *   <li>{@code read3}: the vector sum of the three inputs (forward's floor);
 *   <li>{@code copy3Arraycopy}, {@code copy3Separate}: the three inputs copied into the three gradient arrays
 *       one array after the other (System.arraycopy; a Vector API loop per array);
 *   <li>{@code copy3Interleaved}: the same copy in one vector loop that stores to the three arrays in turn;
 *   <li>{@code gradient3Interleaved}, {@code gradient3Split}: the ungated gradients of every sample
 *       ({@code 2(r-q)}, {@code 2(q-p)}, {@code 2(p-r)}), in one loop writing the three arrays, and in one loop
 *       per array (what {@code tripletGradient} does);
 *   <li>{@code unconstrainedForwardBackward}: forwardBackward without the library's constraints (no canonical
 *       order, no options), the fastest loop found;
 *   <li>{@code speculativeForwardBackward}: one pass per sample that writes the gradients before the gate is
 *       known, rewriting those of inactive samples (slower: see its comment);
 *   <li>session 13: {@code interleavedForwardBackward} (the unconstrained loop with a sample's three gradient
 *       loops fused into one, the fastest shape on the Zen 5 host), {@code twoPassFlatForwardBackward} (every
 *       gate first, then one flat loop per gradient array) and {@code kernelsForwardBackward} (the library's
 *       kernels in the unconstrained loop, without the facade).
 * </ul>
 * forwardBackward must read what forward reads and write three arrays as large, so it is bounded below by
 * {@code copy3Arraycopy}; forward by {@code read3}. The copy took 1.7-3x the read (session 9).
 * <pre>
 * java -jar jmh/target/benchmarks.jar TripletFloor -wi 3 -w 1 -i 5 -r 1 -f 2
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=vector"})
public class TripletFloor {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  TripletLoss triplet;
  Tensor pred;
  Tensor positive;
  Tensor negative;
  float[] p;
  float[] q;
  float[] r;
  float[] out;
  float[] gp;
  float[] gq;
  float[] gr;
  float[] gate;
  LossKernels kernels;
  int inner;

  @Setup
  public void setUp() {
    Checks.requireBackend(true);
    // GradientCost's triplet data: the same seed and draws
    SplittableRandom rnd = new SplittableRandom(42);
    int[] shape = {256, 128};
    int n = shape[0] * shape[1];
    GradientCost.uniform(rnd, 64 * 1024, -1, 1); // GradientCost's labels of the pointwise losses, drawn first
    // (until session 10 this drew n = 32768 of them, so p, q and r were other numbers of the same distributions)
    p = GradientCost.uniform(rnd, n, -3, 3);
    q = GradientCost.uniform(rnd, n, -1, 1);
    r = GradientCost.uniform(rnd, n, -1, 1);
    triplet = new TripletLoss();
    pred = Tensor.of(p, shape);
    positive = Tensor.of(q, shape);
    negative = Tensor.of(r, shape);
    out = new float[shape[0]];
    inner = shape[1];
    gp = new float[n];
    gq = new float[n];
    gr = new float[n];
    gate = new float[shape[0]];
    kernels = KernelProvider.get();
  }

  @Benchmark
  public float[] forward() {
    return triplet.forward(pred, positive, negative, out);
  }

  @Benchmark
  public float[] forwardBackward() {
    return triplet.forwardBackward(pred, positive, negative, out, gp, gq, gr);
  }

  @Benchmark
  public float read3() {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    int i = 0;
    for (int bound = S.loopBound(p.length); i < bound; i += S.length()) {
      a0 = a0.add(FloatVector.fromArray(S, p, i));
      a1 = a1.add(FloatVector.fromArray(S, q, i));
      a2 = a2.add(FloatVector.fromArray(S, r, i));
    }
    float s = a0.add(a1).add(a2).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    for (; i < p.length; i++) {
      s += p[i] + q[i] + r[i];
    }
    return s;
  }

  @Benchmark
  public float[] copy3Interleaved() {
    int i = 0;
    for (int bound = S.loopBound(p.length); i < bound; i += S.length()) {
      FloatVector.fromArray(S, p, i).intoArray(gp, i);
      FloatVector.fromArray(S, q, i).intoArray(gq, i);
      FloatVector.fromArray(S, r, i).intoArray(gr, i);
    }
    for (; i < p.length; i++) {
      gp[i] = p[i];
      gq[i] = q[i];
      gr[i] = r[i];
    }
    return gr;
  }

  @Benchmark
  public float[] copy3Separate() {
    copy(p, gp);
    copy(q, gq);
    copy(r, gr);
    return gr;
  }

  @Benchmark
  public float[] copy3Arraycopy() {
    System.arraycopy(p, 0, gp, 0, p.length);
    System.arraycopy(q, 0, gq, 0, q.length);
    System.arraycopy(r, 0, gr, 0, r.length);
    return gr;
  }

  @Benchmark
  public float[] gradient3Interleaved() {
    int i = 0;
    for (int bound = S.loopBound(p.length); i < bound; i += S.length()) {
      FloatVector x = FloatVector.fromArray(S, p, i);
      FloatVector y = FloatVector.fromArray(S, q, i);
      FloatVector z = FloatVector.fromArray(S, r, i);
      FloatVector rq = z.sub(y);
      FloatVector qp = y.sub(x);
      FloatVector pr = x.sub(z);
      rq.add(rq).intoArray(gp, i);
      qp.add(qp).intoArray(gq, i);
      pr.add(pr).intoArray(gr, i);
    }
    for (; i < p.length; i++) {
      gp[i] = 2 * (r[i] - q[i]);
      gq[i] = 2 * (q[i] - p[i]);
      gr[i] = 2 * (p[i] - r[i]);
    }
    return gr;
  }

  @Benchmark
  public float[] gradient3Split() {
    float[] p = this.p, q = this.q, r = this.r;
    int bound = S.loopBound(p.length);
    for (int i = 0; i < bound; i += S.length()) {
      FloatVector rq = FloatVector.fromArray(S, r, i).sub(FloatVector.fromArray(S, q, i));
      rq.add(rq).intoArray(gp, i);
    }
    for (int i = 0; i < bound; i += S.length()) {
      FloatVector qp = FloatVector.fromArray(S, q, i).sub(FloatVector.fromArray(S, p, i));
      qp.add(qp).intoArray(gq, i);
    }
    for (int i = 0; i < bound; i += S.length()) {
      FloatVector pr = FloatVector.fromArray(S, p, i).sub(FloatVector.fromArray(S, r, i));
      pr.add(pr).intoArray(gr, i);
    }
    return gr;
  }

  /**
   * The fastest forwardBackward loop found for this workload once the library's constraints are dropped (not
   * reproducible, so not the library's): per sample, a two-accumulator vector sum of the terms ended by
   * {@code reduceLanes}, the gate (margin 1, weight 1), then one gradient loop per array. Against {@code forward}
   * it shows what a forwardBackward can reach on this machine. Written for samples of a multiple of two vectors
   * (128 floats here).
   */
  @Benchmark
  public float[] unconstrainedForwardBackward() {
    float[] p = this.p, q = this.q, r = this.r, gp = this.gp, gq = this.gq, gr = this.gr;
    int inner = this.inner; // from the state, as the library's loops see it: not a constant C2 could unroll by
    for (int n = 0; n < out.length; n++) {
      int o = n * inner;
      float h = sampleSum(p, q, r, o, inner) + 1f;
      out[n] = Math.max(h, 0f);
      float s = h > 0 ? 2f : 0f;
      for (int i = 0; i < inner; i += S.length()) {
        FloatVector.fromArray(S, r, o + i).sub(FloatVector.fromArray(S, q, o + i)).mul(s).intoArray(gp, o + i);
      }
      for (int i = 0; i < inner; i += S.length()) {
        FloatVector.fromArray(S, q, o + i).sub(FloatVector.fromArray(S, p, o + i)).mul(s).intoArray(gq, o + i);
      }
      for (int i = 0; i < inner; i += S.length()) {
        FloatVector.fromArray(S, p, o + i).sub(FloatVector.fromArray(S, r, o + i)).mul(s).intoArray(gr, o + i);
      }
    }
    return out;
  }

  /**
   * forwardBackward that does not wait for the gate: per sample one loop forms the terms, adds them into two
   * accumulators and writes the gradients an active sample gets ({@code 2(r-q)}, {@code 2(q-p)}, {@code 2(p-r)}
   * times the weight, the library's operations); a sample found inactive then gets its gradients rewritten with
   * the gate 0 (a second pass over operands still in L1). Unconstrained as {@link #unconstrainedForwardBackward}
   * (reduceLanes). Written for samples of a multiple of two vectors. Session 10, 4 paired rounds of one fork
   * each ({@code -f 1 -wi 3 -w 300ms -i 4 -r 200ms}, alternating benchmarks), fastest iterations: JDK 25 30.4 us
   * against the library's forwardBackward 22.0 and unconstrainedForwardBackward 17.4 (forward 7.3); JDK 17 29.7
   * against 22.7 and 22.5 (forward 9.8). On the earlier data (see setUp) the same order, and filling an inactive
   * sample's gradients with +0 instead of rewriting them gave the same time. Writing three arrays in the loop
   * that reads three is the cost (as gradient3Interleaved against gradient3Split), not the second pass it saves.
   */
  @Benchmark
  public float[] speculativeForwardBackward() {
    float[] p = this.p, q = this.q, r = this.r, gp = this.gp, gq = this.gq, gr = this.gr;
    int inner = this.inner;
    float w = 1f;
    for (int n = 0; n < out.length; n++) {
      int o = n * inner;
      FloatVector a0 = FloatVector.zero(S);
      FloatVector a1 = a0;
      for (int i = o, end = o + inner; i < end; i += 2 * S.length()) {
        a0 = a0.add(termAndGradient(p, q, r, gp, gq, gr, i, w));
        a1 = a1.add(termAndGradient(p, q, r, gp, gq, gr, i + S.length(), w));
      }
      float h = a0.add(a1).reduceLanes(jdk.incubator.vector.VectorOperators.ADD) + 1f;
      out[n] = Math.max(h, 0f);
      if (!(h > 0)) {
        float s = h <= 0 ? 0f : Float.NaN;
        for (int i = 0; i < inner; i += S.length()) {
          FloatVector rq = FloatVector.fromArray(S, r, o + i).sub(FloatVector.fromArray(S, q, o + i));
          rq.add(rq).mul(s).intoArray(gp, o + i);
          FloatVector qp = FloatVector.fromArray(S, q, o + i).sub(FloatVector.fromArray(S, p, o + i));
          qp.add(qp).mul(s).intoArray(gq, o + i);
          FloatVector pr = FloatVector.fromArray(S, p, o + i).sub(FloatVector.fromArray(S, r, o + i));
          pr.add(pr).mul(s).intoArray(gr, o + i);
        }
      }
    }
    return out;
  }

  private static FloatVector termAndGradient(float[] p, float[] q, float[] r, float[] gp, float[] gq, float[] gr,
      int i, float w) {
    FloatVector x = FloatVector.fromArray(S, p, i);
    FloatVector y = FloatVector.fromArray(S, q, i);
    FloatVector z = FloatVector.fromArray(S, r, i);
    FloatVector dq = x.sub(y);
    FloatVector dr = x.sub(z);
    FloatVector rq = z.sub(y);
    FloatVector qp = y.sub(x);
    rq.add(rq).mul(w).intoArray(gp, i);
    qp.add(qp).mul(w).intoArray(gq, i);
    dr.add(dr).mul(w).intoArray(gr, i);
    return dq.mul(dq).sub(dr.mul(dr));
  }

  /**
   * Two passes (session 13): every sample's gate first (unconstrained sums), kept in a scratch array, then one flat
   * vector loop per gradient array over all samples, the gate reloaded per vector from a per-vector index (samples
   * of a power-of-two multiple of LANES).
   */
  @Benchmark
  public float[] twoPassFlatForwardBackward() {
    float[] p = this.p, q = this.q, r = this.r, gp = this.gp, gq = this.gq, gr = this.gr, gate = this.gate;
    int inner = this.inner;
    for (int n = 0; n < out.length; n++) {
      float h = sampleSum(p, q, r, n * inner, inner) + 1f;
      out[n] = Math.max(h, 0f);
      gate[n] = h > 0 ? 2f : 0f;
    }
    int shift = Integer.numberOfTrailingZeros(inner); // inner a power of two here
    int bound = S.loopBound(p.length);
    for (int i = 0; i < bound; i += S.length()) {
      FloatVector.fromArray(S, r, i).sub(FloatVector.fromArray(S, q, i)).mul(gate[i >>> shift]).intoArray(gp, i);
    }
    for (int i = 0; i < bound; i += S.length()) {
      FloatVector.fromArray(S, q, i).sub(FloatVector.fromArray(S, p, i)).mul(gate[i >>> shift]).intoArray(gq, i);
    }
    for (int i = 0; i < bound; i += S.length()) {
      FloatVector.fromArray(S, p, i).sub(FloatVector.fromArray(S, r, i)).mul(gate[i >>> shift]).intoArray(gr, i);
    }
    return out;
  }

  /**
   * {@link #unconstrainedForwardBackward} with the three gradient loops of a sample fused into one loop that
   * writes the three arrays in turn (session 13).
   */
  @Benchmark
  public float[] interleavedForwardBackward() {
    float[] p = this.p, q = this.q, r = this.r, gp = this.gp, gq = this.gq, gr = this.gr;
    int inner = this.inner;
    for (int n = 0; n < out.length; n++) {
      int o = n * inner;
      float h = sampleSum(p, q, r, o, inner) + 1f;
      out[n] = Math.max(h, 0f);
      float s = h > 0 ? 2f : 0f;
      for (int i = o, end = o + inner; i < end; i += S.length()) {
        FloatVector x = FloatVector.fromArray(S, p, i);
        FloatVector y = FloatVector.fromArray(S, q, i);
        FloatVector z = FloatVector.fromArray(S, r, i);
        z.sub(y).mul(s).intoArray(gp, i);
        y.sub(x).mul(s).intoArray(gq, i);
        x.sub(z).mul(s).intoArray(gr, i);
      }
    }
    return out;
  }

  /**
   * The library's own kernels in {@link #unconstrainedForwardBackward}'s loop: its canonical {@code tripletSum}
   * and its {@code tripletGradient}, without the facade (argument checks, workspace, layouts; session 13).
   */
  @Benchmark
  public float[] kernelsForwardBackward() {
    float[] p = this.p, q = this.q, r = this.r, gp = this.gp, gq = this.gq, gr = this.gr;
    int inner = this.inner;
    for (int n = 0; n < out.length; n++) {
      int o = n * inner;
      double h = 0d + kernels.tripletSum(p, q, r, o, inner, gate) + 1d; // gate: scratch of >= inner floats
      out[n] = (float) Math.max(h, 0d);
      float s = h > 0 ? 1f : 0f;
      kernels.tripletGradient(s, p, o, q, o, r, o, gp, gq, gr, o, inner);
    }
    return out;
  }

  /** The two-accumulator sum of sample terms in {@link #unconstrainedForwardBackward}, in any order. */
  private static float sampleSum(float[] p, float[] q, float[] r, int o, int inner) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    for (int i = 0; i < inner; i += 2 * S.length()) {
      FloatVector x = FloatVector.fromArray(S, p, o + i);
      FloatVector dq = x.sub(FloatVector.fromArray(S, q, o + i));
      FloatVector dr = x.sub(FloatVector.fromArray(S, r, o + i));
      a0 = a0.add(dq.mul(dq).sub(dr.mul(dr)));
      FloatVector x1 = FloatVector.fromArray(S, p, o + i + S.length());
      FloatVector dq1 = x1.sub(FloatVector.fromArray(S, q, o + i + S.length()));
      FloatVector dr1 = x1.sub(FloatVector.fromArray(S, r, o + i + S.length()));
      a1 = a1.add(dq1.mul(dq1).sub(dr1.mul(dr1)));
    }
    return a0.add(a1).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }

  private static void copy(float[] a, float[] b) {
    int i = 0;
    for (int bound = S.loopBound(a.length); i < bound; i += S.length()) {
      FloatVector.fromArray(S, a, i).intoArray(b, i);
    }
    for (; i < a.length; i++) {
      b[i] = a[i];
    }
  }
}
