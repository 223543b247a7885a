package io.simdloss;

import java.util.Arrays;

/**
 * A float64 reference implementation of Gluon's losses, written from {@code mxnet.gluon.loss} (see
 * /work/shared/seed/gluon-loss-reference.txt) and independent of the code under test: it never calls a kernel,
 * a workspace or any main helper beyond reading a {@link Tensor}'s public shape and data.
 *
 * <p>Every loss is computed the way Gluon's {@code hybrid_forward} does:
 * <ol>
 *   <li>an elementwise loss tensor in double (label reshaped like pred where Gluon uses {@code _reshape_like});
 *   <li>{@code _apply_weighting}: multiplied by the sample weight broadcast numpy-style to the loss's shape,
 *       then by the global weight (L2: {@code weight / 2}, default weight 1; others: None = 1);
 *   <li>{@code F.mean(loss, axis=batch_axis, exclude=True)}: the mean over every axis but the batch axis
 *       (TripletLoss: {@code F.sum} before the relu and the weighting).
 * </ol>
 *
 * <p>Besides the value, each sample gets a magnitude {@code m}: the same reduction (mean, or Triplet's sum) of
 * {@code |global weight * sample weight| * mag(element)}, where {@code mag(element)} is the absolute size of
 * the quantities that the element's formula adds or subtracts (e.g. {@code |x_k| + |logsumexp|} for a picked
 * log-softmax, {@code (p-q)^2 + (p-r)^2} for a triplet term). Float32 arithmetic carries errors relative to
 * that size, not to the possibly much smaller result of a cancellation, so tests measure their error against
 * {@code max(|ref|, m)}.
 */
final class Reference {
  private Reference() {}

  /** Gluon's guard inside {@code log(x + 1e-12)}. */
  static final double EPS = 1e-12;

  /** One value per sample, and the magnitude of what was summed to get it. */
  static final class Result {
    final double[] value;
    final double[] magnitude;

    Result(double[] value, double[] magnitude) {
      this.value = value;
      this.magnitude = magnitude;
    }

    @Override
    public String toString() {
      return "ref" + Arrays.toString(value);
    }
  }

  // ---- shapes ---------------------------------------------------------------------------------------------

  static int size(int[] shape) {
    int s = 1;
    for (int d : shape) {
      s *= d;
    }
    return s;
  }

  static int axis(int axis, int rank) {
    if (axis < -rank || axis >= rank) {
      throw new AssertionError("test bug: axis " + axis + " for rank " + rank);
    }
    return axis < 0 ? axis + rank : axis;
  }

