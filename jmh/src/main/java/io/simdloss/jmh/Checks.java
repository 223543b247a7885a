package io.simdloss.jmh;

import io.simdloss.Backend;
import io.simdloss.CTCLoss;
import io.simdloss.HingeLoss;
import io.simdloss.HuberLoss;
import io.simdloss.KLDivLoss;
import io.simdloss.L1Loss;
import io.simdloss.L2Loss;
import io.simdloss.LogisticLoss;
import io.simdloss.SigmoidBinaryCrossEntropyLoss;
import io.simdloss.SoftmaxCrossEntropyLoss;
import io.simdloss.SquaredHingeLoss;
import io.simdloss.TripletLoss;
import io.simdloss.jmh.Workloads.CtcInputs;
import io.simdloss.jmh.Workloads.Inputs;

/**
 * Run once per fork at setup, before any timing: the library's output (on whichever backend this JVM chose)
 * must equal the plain-Java loop's within a float tolerance, else the fork fails. Vector and scalar forks are
 * both checked against the same plain loops, so the three variants agree with each other.
 */
public final class Checks {
  private Checks() {}

  /** Relative tolerance against max(|expected|, mean |expected|): float accumulation over up to 64K terms. */
  static final double TOLERANCE = 1e-3;

  /** The losses with their library call and their plain-Java twin. */
  public enum Kind {
    L2 {
      float[] library(Inputs in, float[] out) {
        return new L2Loss().forward(in.tPred, in.tReal, null, out);
      }

      float[] plain(Inputs in, float[] out) {
        return Plain.l2(in.pred, in.real, in.rows, in.cols, out);
      }
    },
    L1 {
      float[] library(Inputs in, float[] out) {
        return new L1Loss().forward(in.tPred, in.tReal, null, out);
      }

      float[] plain(Inputs in, float[] out) {
        return Plain.l1(in.pred, in.real, in.rows, in.cols, out);
      }
    },
    HUBER {
      float[] library(Inputs in, float[] out) {
        return new HuberLoss().forward(in.tPred, in.tReal, null, out);
      }

      float[] plain(Inputs in, float[] out) {
        return Plain.huber(in.pred, in.real, in.rows, in.cols, out);
      }
    },
    HINGE {
      float[] library(Inputs in, float[] out) {
        return new HingeLoss().forward(in.tPred, in.tSign, null, out);
      }

      float[] plain(Inputs in, float[] out) {
        return Plain.hinge(in.pred, in.sign, in.rows, in.cols, out);
      }
    },
    SQUARED_HINGE {
      float[] library(Inputs in, float[] out) {
        return new SquaredHingeLoss().forward(in.tPred, in.tSign, null, out);
      }

      float[] plain(Inputs in, float[] out) {
        return Plain.squaredHinge(in.pred, in.sign, in.rows, in.cols, out);
      }
    },
    LOGISTIC {
      float[] library(Inputs in, float[] out) {
        return new LogisticLoss().forward(in.tPred, in.tSign, null, out);
      }

      float[] plain(Inputs in, float[] out) {
        return Plain.logistic(in.pred, in.sign, in.rows, in.cols, out);
      }
    },
    SIGMOID_BCE {
      float[] library(Inputs in, float[] out) {
        return new SigmoidBinaryCrossEntropyLoss().forward(in.tPred, in.tProb, null, out);
      }

      float[] plain(Inputs in, float[] out) {
        return Plain.sigmoidBce(in.pred, in.prob, in.rows, in.cols, out);
      }
    },
    SOFTMAX_CE {
      float[] library(Inputs in, float[] out) {
        return new SoftmaxCrossEntropyLoss().forward(in.tPred, in.tCls, null, out);
      }

      float[] plain(Inputs in, float[] out) {
        return Plain.softmaxCe(in.pred, in.cls, in.rows, in.cols, out);
      }
    },
    KL_DIV {
      float[] library(Inputs in, float[] out) {
        return new KLDivLoss().forward(in.tPred, in.tDist, null, out);
      }

      float[] plain(Inputs in, float[] out) {
        return Plain.klDiv(in.pred, in.dist, in.rows, in.cols, out);
      }
    },
    KL_DIV_SOFTMAX {
      float[] library(Inputs in, float[] out) {
        return KLDivLoss.builder().fromLogits(false).build().forward(in.tPred, in.tDist, null, out);
      }

      float[] plain(Inputs in, float[] out) {
        return Plain.klDivSoftmax(in.pred, in.dist, in.rows, in.cols, out);
      }
    },
    TRIPLET {
      float[] library(Inputs in, float[] out) {
        return new TripletLoss().forward(in.tPred, in.tPos, in.tNeg, out);
      }

      float[] plain(Inputs in, float[] out) {
        return Plain.triplet(in.pred, in.pos, in.neg, in.rows, in.cols, out);
      }
    };

    abstract float[] library(Inputs in, float[] out);

    abstract float[] plain(Inputs in, float[] out);
  }

  public static final Kind[] POINTWISE = {
    Kind.L2, Kind.L1, Kind.HUBER, Kind.HINGE, Kind.SQUARED_HINGE, Kind.LOGISTIC, Kind.SIGMOID_BCE
  };

  /**
   * Fails the fork unless the library runs on the backend the benchmark names. A {@code -jvmArgsAppend} on the
   * command line replaces a benchmark's own {@code @Fork} flags: without {@code --add-modules
   * jdk.incubator.vector} the library quietly falls back to its scalar kernels, and a "vector" number would be
   * a scalar one.
   */
  public static void requireBackend(boolean vector) {
    if (Backend.isVector() != vector) {
      throw new IllegalStateException("this benchmark expects the " + (vector ? "vector" : "scalar")
          + " backend, got " + Backend.active() + " (a -jvmArgsAppend on the command line replaces the benchmark's "
          + "own flags: repeat --add-modules jdk.incubator.vector -Dsimdloss.backend=" + (vector ? "vector" : "scalar")
          + " in it)");
    }
  }

  /** Checks each kind on these inputs; throws IllegalStateException on the first mismatch. */
  public static void verify(Inputs in, Kind... kinds) {
    for (Kind k : kinds) {
      compare(k + " " + in.rows + "x" + in.cols, k.library(in, new float[in.rows]), k.plain(in, new float[in.rows]));
    }
  }

  public static void verify(CtcInputs in) {
    float[] lib = new CTCLoss().forward(in.tPred, in.tLabel, null, null, null, new float[in.n]);
    float[] plain = plainCtc(in, new float[in.n]);
    compare("CTC " + in.n + "x" + in.t + "x" + in.c + " L" + in.l, lib, plain);
  }

  static float[] plainCtc(CtcInputs in, float[] out) {
    int states = 2 * in.l + 1;
    return Plain.ctc(in.pred, in.label, in.n, in.t, in.c, in.l, new double[in.t], new double[states],
        new double[states], out);
  }

  /** Fails loudly when actual and expected differ by more than the tolerance anywhere. */
  public static void compare(String what, float[] actual, float[] expected) {
    if (actual.length != expected.length) {
      throw new IllegalStateException(what + ": length " + actual.length + " != " + expected.length);
    }
    double scale = 0;
    for (float e : expected) {
      scale += Math.abs(e);
    }
    scale /= Math.max(1, expected.length);
    for (int i = 0; i < actual.length; i++) {
      double tol = TOLERANCE * Math.max(Math.abs(expected[i]), scale) + 1e-6;
      if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
        throw new IllegalStateException(what + " on backend " + Backend.active() + ": output[" + i + "] = "
            + actual[i] + ", expected " + expected[i] + " (tolerance " + tol + ")");
      }
    }
  }
}
