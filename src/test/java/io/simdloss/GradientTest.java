package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code forwardBackward} of every labeled loss and of the triplet loss, through the public API, against models
 * written here in float64: for each case, (1) the model's analytic gradient of {@code sum_n loss[n]} agrees with
 * central finite differences of the model's own float64 forward (which validates the analytic formula, away from
 * kinks), (2) the library's gradient agrees with the analytic one within {@code GRAD_RTOL} of the magnitude of
 * the terms of each entry's formula (float arithmetic on those terms, with reductions over at most a few
 * thousand of them, stays near 1e-6 of it), (3) the loss written by forwardBackward is forward's, bit for bit,
 * and (4) no input is modified.
 *
 * <p>Conventions checked here (the README's): the gradient of {@code sum_n loss[n]}, the global weight, the
 * broadcast sample weight and the 1/count of the mean included; sign(0) = 0 for L1 and Huber beyond rho;
 * relu'(0) = 0 for the hinge losses and the triplet.
 */
class GradientTest {

  /** Library gradient vs the float64 analytic one, relative to the magnitude of each entry's terms. */
  static final double GRAD_RTOL = 1e-5;
  /**
   * Analytic vs the five-point central difference {@code (-f(x+2h) + 8f(x+h) - 8f(x-h) + f(x-2h)) / 12h} of the
   * float64 forward, h = 1e-3 max(1, |x|): truncation O(h^4) near 1e-12, rounding of a forward summing a few
   * thousand terms near 1e-16 * 1e4 / 1e-3 = 1e-9.
   */
  static final double FD_RTOL = 1e-6;
  static final double FD_STEP = 1e-3;
  /** Entries this close to a kink (in the kink's own variable) are not differenced: the stencil spans 4h. */
  static final double KINK_MARGIN = 2e-2;

  /** A float64 model of one loss call: per-sample losses and the gradient of their sum. */
  interface Model {
    double[] forward(double[] pred);

    /** {gradient, magnitude of the gradient's terms per entry}. */
    double[][] gradient(double[] pred);

    /** Whether entry i is within {@code margin} of a kink (skipped by the finite differences). */
    default boolean nearKink(double[] pred, int i, double margin) {
      return false;
    }

    /** The finite-difference step at pred[i]: FD_STEP relative to the scale on which the loss varies there. */
    default double step(double[] pred, int i) {
      return FD_STEP * Math.max(1, Math.abs(pred[i]));
    }
  }

  static final class Case {
    final String name;
    final LabeledLoss loss;
    final int[] shape;
    final float[] pred;
    final Tensor label;
    final Tensor sampleWeight;
    final Model model;

    Case(String name, LabeledLoss loss, int[] shape, float[] pred, Tensor label, Tensor sampleWeight, Model model) {
      this.name = name;
      this.loss = loss;
      this.shape = shape;
      this.pred = pred;
      this.label = label;
      this.sampleWeight = sampleWeight;
      this.model = model;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  // ---- models ------------------------------------------------------------------------------------------

  /** Elementwise term e(p, z) and its derivative in p; {@code kink} is the distance to the nearest kink. */
  interface Term {
    double value(double p, double z);

    double derivative(double p, double z);

    /**
     * The size of the quantities the derivative's formula adds or subtracts (float rounding is relative to it,
     * not to the result, where the terms cancel); by default the derivative's own size.
     */
    default double magnitude(double p, double z) {
      return Math.abs(derivative(p, z));
    }

    default double kinkDistance(double p, double z) {
      return Double.POSITIVE_INFINITY;
    }

    /** The length over which the term varies at p (log(p) near 0: p itself). */
    default double scale(double p) {
      return Math.max(1, Math.abs(p));
    }
  }

  /** Sample index of flat element i of a row-major tensor with this shape. */
  static int sampleOf(int i, int[] shape, int batchAxis) {
    int inner = Reference.size(Arrays.copyOfRange(shape, batchAxis + 1, shape.length));
    return (i / inner) % shape[batchAxis];
  }

  /** Mean over the non-batch axes of {@code w * e}, times {@code scale}, per sample. */
  static Model pointwise(Term term, float[] label, int[] shape, int batchAxis, double[] w, double scale) {
    int n = Reference.size(shape);
    int samples = shape[batchAxis];
    double perSample = (double) n / samples;
    return new Model() {
      @Override
      public double[] forward(double[] pred) {
        double[] out = new double[samples];
        for (int i = 0; i < n; i++) {
          out[sampleOf(i, shape, batchAxis)] += (w == null ? 1 : w[i]) * term.value(pred[i], label[i]);
        }
        for (int s = 0; s < samples; s++) {
          out[s] *= scale / perSample;
        }
        return out;
      }

      @Override
      public double[][] gradient(double[] pred) {
        double[] g = new double[n];
        double[] mag = new double[n];
        for (int i = 0; i < n; i++) {
          double u = (w == null ? 1 : w[i]) * scale / perSample;
          g[i] = u * term.derivative(pred[i], label[i]);
          mag[i] = Math.abs(u) * (term.magnitude(pred[i], label[i]) + Math.ulp(1f));
        }
        return new double[][] {g, mag};
      }

      @Override
      public boolean nearKink(double[] pred, int i, double margin) {
        return term.kinkDistance(pred[i], label[i]) < margin;
      }

      @Override
      public double step(double[] pred, int i) {
        return FD_STEP * term.scale(pred[i]);
      }
    };
  }

  static double sigmoid(double t) {
    return 1 / (1 + Math.exp(-t));
  }

  static final Term SQUARED = new Term() {
    public double value(double p, double z) {
      return (p - z) * (p - z);
    }

    public double derivative(double p, double z) {
      return 2 * (p - z);
    }

    public double magnitude(double p, double z) {
      return 2 * (Math.abs(p) + Math.abs(z));
    }
  };

  static final Term ABSOLUTE = new Term() {
    public double value(double p, double z) {
      return Math.abs(p - z);
    }

    public double derivative(double p, double z) {
      return Math.signum(p - z);
    }

    public double kinkDistance(double p, double z) {
      return Math.abs(p - z);
    }
  };

  static Term huber(double rho) {
    return new Term() {
      public double value(double p, double z) {
        double d = Math.abs(p - z);
        return d > rho ? d - rho / 2 : d * d / (2 * rho);
      }

      public double derivative(double p, double z) {
        double d = p - z;
        return Math.abs(d) > rho ? Math.signum(d) : d / rho;
      }

      public double magnitude(double p, double z) {
        return 1 + (Math.abs(p) + Math.abs(z)) / rho;
      }

      public double kinkDistance(double p, double z) {
        return Math.abs(Math.abs(p - z) - rho); // the second derivative jumps there
      }
    };
  }

  static Term hinge(double margin, boolean squared) {
    return new Term() {
      public double value(double p, double z) {
        double h = Math.max(0, margin - p * z);
        return squared ? h * h : h;
      }

      public double derivative(double p, double z) {
        double h = margin - p * z;
        if (h <= 0) {
          return 0;
        }
        return squared ? -2 * h * z : -z;
      }

      public double magnitude(double p, double z) {
        return squared ? 2 * (Math.abs(margin) + Math.abs(p * z)) * Math.abs(z) : Math.abs(z);
      }

      public double kinkDistance(double p, double z) {
        return Math.abs(margin - p * z); // squared: the second derivative jumps there
      }
    };
  }

  static final Term LOGISTIC = new Term() {
    public double value(double p, double z) {
      return Math.log1p(Math.exp(-p * z));
    }

    public double derivative(double p, double z) {
      return -z * sigmoid(-p * z);
    }

    public double magnitude(double p, double z) {
      double t = -p * z;
      return Math.abs(z) * sigmoid(t) * (1 + Math.abs(t));
    }
  };

  static final Term BCE_LOGITS = new Term() {
    public double value(double x, double z) {
      return Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
    }

    public double derivative(double x, double z) {
      return sigmoid(x) - z;
    }

    public double magnitude(double x, double z) {
      return sigmoid(x) * (1 + Math.abs(x)) + Math.abs(z);
    }
  };

  static final Term BCE_PROBABILITY = new Term() {
    public double value(double p, double z) {
      return -(Math.log(p + Reference.EPS) * z + Math.log(1 - p + Reference.EPS) * (1 - z));
    }

    public double derivative(double p, double z) {
      return (1 - z) / (1 - p + Reference.EPS) - z / (p + Reference.EPS);
    }

    public double magnitude(double p, double z) {
      return Math.abs(1 - z) / (1 - p + Reference.EPS) + Math.abs(z) / (p + Reference.EPS);
    }

    public double scale(double p) {
      return Math.min(p, 1 - p);
    }
  };

  /**
   * Softmax cross-entropy: one loss element per position (pred's positions across the class axis);
   * {@code dense} holds pred's shape of label weights (a one-hot for sparse labels).
   */
  static Model softmaxCe(double[] dense, int[] shape, int axis, int batchAxis, boolean fromLogits, double[] w,
      double scale) {
    int a = Reference.axis(axis, shape.length);
    int classes = shape[a];
    int inner = Reference.size(Arrays.copyOfRange(shape, a + 1, shape.length));
    int outer = Reference.size(Arrays.copyOfRange(shape, 0, a));
    int[] lossShape = shape.clone();
    lossShape[a] = 1;
    int samples = lossShape[batchAxis];
    double perSample = (double) Reference.size(lossShape) / samples;
    return new Model() {
      double[] logp(double[] pred) {
        return fromLogits ? pred : Reference.logSoftmax(pred, shape, axis);
      }

      @Override
      public double[] forward(double[] pred) {
        double[] lp = logp(pred);
        double[] out = new double[samples];
        for (int o = 0; o < outer; o++) {
          for (int i = 0; i < inner; i++) {
            int pos = o * inner + i;
            double e = 0;
            for (int c = 0; c < classes; c++) {
              int f = (o * classes + c) * inner + i;
              e -= dense[f] * lp[f];
            }
            out[sampleOf(pos, lossShape, batchAxis)] += (w == null ? 1 : w[pos]) * e;
          }
        }
        for (int s = 0; s < samples; s++) {
          out[s] *= scale / perSample;
        }
        return out;
      }

      @Override
      public double[][] gradient(double[] pred) {
        double[] lp = logp(pred);
        double[] g = new double[pred.length];
        double[] mag = new double[pred.length];
        for (int o = 0; o < outer; o++) {
          for (int i = 0; i < inner; i++) {
            int pos = o * inner + i;
            double u = (w == null ? 1 : w[pos]) * scale / perSample;
            double mass = 0;
            for (int c = 0; c < classes; c++) {
              mass += dense[(o * classes + c) * inner + i];
            }
            for (int c = 0; c < classes; c++) {
              int f = (o * classes + c) * inner + i;
              double soft = fromLogits ? 0 : u * mass * Math.exp(lp[f]);
              g[f] = soft - u * dense[f];
              mag[f] = Math.abs(soft) + Math.abs(u * dense[f]) + Math.abs(u) * Math.ulp(1f);
            }
          }
        }
        return new double[][] {g, mag};
      }
    };
  }

  /** KL divergence: elementwise over pred's shape, after a log-softmax over {@code axis} unless fromLogits. */
  static Model klDiv(float[] label, int[] shape, int axis, int batchAxis, boolean fromLogits, double[] w,
      double scale) {
    int n = Reference.size(shape);
    int samples = shape[batchAxis];
    double perSample = (double) n / samples;
    int a = Reference.axis(axis, shape.length);
    int classes = shape[a];
    int inner = Reference.size(Arrays.copyOfRange(shape, a + 1, shape.length));
    int outer = Reference.size(Arrays.copyOfRange(shape, 0, a));
    return new Model() {
      double[] logp(double[] pred) {
        return fromLogits ? pred : Reference.logSoftmax(pred, shape, axis);
      }

      @Override
      public double[] forward(double[] pred) {
        double[] lp = logp(pred);
        double[] out = new double[samples];
        for (int i = 0; i < n; i++) {
          double z = label[i];
          out[sampleOf(i, shape, batchAxis)] += (w == null ? 1 : w[i]) * z * (Math.log(z + Reference.EPS) - lp[i]);
        }
        for (int s = 0; s < samples; s++) {
          out[s] *= scale / perSample;
        }
        return out;
      }

      @Override
      public double[][] gradient(double[] pred) {
        double[] lp = logp(pred);
        double[] g = new double[n];
        double[] mag = new double[n];
        for (int o = 0; o < outer; o++) {
          for (int i = 0; i < inner; i++) {
            double mass = 0;
            double massMag = 0;
            for (int c = 0; c < classes; c++) {
              int f = (o * classes + c) * inner + i;
              double u = (w == null ? 1 : w[f]) * scale / perSample;
              mass += u * label[f];
              massMag += Math.abs(u * label[f]);
            }
            for (int c = 0; c < classes; c++) {
              int f = (o * classes + c) * inner + i;
              double u = (w == null ? 1 : w[f]) * scale / perSample;
              double soft = fromLogits ? 0 : mass * Math.exp(lp[f]);
              g[f] = soft - u * label[f];
              mag[f] = (fromLogits ? 0 : massMag * Math.exp(lp[f])) + Math.abs(u * label[f])
                  + Math.abs(u) * Math.ulp(1f);
            }
          }
        }
        return new double[][] {g, mag};
      }
    };
  }

  // ---- cases -------------------------------------------------------------------------------------------

  static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return a;
  }

  static float[] signs(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextBoolean() ? 1f : -1f;
    }
    return a;
  }

  /** Shapes with their batch axis, and sample-weight shapes that broadcast to them (null: none). */
  static final Object[][] LAYOUTS = {
      {new int[] {3, 37}, 0, new int[][] {null, {}, {3, 1}, {37}, {3, 37}}},
      {new int[] {2, 5, 70}, 1, new int[][] {null, {1}, {5, 1}, {2, 5, 70}}},
      {new int[] {130, 2}, -1, new int[][] {null, {130, 1}, {2}}},
      {new int[] {4, 1030}, 0, new int[][] {null, {4, 1}}},
  };

  interface PointwiseMaker {
    LabeledLoss make(Float weight, int batchAxis);
  }

  static void addPointwise(List<Case> out, String name, PointwiseMaker maker, Term term, double scaleFactor,
      int predKind, int labelKind) {
    for (Object[] layout : LAYOUTS) {
      int[] shape = (int[]) layout[0];
      int batchAxis = (Integer) layout[1];
      int b = Reference.axis(batchAxis, shape.length);
      for (int[] sw : (int[][]) layout[2]) {
        for (Float weight : new Float[] {null, 0.75f}) {
          String caseName = name + " " + Arrays.toString(shape) + " batchAxis=" + batchAxis + " sw="
              + (sw == null ? "none" : Arrays.toString(sw)) + " weight=" + weight;
          SplittableRandom r = new SplittableRandom(caseName.hashCode());
          int n = Reference.size(shape);
          float[] pred = predKind == 1 ? uniform(r, n, 0.02, 0.98) : uniform(r, n, -4, 4);
          float[] label = labelKind == 2 ? signs(r, n) : labelKind == 1 ? uniform(r, n, 0, 1) : uniform(r, n, -3, 3);
          Tensor weights = sw == null ? null : Tensor.of(uniform(r, Reference.size(sw), 0.1, 2), sw);
          LabeledLoss loss = maker.make(weight, batchAxis);
          double scale = Reference.weightOrOne(weight) * scaleFactor;
          Model model = pointwise(term, label, shape, b, Reference.broadcast(weights, shape), scale);
          out.add(new Case(caseName, loss, shape, pred, Tensor.of(label, shape), weights, model));
        }
      }
    }
  }

  static <B extends Loss.Builder<?, B>> B opts(B builder, Float weight, int batchAxis) {
    if (weight != null) {
      builder.weight(weight);
    }
    return builder.batchAxis(batchAxis);
  }

  static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    addPointwise(out, "L2", (w, a) -> opts(L2Loss.builder(), w, a).build(), SQUARED, 0.5, 0, 0);
    addPointwise(out, "L1", (w, a) -> opts(L1Loss.builder(), w, a).build(), ABSOLUTE, 1, 0, 0);
    addPointwise(out, "Huber rho=0.8", (w, a) -> opts(HuberLoss.builder(), w, a).rho(0.8f).build(), huber(0.8f),
        1, 0, 0);
    addPointwise(out, "Hinge", (w, a) -> opts(HingeLoss.builder(), w, a).build(), hinge(1, false), 1, 0, 2);
    addPointwise(out, "SquaredHinge margin=1.5",
        (w, a) -> opts(SquaredHingeLoss.builder(), w, a).margin(1.5f).build(), hinge(1.5, true), 1, 0, 2);
    addPointwise(out, "Logistic", (w, a) -> opts(LogisticLoss.builder(), w, a).build(), LOGISTIC, 1, 0, 2);
    addPointwise(out, "SigmoidBCE", (w, a) -> opts(SigmoidBinaryCrossEntropyLoss.builder(), w, a).build(),
        BCE_LOGITS, 1, 0, 1);
    addPointwise(out, "SigmoidBCE fromSigmoid",
        (w, a) -> opts(SigmoidBinaryCrossEntropyLoss.builder(), w, a).fromSigmoid(true).build(), BCE_PROBABILITY,
        1, 1, 1);
    addSoftmax(out);
    addKl(out);
    return out;
  }

  /** (shape, class axis, batch axis, sample-weight shapes over the loss shape with the class axis 1). */
  static final Object[][] CLASS_LAYOUTS = {
      {new int[] {3, 10}, -1, 0, new int[][] {null, {3, 1}}},
      {new int[] {2, 1030}, -1, 0, new int[][] {null, {}}},
      {new int[] {2, 7, 33}, -1, 0, new int[][] {null, {2, 7, 1}, {7, 1}}},
      {new int[] {2, 17, 9}, 1, 0, new int[][] {null, {2, 1, 9}, {9}}},
      {new int[] {65, 3}, 0, 1, new int[][] {null, {1, 3}}},
      {new int[] {5, 3}, 0, 0, new int[][] {null}},
  };

  static void addSoftmax(List<Case> out) {
    for (Object[] layout : CLASS_LAYOUTS) {
      int[] shape = (int[]) layout[0];
      int axis = (Integer) layout[1];
      int batchAxis = (Integer) layout[2];
      int a = Reference.axis(axis, shape.length);
      int classes = shape[a];
      int inner = Reference.size(Arrays.copyOfRange(shape, a + 1, shape.length));
      int n = Reference.size(shape);
      int[] lossShape = shape.clone();
      lossShape[a] = 1;
      for (int[] sw : (int[][]) layout[3]) {
        for (boolean sparse : new boolean[] {true, false}) {
          for (boolean fromLogits : new boolean[] {false, true}) {
            for (Float weight : new Float[] {null, 1.25f}) {
              String name = "SoftmaxCE " + (sparse ? "sparse" : "dense") + (fromLogits ? " fromLogits" : "") + " "
                  + Arrays.toString(shape) + " axis=" + axis + " batchAxis=" + batchAxis + " sw="
                  + (sw == null ? "none" : Arrays.toString(sw)) + " weight=" + weight;
              SplittableRandom r = new SplittableRandom(name.hashCode());
              float[] pred = fromLogits ? uniform(r, n, -6, -0.1) : uniform(r, n, -5, 5);
              double[] dense = new double[n];
              Tensor label;
              if (sparse) {
                int positions = n / classes;
                float[] idx = new float[positions];
                int[] ls = new int[shape.length - 1];
                for (int i = 0, j = 0; i < shape.length; i++) {
                  if (i != a) {
                    ls[j++] = shape[i];
                  }
                }
                for (int p = 0; p < positions; p++) {
                  idx[p] = r.nextInt(classes);
                  int o = p / inner;
                  int i = p % inner;
                  dense[(o * classes + (int) idx[p]) * inner + i] = 1;
                }
                label = Tensor.of(idx, ls);
              } else {
                float[] z = uniform(r, n, 0, 1);
                for (int i = 0; i < n; i++) {
                  dense[i] = z[i];
                }
                label = Tensor.of(z, shape);
              }
              Tensor weights = sw == null ? null : Tensor.of(uniform(r, Reference.size(sw), 0.1, 2), sw);
              LabeledLoss loss = opts(SoftmaxCrossEntropyLoss.builder(), weight, batchAxis).axis(axis)
                  .sparseLabel(sparse).fromLogits(fromLogits).build();
              Model model = softmaxCe(dense, shape, axis, batchAxis, fromLogits,
                  Reference.broadcast(weights, lossShape), Reference.weightOrOne(weight));
              out.add(new Case(name, loss, shape, pred, label, weights, model));
            }
          }
        }
      }
    }
  }

  static void addKl(List<Case> out) {
    Object[][] layouts = {
        {new int[] {3, 10}, -1, 0, new int[][] {null, {3, 1}, {10}, {3, 10}}},
        {new int[] {2, 1030}, -1, 0, new int[][] {null, {1030}}},
        {new int[] {2, 17, 9}, 1, 0, new int[][] {null, {17, 1}, {2, 17, 9}}},
        {new int[] {65, 3}, 0, 1, new int[][] {null, {65, 1}}},
        {new int[] {3, 700}, 0, 1, new int[][] {null, {3, 700}}},
    };
    for (Object[] layout : layouts) {
      int[] shape = (int[]) layout[0];
      int axis = (Integer) layout[1];
      int batchAxis = (Integer) layout[2];
      int n = Reference.size(shape);
      for (int[] sw : (int[][]) layout[3]) {
        for (boolean fromLogits : new boolean[] {true, false}) {
          for (Float weight : new Float[] {null, 0.5f}) {
            String name = "KLDiv" + (fromLogits ? " fromLogits" : " softmax") + " " + Arrays.toString(shape)
                + " axis=" + axis + " batchAxis=" + batchAxis + " sw=" + (sw == null ? "none" : Arrays.toString(sw))
                + " weight=" + weight;
            SplittableRandom r = new SplittableRandom(name.hashCode());
            float[] pred = fromLogits ? uniform(r, n, -6, -0.1) : uniform(r, n, -5, 5);
            float[] label = uniform(r, n, 0, 1);
            for (int i = 0; i < n; i += 7) {
              label[i] = 0f;
            }
            Tensor weights = sw == null ? null : Tensor.of(uniform(r, Reference.size(sw), 0.1, 2), sw);
            LabeledLoss loss = opts(KLDivLoss.builder(), weight, batchAxis).axis(axis).fromLogits(fromLogits).build();
            Model model = klDiv(label, shape, axis, batchAxis, fromLogits, Reference.broadcast(weights, shape),
                Reference.weightOrOne(weight));
            out.add(new Case(name, loss, shape, pred, Tensor.of(label, shape), weights, model));
          }
        }
      }
    }
  }

  // ---- checks ------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientMatchesFloat64AndFiniteDifferences(Case c) {
    float[] pred0 = c.pred.clone();
    float[] label0 = c.label.data().clone();
    float[] sw0 = c.sampleWeight == null ? null : c.sampleWeight.data().clone();
    Tensor pred = Tensor.of(c.pred, c.shape);
    float[] forward = c.loss.forward(pred, c.label, c.sampleWeight);
    float[] loss = new float[forward.length];
    float[] grad = new float[c.pred.length];
    Arrays.fill(grad, Float.NaN); // every entry must be written
    float[] returned = c.loss.forwardBackward(pred, c.label, c.sampleWeight, loss, grad);
    assertEquals(loss, returned, "returns its loss argument");

    assertArrayEquals(pred0, c.pred, "pred modified");
    assertArrayEquals(label0, c.label.data(), "label modified");
    if (sw0 != null) {
      assertArrayEquals(sw0, c.sampleWeight.data(), "sampleWeight modified");
    }
    for (int n = 0; n < loss.length; n++) {
      assertEquals(Float.floatToRawIntBits(forward[n]), Float.floatToRawIntBits(loss[n]),
          () -> c + ": loss differs from forward's");
    }

    double[] x = Reference.toDouble(c.pred);
    double[][] analytic = c.model.gradient(x);
    // the model's loss is the library's loss (a check that the model is the loss being differentiated)
    double[] modelLoss = c.model.forward(x);
    for (int n = 0; n < loss.length; n++) {
      double tol = 1e-5 * Math.abs(modelLoss[n]) + 1e-6;
      if (Math.abs(loss[n] - modelLoss[n]) > tol) {
        fail(c + ": loss[" + n + "] = " + loss[n] + ", float64 model " + modelLoss[n]);
      }
    }
    for (int i = 0; i < grad.length; i++) {
      double expected = analytic[0][i];
      double tol = GRAD_RTOL * analytic[1][i];
      if (!(Math.abs(grad[i] - expected) <= tol)) {
        fail(c + ": grad[" + i + "] = " + grad[i] + ", float64 analytic " + expected + " (tolerance " + tol + ")");
      }
    }
    // the analytic formula against central differences of the model's forward
    for (int i = 0; i < x.length; i += Math.max(1, x.length / 41)) {
      if (c.model.nearKink(x, i, KINK_MARGIN)) {
        continue;
      }
      double h = c.model.step(x, i);
      double saved = x[i];
      double[] f = new double[4];
      double[] steps = {2 * h, h, -h, -2 * h};
      for (int k = 0; k < 4; k++) {
        x[i] = saved + steps[k];
        f[k] = sum(c.model.forward(x));
      }
      x[i] = saved;
      double fd = (-f[0] + 8 * f[1] - 8 * f[2] + f[3]) / (12 * h);
      double tol = FD_RTOL * (analytic[1][i] + Math.abs(fd)) + 1e-9;
      if (!(Math.abs(fd - analytic[0][i]) <= tol)) {
        fail(c + ": analytic d/dpred[" + i + "] = " + analytic[0][i] + ", central difference " + fd);
      }
    }
  }

  // ---- the triplet loss -------------------------------------------------------------------------------

  @ParameterizedTest(name = "shape={0} batchAxis={1} margin={2} weight={3}")
  @MethodSource("tripletCases")
  void tripletGradientMatchesFloat64AndFiniteDifferences(int[] shape, int batchAxis, float margin, Float weight) {
    SplittableRandom r = new SplittableRandom(Arrays.hashCode(shape) * 31L + batchAxis);
    int n = Reference.size(shape);
    float[][] in = {uniform(r, n, -1, 1), uniform(r, n, -1, 1), uniform(r, n, -1, 1)};
    float[][] saved = {in[0].clone(), in[1].clone(), in[2].clone()};
    TripletLoss loss = opts(TripletLoss.builder(), weight, batchAxis).margin(margin).build();
    Tensor p = Tensor.of(in[0], shape);
    Tensor q = Tensor.of(in[1], shape);
    Tensor s = Tensor.of(in[2], shape);
    float[] forward = loss.forward(p, q, s);
    int b = Reference.axis(batchAxis, shape.length);
    float[] out = new float[shape[b]];
    float[][] grads = {new float[n], new float[n], new float[n]};
    loss.forwardBackward(p, q, s, out, grads[0], grads[1], grads[2]);
    for (int k = 0; k < 3; k++) {
      assertArrayEquals(saved[k], in[k], "input modified");
    }
    assertArrayEquals(forward, out, "loss differs from forward's");

    // float64: S_n = sum (p-q)^2 - (p-r)^2; loss_n = w relu(S_n + margin)
    double w = Reference.weightOrOne(weight);
    double[][] x = {Reference.toDouble(in[0]), Reference.toDouble(in[1]), Reference.toDouble(in[2])};
    double[] sums = tripletSums(x, shape, b);
    boolean anyActive = false;
    for (int i = 0; i < n; i++) {
      double hinge = sums[sampleOf(i, shape, b)] + margin;
      anyActive |= hinge > 0;
      double gate = hinge > 0 ? w : 0;
      double[] expected = {gate * 2 * (x[2][i] - x[1][i]), gate * 2 * (x[1][i] - x[0][i]),
          gate * 2 * (x[0][i] - x[2][i])};
      for (int k = 0; k < 3; k++) {
        double tol = GRAD_RTOL * 2 * Math.abs(w) * (Math.abs(x[0][i]) + Math.abs(x[1][i]) + Math.abs(x[2][i]));
        if (!(Math.abs(grads[k][i] - expected[k]) <= tol)) {
          fail("triplet grad " + k + "[" + i + "] = " + grads[k][i] + ", float64 " + expected[k]);
        }
        // central differences of the float64 loss (the loss is quadratic in each input where the gate is fixed)
        if (Math.abs(hinge) > 1e-2) {
          double h = 1e-4;
          double keep = x[k][i];
          x[k][i] = keep + h;
          double up = tripletTotal(x, shape, b, margin, w);
          x[k][i] = keep - h;
          double down = tripletTotal(x, shape, b, margin, w);
          x[k][i] = keep;
          double fd = (up - down) / (2 * h);
          if (!(Math.abs(fd - expected[k]) <= 1e-6 * (1 + Math.abs(fd)))) {
            fail("triplet analytic " + k + "[" + i + "] = " + expected[k] + ", central difference " + fd);
          }
        }
      }
    }
    if (margin > 1) {
      assertEquals(true, anyActive, "a large margin activates the hinge");
    }
  }

  static Object[][] tripletCases() {
    return new Object[][] {
        {new int[] {3, 40}, 0, 1f, null},
        {new int[] {65, 3}, 1, 0.5f, 1.5f},
        {new int[] {2, 3, 33}, 1, 40f, null},
        {new int[] {4, 1030}, 0, 0f, 2f},
        {new int[] {5, 7}, -1, -100f, null},
        // outer > 1 and blocks of a sample crossing the reduction's 1024-element chunks
        {new int[] {3, 2, 700}, 1, 1f, 0.75f},
        {new int[] {2, 3, 1, 1500}, 2, 1f, null},
    };
  }

  /**
   * The gradients are the documented float expressions, bit for bit: {@code w * 2(r - q)}, {@code w * 2(q - p)},
   * {@code w * 2(p - r)} (float, {@code w * (d + d)}) for an active sample, and {@code 0 * (d + d)} (a signed
   * zero) for an inactive one; the gate from a float64 sum, on samples far from the kink. Shapes with outer
   * dimensions and samples whose blocks cross chunk boundaries.
   */
  @ParameterizedTest(name = "shape={0} batchAxis={1}")
  @MethodSource("tripletCases")
  void tripletGradientIsTheDocumentedFloatExpression(int[] shape, int batchAxis, float margin, Float weight) {
    SplittableRandom r = new SplittableRandom(Arrays.hashCode(shape) * 17L + batchAxis);
    int n = Reference.size(shape);
    float[][] in = {uniform(r, n, -2, 2), uniform(r, n, -1, 1), uniform(r, n, -1, 1)};
    TripletLoss loss = opts(TripletLoss.builder(), weight, batchAxis).margin(margin).build();
    int b = Reference.axis(batchAxis, shape.length);
    float[][] grads = {new float[n], new float[n], new float[n]};
    loss.forwardBackward(Tensor.of(in[0], shape), Tensor.of(in[1], shape), Tensor.of(in[2], shape),
        new float[shape[b]], grads[0], grads[1], grads[2]);
    double[] sums = tripletSums(new double[][] {Reference.toDouble(in[0]), Reference.toDouble(in[1]),
        Reference.toDouble(in[2])}, shape, b);
    float w = weight == null ? 1f : weight;
    int checked = 0;
    for (int i = 0; i < n; i++) {
      double hinge = sums[sampleOf(i, shape, b)] + margin;
      if (Math.abs(hinge) < 1e-3) {
        continue;
      }
      float gate = hinge > 0 ? w : 0f;
      float rq = in[2][i] - in[1][i];
      float qp = in[1][i] - in[0][i];
      float pr = in[0][i] - in[2][i];
      float[] expected = {gate * (rq + rq), gate * (qp + qp), gate * (pr + pr)};
      for (int k = 0; k < 3; k++) {
        if (Float.floatToRawIntBits(grads[k][i]) != Float.floatToRawIntBits(expected[k])) {
          fail("triplet grad " + k + "[" + i + "] = " + grads[k][i] + ", expected " + expected[k]);
        }
      }
      checked++;
    }
    assertEquals(true, checked > n / 2, "most elements checked");
  }

  static double[] tripletSums(double[][] x, int[] shape, int b) {
    double[] sums = new double[shape[b]];
    for (int i = 0; i < x[0].length; i++) {
      double dq = x[0][i] - x[1][i];
      double dr = x[0][i] - x[2][i];
      sums[sampleOf(i, shape, b)] += dq * dq - dr * dr;
    }
    return sums;
  }

  static double tripletTotal(double[][] x, int[] shape, int b, double margin, double w) {
    double total = 0;
    for (double s : tripletSums(x, shape, b)) {
      total += w * Math.max(s + margin, 0);
    }
    return total;
  }

  // ---- kinks, by hand ------------------------------------------------------------------------------------

  @org.junit.jupiter.api.Test
  void subgradientsAtTheKinksArePyTorchs() {
    float[] loss = new float[1];
    float[] grad = new float[4];
    // L1 at pred == label: sign(0) = 0; elsewhere sign/count = +-1/4
    new L1Loss().forwardBackward(Tensor.of(new float[] {1, 2, 3, -1}, 1, 4), Tensor.of(new float[] {1, 1, 4, -1}, 1, 4),
        null, loss, grad);
    assertArrayEquals(new float[] {0f, 0.25f, -0.25f, 0f}, grad);
    // Hinge at margin - pred*label == 0 (relu'(0) = 0), active (-label/count), inactive (0)
    new HingeLoss().forwardBackward(Tensor.of(new float[] {1, 0.5f, 2, -0.5f}, 1, 4),
        Tensor.of(new float[] {1, 1, 1, -1}, 1, 4), null, loss, grad);
    assertArrayEquals(new float[] {0f, -0.25f, 0f, 0.25f}, grad);
    // Huber rho = 1 at |d| == rho: d/rho = sign(d) = 1; inside: d/rho; beyond: sign
    new HuberLoss().forwardBackward(Tensor.of(new float[] {1, 0.5f, 3, -2}, 1, 4),
        Tensor.of(new float[] {0, 0, 0, 0}, 1, 4), null, loss, grad);
    assertArrayEquals(new float[] {0.25f, 0.125f, 0.25f, -0.25f}, grad);
    // SquaredHinge at the kink: 2h = 0
    new SquaredHingeLoss().forwardBackward(Tensor.of(new float[] {1, 0, 3, -1}, 1, 4),
        Tensor.of(new float[] {1, 1, 1, 1}, 1, 4), null, loss, grad);
    assertArrayEquals(new float[] {-0f, -0.5f, -0f, -1f}, grad);
    // Triplet exactly at the hinge (sum + margin == 0): 0
    float[][] g = {new float[2], new float[2], new float[2]};
    TripletLoss t = TripletLoss.builder().margin(0f).build();
    t.forwardBackward(Tensor.of(new float[] {1, 1}, 1, 2), Tensor.of(new float[] {0, 0}, 1, 2),
        Tensor.of(new float[] {0, 0}, 1, 2), new float[1], g[0], g[1], g[2]);
    assertArrayEquals(new float[] {0f, 0f}, g[0]);
  }

  /**
   * L2's gradient is {@code (up + up) * (pred - label)}, with up = weight / (2 * count) (times the sample weight):
   * finite wherever the true gradient is, also where {@code 2 * (pred - label)} overflows float (|pred - label| >
   * 1.7e38). The old {@code up * (diff + diff)} gave +-inf there (session 14). Expected: {@code weight * diff / count} in double.
   * 80 elements per sample, so the fused vector loop (64 and more), its 16-element chunk and the scalar tail all
   * see such differences; the contiguous sample weight takes the unfused map-with-gradient kernels instead.
   */
  @org.junit.jupiter.api.Test
  void l2GradientIsFiniteWhereTwiceTheDifferenceOverflows() {
    int n = 83;
    float[] pred = new float[n];
    float[] label = new float[n];
    float[] ones = new float[n];
    for (int i = 0; i < n; i++) {
      pred[i] = (i % 3 == 0 ? 2e38f : i % 3 == 1 ? -3e38f : 0.5f * i);
      label[i] = (i % 3 == 2 ? 1f : i % 3 == 0 ? -1e38f : 0f);
      ones[i] = 1f;
    }
    float weight = 0.75f;
    LabeledLoss l2 = L2Loss.builder().weight(weight).build();
    for (Tensor sampleWeight : new Tensor[] {null, Tensor.of(ones, 1, n)}) {
      float[] grad = new float[n];
      l2.forwardBackward(Tensor.of(pred, 1, n), Tensor.of(label, 1, n), sampleWeight, new float[1], grad);
      for (int i = 0; i < n; i++) {
        double diff = pred[i] - label[i]; // the loss's float difference: 3e38 and -3e38 are finite
        double expected = weight * diff / n;
        String at = (sampleWeight == null ? "no sample weight" : "sample weight") + ", element " + i;
        assertEquals(expected, grad[i], Math.abs(expected) * 1e-6, at);
      }
    }
  }

  /**
   * Weights of either sign and zero, and SigmoidBCE from probabilities at p = 0 and 1, where the 1e-12 guards
   * decide the gradient: derived by hand. The generated cases draw weights from [0.1, 2] and p from [0.02, 0.98]
   * (a gap found by a review in session 10). Zeros are compared by value (delta 0): their sign follows the
   * product's operands.
   */
  @org.junit.jupiter.api.Test
  void weightsOfEitherSignAndTheFromSigmoidGuards() {
    float[] loss = new float[1];
    float[] grad = new float[4];
    // L2, weight -1.5, one sample of 4: d = (1, -2, 0.5, 3), sample weight (2, -1, 0, 0.5);
    // loss = mean((-1.5 / 2) d^2 sw) = -0.75 (2 - 4 + 0 + 4.5) / 4, grad = -1.5 d sw / 4
    L2Loss.builder().weight(-1.5f).build().forwardBackward(Tensor.of(new float[] {1, -2, 0.5f, 3}, 1, 4),
        Tensor.of(new float[4], 1, 4), Tensor.of(new float[] {2, -1, 0, 0.5f}, 1, 4), loss, grad);
    assertEquals(-0.46875f, loss[0], 0f);
    assertArrayEquals(new float[] {-0.75f, -0.75f, 0f, -0.5625f}, grad, 0f);
    // SigmoidBCE from probabilities, p = (0, 0, 1, 1), z = (0, 1, 0, 1), u = 1/4:
    // (1 - z) / (1 - p + 1e-12) - z / (p + 1e-12) = 1, -1e12, 1e12, -1; the loss -log(1e-12) where p and z disagree
    SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(true).build().forwardBackward(
        Tensor.of(new float[] {0, 0, 1, 1}, 1, 4), Tensor.of(new float[] {0, 1, 0, 1}, 1, 4), null, loss, grad);
    double tiny = 1e-12f; // the guard is a float: 9.99999996e-13
    assertEquals(2 * -Math.log(tiny) / 4, loss[0], 1e-5);
    double[] expected = {0.25, -0.25 / tiny, 0.25 / tiny, -0.25};
    for (int i = 0; i < 4; i++) {
      assertEquals(expected[i], grad[i], Math.abs(expected[i]) * 1e-6, "element " + i);
    }
    // SoftmaxCE, pred (2, 3) of zeros, labels (0, 2), sample weight (2, 1) = (-1, 0): row 0 is
    // -(softmax - onehot) = (2/3, -1/3, -1/3), row 1 is 0; the losses -log 3 and 0
    float[] two = new float[2];
    float[] g6 = new float[6];
    new SoftmaxCrossEntropyLoss().forwardBackward(Tensor.of(new float[6], 2, 3), Tensor.of(new float[] {0, 2}, 2),
        Tensor.of(new float[] {-1, 0}, 2, 1), two, g6);
    assertEquals(-Math.log(3), two[0], 1e-6);
    assertEquals(0f, two[1], 0f);
    double[] soft = {2.0 / 3, -1.0 / 3, -1.0 / 3, 0, 0, 0};
    for (int i = 0; i < 6; i++) {
      assertEquals(soft[i], g6[i], 1e-7, "element " + i);
    }
  }

  @org.junit.jupiter.api.Test
  void nanGivesNanGradientOnlyWhereItIs() {
    float[] grad = new float[6];
    float[] loss = new float[2];
    new HingeLoss().forwardBackward(Tensor.of(new float[] {Float.NaN, 0.5f, 2, 0.5f, 0.5f, 0.5f}, 2, 3),
        Tensor.of(new float[] {1, 1, 1, 1, 1, 1}, 2, 3), null, loss, grad);
    org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(grad[0]) && Float.isNaN(loss[0]));
    assertArrayEquals(new float[] {-1f / 3, 0f, -1f / 3, -1f / 3, -1f / 3}, Arrays.copyOfRange(grad, 1, 6));
    new SoftmaxCrossEntropyLoss().forwardBackward(Tensor.of(new float[] {Float.NaN, 0, 0, 0, 0, 0}, 2, 3),
        Tensor.of(new float[] {0, 1}, 2), null, loss, grad);
    for (int i = 0; i < 3; i++) {
      org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(grad[i]), "the NaN row");
    }
    // the other row: softmax(0,0,0) - onehot(1) = (1/3, -2/3, 1/3)
    double third = 1.0 / 3;
    double[] expected = {third, third - 1, third};
    for (int i = 0; i < 3; i++) {
      assertEquals(expected[i], grad[3 + i], 1e-7);
    }
  }

  /**
   * softmax(x + c) = softmax(x): the gradients of the softmax losses do not see the size of the logits. The
   * logits x + c are rounded at the size of c, so the reference is the float64 gradient at the logits actually
   * passed (minus c, exactly, in double).
   */
  @org.junit.jupiter.api.Test
  void softmaxGradientsAreShiftInvariantAtLargeLogits() {
    SplittableRandom r = new SplittableRandom(9);
    int[] shape = {2, 50};
    float[] x = uniform(r, 100, -4, 4);
    float[] z = uniform(r, 100, 0, 1);
    double[] onehot = new double[100];
    onehot[3] = 1;
    onehot[50 + 41] = 1;
    for (int kind = 0; kind < 3; kind++) {
      LabeledLoss loss = kind == 0 ? new SoftmaxCrossEntropyLoss()
          : kind == 1 ? SoftmaxCrossEntropyLoss.builder().sparseLabel(false).build()
          : KLDivLoss.builder().fromLogits(false).build();
      Tensor label = kind == 0 ? Tensor.of(new float[] {3, 41}, 2) : Tensor.of(z, shape);
      Model model = kind == 2 ? klDiv(z, shape, -1, 0, false, null, 1)
          : softmaxCe(kind == 0 ? onehot : Reference.toDouble(z), shape, -1, 0, false, null, 1);
      for (float c : new float[] {0f, 1e4f, -3e4f, 1e6f}) {
        float[] shifted = new float[100];
        double[] used = new double[100];
        for (int i = 0; i < 100; i++) {
          shifted[i] = x[i] + c;
          used[i] = (double) shifted[i] - c; // exact
        }
        float[] grad = new float[100];
        loss.forwardBackward(Tensor.of(shifted, shape), label, null, new float[2], grad);
        double[][] expected = model.gradient(used);
        for (int i = 0; i < 100; i++) {
          double tol = GRAD_RTOL * expected[1][i];
          if (!(Math.abs(grad[i] - expected[0][i]) <= tol)) {
            fail(loss + " shift " + c + ": grad[" + i + "] = " + grad[i] + ", float64 " + expected[0][i]);
          }
        }
      }
    }
  }

  // ---- bad calls -----------------------------------------------------------------------------------------

  @org.junit.jupiter.api.Test
  void badGradientArgumentsAreRejectedBeforeAnythingIsWritten() {
    L2Loss l2 = new L2Loss();
    float[] data = {1, 2, 3, 4};
    Tensor pred = Tensor.of(data, 2, 2);
    Tensor label = Tensor.of(new float[4], 2, 2);
    float[] loss = {7, 7};
    expectIllegal("grad", () -> l2.forwardBackward(pred, label, null, loss, new float[3]));
    expectIllegal("grad", () -> l2.forwardBackward(pred, label, null, loss, null));
    expectIllegal("grad", () -> l2.forwardBackward(pred, label, null, loss, data));
    expectIllegal("grad", () -> l2.forwardBackward(pred, label, null, loss, label.data()));
    expectIllegal("loss", () -> l2.forwardBackward(pred, label, null, new float[3], new float[4]));
    float[] four = new float[4];
    expectIllegal("grad", () -> L2Loss.builder().batchAxis(1).build()
        .forwardBackward(Tensor.of(new float[4], 1, 4), Tensor.of(new float[4], 1, 4), null, four, four));
    float[] grad = {5, 5, 5, 5};
    expectIllegal("sampleWeight", () -> l2.forwardBackward(pred, label, Tensor.of(new float[3], 3), loss, grad));
    expectIllegal("label", () -> new SoftmaxCrossEntropyLoss().forwardBackward(pred, Tensor.of(new float[] {0, 2}, 2),
        null, loss, grad));
    assertArrayEquals(new float[] {7, 7}, loss, "loss written before the error");
    assertArrayEquals(new float[] {5, 5, 5, 5}, grad, "grad written before the error");
    TripletLoss t = new TripletLoss();
    float[] g1 = new float[4];
    expectIllegal("gradPositive", () -> t.forwardBackward(pred, label, label, loss, g1, new float[2], new float[4]));
    expectIllegal("gradNegative", () -> t.forwardBackward(pred, label, label, loss, g1, new float[4], data));
    expectIllegal("gradPositive", () -> t.forwardBackward(pred, label, label, loss, g1, g1, new float[4]));
    expectIllegal("gradNegative", () -> t.forwardBackward(pred, label, label, loss, g1, new float[4], g1));
  }

  static void expectIllegal(String argument, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, call);
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(argument + ":"),
        () -> "message should start with " + argument + ": " + e.getMessage());
  }

  static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s;
  }
}
