package io.simdloss.jmh;

import io.simdloss.jmh.Checks.Kind;
import io.simdloss.jmh.Workloads.CtcInputs;
import io.simdloss.jmh.Workloads.Inputs;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One JMH state per workload shape, shared by {@link LossBenchmarks} (library) and {@link PlainJava}. Each
 * builds its seeded inputs once per fork and checks the library's outputs on this fork's backend against the
 * plain-Java loops ({@link Checks}) twice: before any timing (the first, cold calls) and again after the last
 * iteration ({@link Checked}), when the library's code that was timed has been compiled by C2. A benchmark only
 * pays for the states it takes.
 */
public final class States {
  private States() {}

  /**
   * Base of the states: the check made in setUp, run again when the trial ends. The first check runs the cold
   * (interpreted) library; this one its C2-compiled code, the code that was timed, whose results could differ by
   * tier if a fast path were wrong (a harness review in session 10 noted the gap).
   */
  public abstract static class Checked {
    Runnable check;

    /** Sets the check and runs it (before timing). */
    void check(Runnable c) {
      check = c;
      c.run();
    }

    @TearDown(Level.Trial)
    public void checkAfterTiming() {
      check.run();
    }
  }

  /** Latency: 1 sample of 10 (classes, features). */
  @State(Scope.Thread)
  public static class B1x10 extends Checked {
    public Inputs in;

    @Setup(Level.Trial)
    public void setUp() {
      in = Inputs.all(1, 10);
      check(() -> Checks.verify(in, Kind.values()));
    }
  }

  /** Latency: 32 samples of 10. */
  @State(Scope.Thread)
  public static class B32x10 extends Checked {
    public Inputs in;

    @Setup(Level.Trial)
    public void setUp() {
      in = Inputs.all(32, 10);
      check(() -> Checks.verify(in, Kind.values()));
    }
  }

  /** Medium pointwise: 64 x 1024. */
  @State(Scope.Thread)
  public static class P64x1024 extends Checked {
    public Inputs in;

    @Setup(Level.Trial)
    public void setUp() {
      in = Inputs.pointwise(64, 1024);
      check(() -> Checks.verify(in, Checks.POINTWISE));
    }
  }

  /** Medium classification: 256 samples x 1000 classes (softmax CE, KL divergence). */
  @State(Scope.Thread)
  public static class C256x1000 extends Checked {
    public Inputs in;

    @Setup(Level.Trial)
    public void setUp() {
      in = Inputs.classes(256, 1000);
      check(() -> Checks.verify(in, Kind.SOFTMAX_CE, Kind.KL_DIV, Kind.KL_DIV_SOFTMAX));
    }
  }

  /** Medium triplet: 256 x 128 embeddings. */
  @State(Scope.Thread)
  public static class T256x128 extends Checked {
    public Inputs in;

    @Setup(Level.Trial)
    public void setUp() {
      in = Inputs.triplet(256, 128);
      check(() -> Checks.verify(in, Kind.TRIPLET));
    }
  }

  /** Large: 4M elements (64 x 65536), 16 MB per operand; L2, L1, SigmoidBCE read two operands (32 MB). */
  @State(Scope.Thread)
  public static class L4M extends Checked {
    public Inputs in;

    @Setup(Level.Trial)
    public void setUp() {
      in = Inputs.pointwise(64, 65536);
      check(() -> Checks.verify(in, Kind.L2, Kind.L1, Kind.SIGMOID_BCE));
    }
  }

  /** CTC with a small alphabet: N=32, T=200, C=30, L=40. */
  @State(Scope.Thread)
  public static class Ctc32x200x30 extends Checked {
    public CtcInputs in;
    public double[] lse;
    public double[] alpha;
    public double[] next;

    @Setup(Level.Trial)
    public void setUp() {
      in = new CtcInputs(32, 200, 30, 40);
      plainBuffers(this);
      check(() -> Checks.verify(in));
    }
  }

  /** CTC with a large alphabet: N=8, T=100, C=5000, L=20. */
  @State(Scope.Thread)
  public static class Ctc8x100x5000 extends Checked {
    public CtcInputs in;
    public double[] lse;
    public double[] alpha;
    public double[] next;

    @Setup(Level.Trial)
    public void setUp() {
      in = new CtcInputs(8, 100, 5000, 20);
      lse = new double[in.t];
      alpha = new double[2 * in.l + 1];
      next = new double[2 * in.l + 1];
      check(() -> Checks.verify(in));
    }
  }

  private static void plainBuffers(Ctc32x200x30 s) {
    s.lse = new double[s.in.t];
    s.alpha = new double[2 * s.in.l + 1];
    s.next = new double[2 * s.in.l + 1];
  }
}
