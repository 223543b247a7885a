package io.simdloss.jmh.peers;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.simdloss.L2Loss;
import io.simdloss.SoftmaxCrossEntropyLoss;
import io.simdloss.jmh.Checks;
import io.simdloss.jmh.Plain;
import io.simdloss.jmh.Workloads.Inputs;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.loss.SparseSoftmaxCrossEntropyLossWithLogits;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SquaredDifferenceOp;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * simdloss against ND4J, DJL (PyTorch) and TensorFlow Java on the same workloads and the same seeded data
 * ({@link Inputs}). Every peer's output is checked equal to the plain-Java reference (and so to simdloss) in
 * its state's setup, before any timing; a mismatch fails the fork.
 *
 * <p>What is timed, for each: inputs already live in the library's own tensor type (created once in setup,
 * as data coming out of that library's model would be); the timed call computes the per-sample losses and
 * copies them into a {@code float[]} (simdloss writes into one directly), freeing whatever the call allocated
 * natively. TensorFlow: a Graph built once in setup and {@code session.run} feeding the two input tensors and
 * fetching the loss; the fetched output tensor is created by TF inside the timed region (it cannot be
 * avoided through Session). simdloss uses one thread; the peers by default too ({@link #THREADS}), so the
 * comparison is per core; {@code -Dsimdloss.peers.threads=0} on PeersMain gives them their own defaults. Run through {@link PeersMain}, which puts every native cache under jmh/target/peer-cache.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class Peers {
  /**
   * Threads each peer may use (-Dsimdloss.peers.threads, set by PeersMain; default 1, like simdloss; 0 = the
   * peer's own default, all cores). ND4J: libnd4j's OpenMP threads; DJL: PyTorch intra/inter-op threads; TF:
   * the session's intra/inter-op pools.
   */
  static final int THREADS = Integer.getInteger("simdloss.peers.threads", 1);

  /**
   * The quick profile's softmax CE data: {@code Inputs.all(1, 10)} for 1x10 (VectorBackend.softmaxCe_1x10's
   * state; until session 10 the peers drew {@code classes(1, 10)}, other logits, so the two 1x10 rows could not
   * be set side by side), {@code classes(256, 1000)} for 256x1000.
   */
  static Inputs ceInputs(int rows) {
    return rows == 1 ? Inputs.all(1, 10) : Inputs.classes(rows, 1000);
  }

  static Inputs point() {
    return Inputs.pointwise(64, 1024);
  }

  static float[] expectedCe(Inputs in) {
    return Plain.softmaxCe(in.pred, in.cls, in.rows, in.cols, new float[in.rows]);
  }

  static float[] expectedL2(Inputs in) {
    return Plain.l2(in.pred, in.real, in.rows, in.cols, new float[in.rows]);
  }

  static int[] intLabels(float[] cls) {
    int[] a = new int[cls.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = (int) cls[i];
    }
    return a;
  }

  // ------------------------------------------------------------------------------------------ simdloss

  @State(Scope.Thread)
  public static class Simdloss {
    final SoftmaxCrossEntropyLoss ce = new SoftmaxCrossEntropyLoss();
    final L2Loss l2 = new L2Loss();
    Inputs ce1;
    Inputs ce256;
    Inputs p64;

    @Setup(Level.Trial)
    public void setUp() {
      ce1 = ceInputs(1);
      ce256 = ceInputs(256);
      p64 = point();
      Checks.compare("simdloss softmaxCe 1x10", ce1(), expectedCe(ce1));
      Checks.compare("simdloss softmaxCe 256x1000", ce256(), expectedCe(ce256));
      Checks.compare("simdloss l2 64x1024", l2(), expectedL2(p64));
    }

    float[] ce1() {
      return ce.forward(ce1.tPred, ce1.tCls, null, ce1.out);
    }

    float[] ce256() {
      return ce.forward(ce256.tPred, ce256.tCls, null, ce256.out);
    }

    float[] l2() {
      return l2.forward(p64.tPred, p64.tReal, null, p64.out);
    }
  }

  @Benchmark
  public float[] softmaxCe_1x10_simdloss(Simdloss s) {
    return s.ce1();
  }

  @Benchmark
  public float[] softmaxCe_256x1000_simdloss(Simdloss s) {
    return s.ce256();
  }

  @Benchmark
  public float[] l2_64x1024_simdloss(Simdloss s) {
    return s.l2();
  }

  // ------------------------------------------------------------------------------------------ TensorFlow

  /** One graph and session per workload; input tensors created once. */
  static final class TfCase implements AutoCloseable {
    final Graph graph = new Graph();
    final Session session;
    final Placeholder<TFloat32> x;
    final Placeholder<?> y;
    final Operand<TFloat32> loss;
    final TFloat32 xt;
    final org.tensorflow.Tensor yt;
    final float[] out;

    /** kind: "ce" (logSoftmax + batch gather), "ceOp" (SparseSoftmaxCrossEntropyWithLogits), "l2". */
    TfCase(String kind, Inputs in) {
      Ops tf = Ops.create(graph);
      Shape shape = Shape.of(in.rows, in.cols);
      x = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      xt = TFloat32.tensorOf(shape, DataBuffers.of(in.pred, true, false));
      out = new float[in.rows];
      if (kind.equals("l2")) {
        Placeholder<TFloat32> label = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
        y = label;
        yt = TFloat32.tensorOf(shape, DataBuffers.of(in.real, true, false));
        loss = tf.math.mul(tf.math.mean(tf.math.squaredDifference(x, label), tf.constant(1)), tf.constant(0.5f));
      } else {
        Placeholder<TInt32> label = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(in.rows)));
        y = label;
        yt = TInt32.tensorOf(Shape.of(in.rows), DataBuffers.of(intLabels(in.cls), true, false));
        loss = kind.equals("ce")
            ? tf.math.neg(tf.gather(tf.nn.logSoftmax(x), label, tf.constant(1), Gather.batchDims(1L)))
            : tf.nn.sparseSoftmaxCrossEntropyWithLogits(x, label).loss();
      }
      session = THREADS > 0
          ? new Session(graph, org.tensorflow.proto.ConfigProto.newBuilder()
              .setIntraOpParallelismThreads(THREADS).setInterOpParallelismThreads(THREADS).build())
          : new Session(graph);
    }

    float[] run() {
      try (Result r = session.runner().feed(x, xt).feed(y, yt).fetch(loss).run()) {
        r.get(0).asRawTensor().data().asFloats().read(out);
      }
      return out;
    }

    @Override
    public void close() {
      xt.close();
      yt.close();
      session.close();
      graph.close();
    }
  }

  @State(Scope.Thread)
  public static class Tf {
    TfCase ce1;
    TfCase ce256;
    TfCase ceOp1;
    TfCase ceOp256;
    TfCase l2;

    @Setup(Level.Trial)
    public void setUp() {
      Inputs i1 = ceInputs(1);
      Inputs i256 = ceInputs(256);
      Inputs p = point();
      ce1 = new TfCase("ce", i1);
      ce256 = new TfCase("ce", i256);
      ceOp1 = new TfCase("ceOp", i1);
      ceOp256 = new TfCase("ceOp", i256);
      l2 = new TfCase("l2", p);
      Checks.compare("TF softmaxCe 1x10", ce1.run().clone(), expectedCe(i1));
      Checks.compare("TF softmaxCe 256x1000", ce256.run().clone(), expectedCe(i256));
      Checks.compare("TF sparse op 1x10", ceOp1.run().clone(), expectedCe(i1));
      Checks.compare("TF sparse op 256x1000", ceOp256.run().clone(), expectedCe(i256));
      Checks.compare("TF l2 64x1024", l2.run().clone(), expectedL2(p));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      ce1.close();
      ce256.close();
      ceOp1.close();
      ceOp256.close();
      l2.close();
    }
  }

  @Benchmark
  public float[] softmaxCe_1x10_tf(Tf s) {
    return s.ce1.run();
  }

  @Benchmark
  public float[] softmaxCe_256x1000_tf(Tf s) {
    return s.ce256.run();
  }

  @Benchmark
  public float[] softmaxCe_1x10_tfSparseOp(Tf s) {
    return s.ceOp1.run();
  }

  @Benchmark
  public float[] softmaxCe_256x1000_tfSparseOp(Tf s) {
    return s.ceOp256.run();
  }

  @Benchmark
  public float[] l2_64x1024_tf(Tf s) {
    return s.l2.run();
  }

  // ------------------------------------------------------------------------------------------ ND4J

  @State(Scope.Thread)
  public static class Nd4jState {
    INDArray ce1X;
    INDArray ce1Y;
    INDArray ce256X;
    INDArray ce256Y;
    INDArray l2X;
    INDArray l2Y;
    INDArray l2Tmp;

    @Setup(Level.Trial)
    public void setUp() {
      Inputs i1 = ceInputs(1);
      Inputs i256 = ceInputs(256);
      Inputs p = point();
      ce1X = Nd4j.create(i1.pred, new long[] {i1.rows, i1.cols}, DataType.FLOAT);
      ce1Y = Nd4j.createFromArray(Djl.longLabels(i1.cls));
      ce256X = Nd4j.create(i256.pred, new long[] {i256.rows, i256.cols}, DataType.FLOAT);
      ce256Y = Nd4j.createFromArray(Djl.longLabels(i256.cls));
      l2X = Nd4j.create(p.pred, new long[] {p.rows, p.cols}, DataType.FLOAT);
      l2Y = Nd4j.create(p.real, new long[] {p.rows, p.cols}, DataType.FLOAT);
      l2Tmp = Nd4j.create(DataType.FLOAT, p.rows, p.cols);
      if (THREADS > 0) {
        // after the backend is up (NativeOpsHolder before Nd4j's own initialization fails to load it)
        org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(THREADS);
        Nd4j.getEnvironment().setMaxThreads(THREADS);
        Nd4j.getEnvironment().setMaxMasterThreads(THREADS);
      }
      Checks.compare("ND4J softmaxCe 1x10", ce(ce1X, ce1Y), expectedCe(i1));
      Checks.compare("ND4J softmaxCe 256x1000", ce(ce256X, ce256Y), expectedCe(i256));
      Checks.compare("ND4J l2 64x1024", l2(), expectedL2(p));
    }

    /** libnd4j's fused op (the one TF import maps to): per-sample losses. */
    float[] ce(INDArray x, INDArray y) {
      INDArray[] r = Nd4j.exec(new SparseSoftmaxCrossEntropyLossWithLogits(x, y));
      float[] out = r[0].toFloatVector();
      for (INDArray a : r) {
        a.close();
      }
      return out;
    }

    float[] l2() {
      Nd4j.exec(new SquaredDifferenceOp(l2X, l2Y, l2Tmp));
      INDArray m = l2Tmp.mean(1).muli(0.5f);
      float[] out = m.toFloatVector();
      m.close();
      return out;
    }
  }

  @Benchmark
  public float[] softmaxCe_1x10_nd4j(Nd4jState s) {
    return s.ce(s.ce1X, s.ce1Y);
  }

  @Benchmark
  public float[] softmaxCe_256x1000_nd4j(Nd4jState s) {
    return s.ce(s.ce256X, s.ce256Y);
  }

  @Benchmark
  public float[] l2_64x1024_nd4j(Nd4jState s) {
    return s.l2();
  }

  // ------------------------------------------------------------------------------------------ DJL

  @State(Scope.Thread)
  public static class Djl {
    NDManager manager;
    NDArray ce1X;
    NDArray ce1Y;
    NDArray ce256X;
    NDArray ce256Y;
    NDArray l2X;
    NDArray l2Y;

    @Setup(Level.Trial)
    public void setUp() {
      manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
      Inputs i1 = ceInputs(1);
      Inputs i256 = ceInputs(256);
      Inputs p = point();
      ce1X = manager.create(i1.pred, new ai.djl.ndarray.types.Shape(i1.rows, i1.cols));
      ce1Y = manager.create(longLabels(i1.cls), new ai.djl.ndarray.types.Shape(i1.rows, 1));
      ce256X = manager.create(i256.pred, new ai.djl.ndarray.types.Shape(i256.rows, i256.cols));
      ce256Y = manager.create(longLabels(i256.cls), new ai.djl.ndarray.types.Shape(i256.rows, 1));
      l2X = manager.create(p.pred, new ai.djl.ndarray.types.Shape(p.rows, p.cols));
      l2Y = manager.create(p.real, new ai.djl.ndarray.types.Shape(p.rows, p.cols));
      Checks.compare("DJL softmaxCe 1x10", ce(ce1X, ce1Y), expectedCe(i1));
      Checks.compare("DJL softmaxCe 256x1000", ce(ce256X, ce256Y), expectedCe(i256));
      Checks.compare("DJL l2 64x1024", l2(), expectedL2(p));
    }

    static long[] longLabels(float[] cls) {
      long[] a = new long[cls.length];
      for (int i = 0; i < a.length; i++) {
        a[i] = (long) cls[i];
      }
      return a;
    }

    /** torch: -log_softmax(x, 1).gather(1, y); intermediates closed at once. */
    float[] ce(NDArray x, NDArray y) {
      try (NDArray ls = x.logSoftmax(1);
          NDArray picked = ls.gather(y, 1);
          NDArray loss = picked.neg()) {
        return loss.toFloatArray();
      }
    }

    float[] l2() {
      try (NDArray d = l2X.sub(l2Y);
          NDArray sq = d.square();
          NDArray mean = sq.mean(new int[] {1});
          NDArray loss = mean.mul(0.5f)) {
        return loss.toFloatArray();
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      manager.close();
    }
  }

  @Benchmark
  public float[] softmaxCe_1x10_djl(Djl s) {
    return s.ce(s.ce1X, s.ce1Y);
  }

  @Benchmark
  public float[] softmaxCe_256x1000_djl(Djl s) {
    return s.ce(s.ce256X, s.ce256Y);
  }

  @Benchmark
  public float[] l2_64x1024_djl(Djl s) {
    return s.l2();
  }
}
