package io.simdloss.jmh;

/**
 * The losses as a user would write them by hand: one straightforward loop per sample, Math.exp / Math.log,
 * one accumulator, no tricks. The baseline of {@link PlainJava}, and the reference the library's outputs are
 * checked against before timing ({@link Checks}).
 */
public final class Plain {
  private Plain() {}

  public static float[] l2(float[] p, float[] y, int rows, int cols, float[] out) {
    for (int n = 0; n < rows; n++) {
      float s = 0;
      for (int i = n * cols; i < (n + 1) * cols; i++) {
        float d = p[i] - y[i];
        s += d * d;
      }
      out[n] = s / cols / 2;
    }
    return out;
  }

  public static float[] l1(float[] p, float[] y, int rows, int cols, float[] out) {
    for (int n = 0; n < rows; n++) {
      float s = 0;
      for (int i = n * cols; i < (n + 1) * cols; i++) {
        s += Math.abs(p[i] - y[i]);
      }
      out[n] = s / cols;
    }
    return out;
  }

  /** rho = 1. */
  public static float[] huber(float[] p, float[] y, int rows, int cols, float[] out) {
    for (int n = 0; n < rows; n++) {
      float s = 0;
      for (int i = n * cols; i < (n + 1) * cols; i++) {
        float d = Math.abs(p[i] - y[i]);
        s += d > 1f ? d - 0.5f : 0.5f * d * d;
      }
      out[n] = s / cols;
    }
    return out;
  }

  /** margin = 1. */
  public static float[] hinge(float[] p, float[] y, int rows, int cols, float[] out) {
    for (int n = 0; n < rows; n++) {
      float s = 0;
      for (int i = n * cols; i < (n + 1) * cols; i++) {
        s += Math.max(0f, 1f - p[i] * y[i]);
      }
      out[n] = s / cols;
    }
    return out;
  }

  /** margin = 1. */
  public static float[] squaredHinge(float[] p, float[] y, int rows, int cols, float[] out) {
    for (int n = 0; n < rows; n++) {
      float s = 0;
      for (int i = n * cols; i < (n + 1) * cols; i++) {
        float h = Math.max(0f, 1f - p[i] * y[i]);
        s += h * h;
      }
      out[n] = s / cols;
    }
    return out;
  }

  public static float[] logistic(float[] p, float[] y, int rows, int cols, float[] out) {
    for (int n = 0; n < rows; n++) {
      float s = 0;
      for (int i = n * cols; i < (n + 1) * cols; i++) {
        s += (float) Math.log1p(Math.exp(-p[i] * y[i]));
      }
      out[n] = s / cols;
    }
    return out;
  }

  public static float[] sigmoidBce(float[] p, float[] z, int rows, int cols, float[] out) {
    for (int n = 0; n < rows; n++) {
      float s = 0;
      for (int i = n * cols; i < (n + 1) * cols; i++) {
        float x = p[i];
        s += Math.max(x, 0) - x * z[i] + (float) Math.log1p(Math.exp(-Math.abs(x)));
      }
      out[n] = s / cols;
    }
    return out;
  }

  /** Sparse labels: log-sum-exp of the row minus the labelled score. */
  public static float[] softmaxCe(float[] x, float[] label, int rows, int cols, float[] out) {
    for (int n = 0; n < rows; n++) {
      int base = n * cols;
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < cols; c++) {
        max = Math.max(max, x[base + c]);
      }
      float s = 0;
      for (int c = 0; c < cols; c++) {
        s += (float) Math.exp(x[base + c] - max);
      }
      out[n] = (float) Math.log(s) + max - x[base + (int) label[n]];
    }
    return out;
  }

  /** fromLogits = true: pred holds log probabilities. */
  public static float[] klDiv(float[] p, float[] y, int rows, int cols, float[] out) {
    for (int n = 0; n < rows; n++) {
      float s = 0;
      for (int i = n * cols; i < (n + 1) * cols; i++) {
        s += y[i] * ((float) Math.log(y[i] + 1e-12f) - p[i]);
      }
      out[n] = s / cols;
    }
    return out;
  }

  /** fromLogits = false: log_softmax of pred first. */
  public static float[] klDivSoftmax(float[] x, float[] y, int rows, int cols, float[] out) {
    for (int n = 0; n < rows; n++) {
      int base = n * cols;
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < cols; c++) {
        max = Math.max(max, x[base + c]);
      }
      float e = 0;
      for (int c = 0; c < cols; c++) {
        e += (float) Math.exp(x[base + c] - max);
      }
      float lse = (float) Math.log(e) + max;
      float s = 0;
      for (int c = 0; c < cols; c++) {
        float yi = y[base + c];
        s += yi * ((float) Math.log(yi + 1e-12f) - (x[base + c] - lse));
      }
      out[n] = s / cols;
    }
    return out;
  }

  /** margin = 1: summed over the non-batch axes, then max(sum + margin, 0). */
  public static float[] triplet(float[] p, float[] pos, float[] neg, int rows, int cols, float[] out) {
    for (int n = 0; n < rows; n++) {
      float s = 0;
      for (int i = n * cols; i < (n + 1) * cols; i++) {
        float a = p[i] - pos[i];
        float b = p[i] - neg[i];
        s += a * a - b * b;
      }
      out[n] = Math.max(s + 1f, 0f);
    }
    return out;
  }

  /**
   * CTC, NTC layout, full-length labels, blank = C-1: the textbook alpha recursion in log space, in double,
   * over a log-softmax of each frame (Math.exp / Math.log).
   */
  public static float[] ctc(float[] x, float[] label, int batch, int frames, int classes, int len, double[] lse,
      double[] alpha, double[] next, float[] out) {
    int blank = classes - 1;
    int states = 2 * len + 1;
    for (int n = 0; n < batch; n++) {
      for (int t = 0; t < frames; t++) {
        int base = (n * frames + t) * classes;
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          max = Math.max(max, x[base + c]);
        }
        double s = 0;
        for (int c = 0; c < classes; c++) {
          s += Math.exp(x[base + c] - max);
        }
        lse[t] = Math.log(s) + max;
      }
      java.util.Arrays.fill(alpha, 0, states, Double.NEGATIVE_INFINITY);
      int base0 = n * frames * classes;
      alpha[0] = x[base0 + blank] - lse[0];
      if (states > 1) {
        alpha[1] = x[base0 + (int) label[n * len]] - lse[0];
      }
      for (int t = 1; t < frames; t++) {
        int base = (n * frames + t) * classes;
        for (int s = 0; s < states; s++) {
          int c = s % 2 == 0 ? blank : (int) label[n * len + s / 2];
          double a = alpha[s];
          if (s > 0) {
            a = logAdd(a, alpha[s - 1]);
          }
          if (s > 1 && s % 2 == 1 && c != (int) label[n * len + s / 2 - 1]) {
            a = logAdd(a, alpha[s - 2]);
          }
          next[s] = a + x[base + c] - lse[t];
        }
        System.arraycopy(next, 0, alpha, 0, states);
      }
      double ll = states > 1 ? logAdd(alpha[states - 1], alpha[states - 2]) : alpha[0];
      out[n] = (float) -ll;
    }
    return out;
  }

  private static double logAdd(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double m = Math.max(a, b);
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  }
}