  static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int st = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = st;
      st *= shape[i];
    }
    return s;
  }

  static double[] toDouble(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    return d;
  }

  /**
   * numpy broadcasting of a sample weight to {@code lossShape}: the weight's dimensions are aligned at the
   * right, each 1 (repeated) or equal. Returns one weight per element of the loss (row-major), or null for
   * no sample weight.
   */
  static double[] broadcast(Tensor sampleWeight, int[] lossShape) {
    if (sampleWeight == null) {
      return null;
    }
    int[] ws = sampleWeight.shape();
    float[] w = sampleWeight.data();
    int rank = lossShape.length;
    int offset = rank - ws.length;
    if (offset < 0) {
      throw new AssertionError("test bug: weight " + Arrays.toString(ws) + " vs " + Arrays.toString(lossShape));
    }
    int[] wStrides = strides(ws);
    int n = size(lossShape);
    double[] out = new double[n];
    int[] idx = new int[rank];
    for (int i = 0; i < n; i++) {
      int wi = 0;
      for (int a = 0; a < ws.length; a++) {
        int la = a + offset;
        if (ws[a] != 1) {
          if (ws[a] != lossShape[la]) {
            throw new AssertionError("test bug: weight " + Arrays.toString(ws) + " does not broadcast to "
                + Arrays.toString(lossShape));
          }
          wi += idx[la] * wStrides[a];
        }
      }
      out[i] = w[wi];
      // increment the row-major index
      for (int a = rank - 1; a >= 0; a--) {
        if (++idx[a] < lossShape[a]) {
          break;
        }
        idx[a] = 0;
      }
    }
    return out;
  }

  /**
   * {@code _apply_weighting} then the mean (or sum) over every axis except {@code batchAxis}.
   *
   * @param term the elementwise loss, row-major over {@code lossShape}
   * @param mag the magnitude of each element (see the class comment)
   */
  static Result reduce(double[] term, double[] mag, int[] lossShape, int batchAxis, double[] sampleWeight,
      double scale, boolean mean) {
    int b = axis(batchAxis, lossShape.length);
    int samples = lossShape[b];
    int stride = strides(lossShape)[b];
    double[] sum = new double[samples];
    double[] msum = new double[samples];
    for (int i = 0; i < term.length; i++) {
      int n = (i / stride) % samples;
      double sw = sampleWeight == null ? 1d : sampleWeight[i];
      sum[n] += term[i] * sw * scale;
      msum[n] += Math.abs(mag[i] * sw * scale);
    }
    if (mean) {
      int count = samples == 0 ? 0 : term.length / samples;
      for (int n = 0; n < samples; n++) {
        sum[n] /= count;
        msum[n] /= count;
      }
    }
    return new Result(sum, msum);
  }

  static double weightOrOne(Float weight) {
    return weight == null ? 1d : weight;
  }

  /** log_softmax over {@code axis} of a row-major tensor, in double, max-shifted. */
  static double[] logSoftmax(double[] x, int[] shape, int axis) {
    int a = axis(axis, shape.length);
    int classes = shape[a];
    int inner = size(Arrays.copyOfRange(shape, a + 1, shape.length));
    int outer = size(Arrays.copyOfRange(shape, 0, a));
    double[] out = new double[x.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double lse = logSumExp(x, o * classes * inner + i, classes, inner);
        for (int c = 0; c < classes; c++) {
          int f = (o * classes + c) * inner + i;
          out[f] = x[f] - lse;
        }
      }
    }
    return out;
  }

  /** log(sum_c exp(x[start + c*stride])), max-shifted, in double. */
  static double logSumExp(double[] x, int start, int count, int stride) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < count; c++) {
      max = Math.max(max, x[start + c * stride]);
    }
    double s = 0;
    for (int c = 0; c < count; c++) {
      s += Math.exp(x[start + c * stride] - max);
    }
    return max + Math.log(s);
  }

  // ---- elementwise formulas, literally Gluon's --------------------------------------------------------

  /** {@code F.square(pred - label)}. */
  static double squared(double p, double l) {
    double d = p - l;
    return d * d;
  }

  /** {@code F.abs(pred - label)}. */
  static double absolute(double p, double l) {
    return Math.abs(p - l);
  }

  /** Gluon's SigmoidBCE with logits: the literal log-sum-exp form. */
  static double bceLogits(double pred, double label) {
    double maxVal = Math.max(-pred, 0d); // F.relu(-pred)
    return pred - pred * label + maxVal + Math.log(Math.exp(-maxVal) + Math.exp(-pred - maxVal));
  }

  static double bceLogitsMagnitude(double pred, double label) {
    return Math.max(pred, 0d) + Math.abs(pred * label) + Math.log1p(Math.exp(-Math.abs(pred)));
  }

  /** Gluon's SigmoidBCE from probabilities. */
  static double bceProbability(double pred, double label) {
    return -(Math.log(pred + EPS) * label + Math.log(1. - pred + EPS) * (1. - label));
  }

  /**
   * Each log's argument ({@code pred + 1e-12}, {@code 1 - pred + 1e-12}) is rounded relative to its own size in
   * float, which shifts the log by about 2^-24 absolutely: hence the {@code + 1} beside each |log|.
   */
  static double bceProbabilityMagnitude(double pred, double label) {
    return Math.abs(label) * (Math.abs(Math.log(pred + EPS)) + 1.)
        + Math.abs(1. - label) * (Math.abs(Math.log(1. - pred + EPS)) + 1.);
  }

  /** Gluon's Huber: {@code where(|d| > rho, |d| - 0.5 rho, (0.5/rho) d^2)}. */
  static double huber(double p, double l, double rho) {
    double d = Math.abs(p - l);
    return d > rho ? d - 0.5 * rho : (0.5 / rho) * d * d;
  }

  /** {@code F.relu(margin - pred * label)}. */
  static double hinge(double p, double l, double margin) {
    return Math.max(margin - p * l, 0d);
  }

  static double hingeMagnitude(double p, double l, double margin) {
    return Math.abs(margin) + Math.abs(p * l);
  }

  /** {@code F.log(1.0 + F.exp(-pred * label))}. */
  static double logistic(double p, double l) {
    return Math.log(1.0 + Math.exp(-p * l));
  }

  // ---- losses ---------------------------------------------------------------------------------------------

  /** The elementwise kinds sharing Gluon's pointwise pattern (reshape_like, weighting, mean). */
  enum Pointwise {
    L2, L1, BCE_LOGITS, BCE_PROBABILITY, HUBER, HINGE, SQUARED_HINGE, LOGISTIC
  }

  /**
   * A pointwise loss: {@code param} is rho for Huber, the margin for the hinges, unused otherwise. For L2 the
   * scale is {@code weight / 2}; pass the weight (default 1) as Gluon's L2Loss has it.
   */
  static Result pointwise(Pointwise kind, Tensor pred, Tensor label, Tensor sampleWeight, double param,
      Float weight, int batchAxis) {
    int[] shape = pred.shape();
    float[] p = pred.data();
    float[] l = label.data(); // _reshape_like: the same flat order
    if (p.length != l.length) {
      throw new AssertionError("test bug: sizes");
    }
    double[] term = new double[p.length];
    double[] mag = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      double x = p[i];
      double z = l[i];
      double v;
      double m;
      switch (kind) {
        case L2:
          v = squared(x, z);
          m = v;
          break;
        case L1:
          v = absolute(x, z);
          m = v;
          break;
        case BCE_LOGITS:
          v = bceLogits(x, z);
          m = bceLogitsMagnitude(x, z);
          break;
        case BCE_PROBABILITY:
          v = bceProbability(x, z);
          m = bceProbabilityMagnitude(x, z);
          break;
        case HUBER:
          v = huber(x, z, param);
          m = v;
          break;
        case HINGE:
          v = hinge(x, z, param);
          m = hingeMagnitude(x, z, param);
          break;
        case SQUARED_HINGE: {
          double h = hinge(x, z, param);
          v = h * h;
          double hm = hingeMagnitude(x, z, param);
          m = hm * hm;
          break;
        }
        case LOGISTIC:
          v = logistic(x, z);
          m = v;
          break;
        default:
          throw new AssertionError(kind);
      }
      term[i] = v;
      mag[i] = m;
    }
    double scale = kind == Pointwise.L2 ? weightOrOne(weight) / 2 : weightOrOne(weight);
    return reduce(term, mag, shape, batchAxis, broadcast(sampleWeight, shape), scale, true);
  }

  /**
   * SoftmaxCrossEntropyLoss: {@code pred = log_softmax(pred, axis)} unless fromLogits; sparse: {@code
   * -pick(pred, label, axis, keepdims=True)}, dense: {@code -sum(pred * label, axis, keepdims=True)}; the loss
   * keeps the class axis with size 1, the sample weight broadcasts against that shape, then the mean.
   */
  static Result softmaxCrossEntropy(Tensor pred, Tensor label, Tensor sampleWeight, int axis, boolean sparse,
      boolean fromLogits, Float weight, int batchAxis) {
    int[] shape = pred.shape();
    int a = axis(axis, shape.length);
    double[] x = toDouble(pred.data());
    double[] logp = fromLogits ? x : logSoftmax(x, shape, a);
    int classes = shape[a];
    int inner = size(Arrays.copyOfRange(shape, a + 1, shape.length));
    int outer = size(Arrays.copyOfRange(shape, 0, a));
    int[] lossShape = shape.clone();
    lossShape[a] = 1;
    double[] term = new double[outer * inner];
    double[] mag = new double[outer * inner];
    float[] l = label.data();
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int pos = o * inner + i;
        double lse = fromLogits ? 0 : logSumExp(x, o * classes * inner + i, classes, inner);
        if (sparse) {
          double k = l[pos];
          if (k != Math.floor(k) || k < 0 || k >= classes) {
            throw new AssertionError("test bug: class " + k);
          }
          int f = (o * classes + (int) k) * inner + i;
          term[pos] = -logp[f];
          mag[pos] = Math.abs(x[f]) + Math.abs(lse);
        } else {
          double s = 0;
          double m = 0;
          for (int c = 0; c < classes; c++) {
            int f = (o * classes + c) * inner + i;
            s += logp[f] * l[f];
            m += Math.abs(l[f]) * (Math.abs(x[f]) + Math.abs(lse));
          }
          term[pos] = -s;
          mag[pos] = m;
        }
      }
    }
    return reduce(term, mag, lossShape, batchAxis, broadcast(sampleWeight, lossShape), weightOrOne(weight), true);
  }

  /** KLDivLoss: {@code label * (log(label + 1e-12) - p)}, p = pred, or log_softmax(pred, axis). */
  static Result klDivergence(Tensor pred, Tensor label, Tensor sampleWeight, boolean fromLogits, int axis,
      Float weight, int batchAxis) {
    int[] shape = pred.shape();
    double[] x = toDouble(pred.data());
    double[] p = fromLogits ? x : logSoftmax(x, shape, axis);
    float[] l = label.data();
    double[] term = new double[x.length];
    double[] mag = new double[x.length];
    for (int f = 0; f < x.length; f++) {
      double z = l[f];
      double logz = Math.log(z + EPS);
      term[f] = z * (logz - p[f]);
      // p = x - lse: the float computation subtracts x and lse separately
      mag[f] = Math.abs(z) * (Math.abs(logz) + Math.abs(x[f]) + Math.abs(x[f] - p[f]));
    }
    return reduce(term, mag, shape, batchAxis, broadcast(sampleWeight, shape), weightOrOne(weight), true);
  }

  /**
   * TripletLoss: {@code relu(sum(square(pred-positive) - square(pred-negative), exclude batch) + margin)} times
   * the weight. The magnitude is {@code |w| (sum((p-q)^2 + (p-r)^2) + |margin|)}.
   */
  static Result triplet(Tensor pred, Tensor positive, Tensor negative, double margin, Float weight,
      int batchAxis) {
    int[] shape = pred.shape();
    float[] p = pred.data();
    float[] q = positive.data();
    float[] r = negative.data();
    double[] term = new double[p.length];
    double[] mag = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      double a = squared(p[i], q[i]);
      double b = squared(p[i], r[i]);
      term[i] = a - b;
      mag[i] = a + b;
    }
    Result sums = reduce(term, mag, shape, batchAxis, null, 1d, false);
    double w = weightOrOne(weight);
    double[] v = new double[sums.value.length];
    double[] m = new double[v.length];
    for (int n = 0; n < v.length; n++) {
      v[n] = Math.max(sums.value[n] + margin, 0d) * w;
      m[n] = Math.abs(w) * (sums.magnitude[n] + Math.abs(margin));
    }
    return new Result(v, m);
  }
}
