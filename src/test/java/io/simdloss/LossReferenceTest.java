package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every loss and every option against the float64 {@link Reference} (Gluon's formulas in double), over seeded
 * random inputs: ranks 1 to 4, every per-sample size 1..70 plus 1021 and 4099 (sizes that do not divide the
 * 4, 8 or 16 lanes, and that cross the 1024-element chunk), batch axes 0, not 0 and negative, every sample weight
 * broadcast form, global weights, every option value, and labels given in another shape with the same number of
 * elements (Gluon's reshape_like).
 *
 * <p><b>Error measure.</b> For each sample, {@code |got - ref| <= 1e-5 * max(|ref|, m)}, where {@code m} is the
 * mean (TripletLoss: the sum, as its reduction is a sum) of the absolute values of the weighted elementwise
 * terms of that sample, each term measured by the size of the quantities its formula adds or subtracts (see
 * {@link Reference}). It is a relative error with respect to the magnitude of what is summed: float32 sums and
 * differences carry errors relative to their operands, so where terms cancel (Triplet's
 * {@code (p-q)^2 - (p-r)^2}, negative sample weights, {@code logsumexp - x_k}) the error relative to the small
 * result can be large while the computation is right. A wrong element, a wrong broadcast or a wrong mean
 * still misses by far more than 1e-5 of m.
 *
 * <p>Inputs are well-conditioned: logits ~ N(0, 2^2), labels in each loss's domain (probabilities in (0, 1) for
 * BCE and KLDiv, -1 or 1 for the hinge and logistic losses, integral class indices for sparse cross-entropy).
 */
class LossReferenceTest {

  static final double RTOL = 1e-5;

  enum Kind {
    L2, L1, BCE, HUBER, HINGE, SQUARED_HINGE, LOGISTIC, SOFTMAX_CE, KL_DIV, TRIPLET
  }

  /** The sample weight forms; where one does not apply to a rank, {@link #sampleWeightShape} falls back. */
  enum WeightForm {
    NONE, SCALAR, ONE, PER_SAMPLE, PER_CLASS, FULL, TRAILING, MIDDLE, RANDOM
  }

  /** A loss with its options (option fields unused by a kind are ignored). */
  static final class Config {
    final Kind kind;
    /** BCE: fromSigmoid; SOFTMAX_CE: sparseLabel; KL_DIV: fromLogits. */
    final boolean flag;
    /** SOFTMAX_CE: fromLogits. */
    final boolean fromLogits;
    /** HUBER: rho; hinges and TRIPLET: margin. */
    final float param;

    Config(Kind kind, boolean flag, boolean fromLogits, float param) {
      this.kind = kind;
      this.flag = flag;
      this.fromLogits = fromLogits;
      this.param = param;
    }

    /** Whether the loss has a class axis that matters (a log-softmax or a pick). */
    boolean hasClassAxis() {
      return kind == Kind.SOFTMAX_CE || (kind == Kind.KL_DIV && !flag);
    }

    @Override
    public String toString() {
      switch (kind) {
        case BCE:
          return "BCE(fromSigmoid=" + flag + ")";
        case SOFTMAX_CE:
          return "SoftmaxCE(sparse=" + flag + ", fromLogits=" + fromLogits + ")";
        case KL_DIV:
          return "KLDiv(fromLogits=" + flag + ")";
        case HUBER:
          return "Huber(rho=" + param + ")";
        case HINGE:
        case SQUARED_HINGE:
        case TRIPLET:
          return kind + "(margin=" + param + ")";
        default:
          return kind.toString();
      }
    }
  }

  /** One test case: a config, a geometry, a weighting and a seed for the data. */
  static final class Case {
    final Config config;
    final int[] shape;
    final int batchAxis;
    final int axis;
    final Float weight;
    final WeightForm form;
    final boolean otherLabelShape;
    final long seed;

    Case(Config config, int[] shape, int batchAxis, int axis, Float weight, WeightForm form,
        boolean otherLabelShape, long seed) {
      this.config = config;
      this.shape = shape;
      this.batchAxis = batchAxis;
      this.axis = axis;
      this.weight = weight;
      this.form = form;
      this.otherLabelShape = otherLabelShape;
      this.seed = seed;
    }

    @Override
    public String toString() {
      return config + " shape=" + Arrays.toString(shape) + " batchAxis=" + batchAxis
          + (config.hasClassAxis() ? " axis=" + axis : "") + " w=" + weight + " sw=" + form
          + (otherLabelShape ? " labelReshaped" : "") + " seed=" + seed;
    }
  }

  static List<Config> configs() {
    List<Config> c = new ArrayList<>();
    c.add(new Config(Kind.L2, false, false, 0));
    c.add(new Config(Kind.L1, false, false, 0));
    c.add(new Config(Kind.BCE, false, false, 0));
    c.add(new Config(Kind.BCE, true, false, 0));
    c.add(new Config(Kind.HUBER, false, false, 1f));
    c.add(new Config(Kind.HUBER, false, false, 0.5f));
    c.add(new Config(Kind.HUBER, false, false, 2.5f));
    c.add(new Config(Kind.HINGE, false, false, 1f));
    c.add(new Config(Kind.HINGE, false, false, -0.5f));
    c.add(new Config(Kind.HINGE, false, false, 2f));
    c.add(new Config(Kind.SQUARED_HINGE, false, false, 1f));
    c.add(new Config(Kind.SQUARED_HINGE, false, false, 0.25f));
    c.add(new Config(Kind.LOGISTIC, false, false, 0));
    c.add(new Config(Kind.SOFTMAX_CE, true, false, 0));
    c.add(new Config(Kind.SOFTMAX_CE, true, true, 0));
    c.add(new Config(Kind.SOFTMAX_CE, false, false, 0));
    c.add(new Config(Kind.SOFTMAX_CE, false, true, 0));
    c.add(new Config(Kind.KL_DIV, true, false, 0));
    c.add(new Config(Kind.KL_DIV, false, false, 0));
    c.add(new Config(Kind.TRIPLET, false, false, 1f));
    c.add(new Config(Kind.TRIPLET, false, false, 0f));
    c.add(new Config(Kind.TRIPLET, false, false, 3.5f));
    c.add(new Config(Kind.TRIPLET, false, false, -2.5f));
    return c;
  }

  static final Float[] WEIGHTS = {null, 0.5f, 2.5f, -1.5f};

  /** Per-sample sizes: every size 1..70, then 1021 and 4099 (across the 1024-element chunks). */
  static int[] sizes() {
    int[] s = new int[72];
    for (int i = 0; i < 70; i++) {
      s[i] = i + 1;
    }
    s[70] = 1021;
    s[71] = 4099;
    return s;
  }

  static int smallDivisor(int s) {
    int best = 1;
    for (int a = 2; a * a <= s; a++) {
      if (s % a == 0) {
        best = a;
      }
    }
    return best;
  }

  /**
   * The sweep geometry {@code pattern} for per-sample size S (per position count S for the class-axis losses'
   * strided pattern 6) and batch size N: {shape, batchAxis, axis}.
   */
  static int[][] pattern(int pattern, int s, int n) {
    int a = smallDivisor(s);
    switch (pattern) {
      case 0: // (N, S): contiguous runs of every length; classes = S on the last axis
        return new int[][] {{n, s}, {0}, {-1}};
      case 1: // batch last, negative
        return new int[][] {{s, n}, {-1}, {0}};
      case 2:
        return new int[][] {{n, a, s / a}, {0}, {-2}};
      case 3: // batch in the middle
        return new int[][] {{a, n, s / a}, {1}, {-1}};
      case 4: // rank 4, batch given negative, class axis in the middle
        return new int[][] {{n, 1, s, 2}, {-4}, {2}};
      case 5: // batch last of rank 3
        return new int[][] {{a, s / a, n}, {2}, {0}};
      case 6: // NCHW-style: class axis 1 with S positions behind it (strided log-softmax)
        return new int[][] {{n, 3, s}, {0}, {1}};
      default:
        throw new AssertionError(pattern);
    }
  }

  static Stream<Case> cases() {
    List<Case> list = new ArrayList<>();
    int[] sizes = sizes();
    WeightForm[] forms = WeightForm.values();
    long seed = 1000;
    for (Config cfg : configs()) {
      for (int i = 0; i < sizes.length; i++) {
        int s = sizes[i];
        int n = 1 + (i * 7 + cfg.kind.ordinal()) % 4;
        List<Integer> patterns = new ArrayList<>();
        patterns.add(0);
        patterns.add(1 + i % 5);
        if (cfg.hasClassAxis()) {
          patterns.add(6);
        }
        for (int k = 0; k < patterns.size(); k++) {
          int p = patterns.get(k);
          int[][] g = pattern(p, s, n);
          WeightForm form = cfg.kind == Kind.TRIPLET ? WeightForm.NONE : forms[(i + 3 * k) % forms.length];
          Float w = WEIGHTS[(i + k) % WEIGHTS.length];
          // KLDivLoss has no reshape_like (InvalidCallTest checks that it refuses another shape)
          boolean reshaped = (i + k) % 3 == 2 && cfg.kind != Kind.KL_DIV;
          list.add(new Case(cfg, g[0], g[1][0], g[2][0], w, form, reshaped, seed++));
        }
      }
      Random rng = new Random(seed);
      for (int r = 0; r < 30; r++) {
        int rank = 1 + rng.nextInt(4);
        int[] shape = new int[rank];
        for (int d = 0; d < rank; d++) {
          shape[d] = 1 + rng.nextInt(6);
        }
        if (rng.nextInt(3) == 0) {
          shape[rng.nextInt(rank)] = 1 + rng.nextInt(70);
        }
        int batchAxis = rng.nextInt(2 * rank) - rank;
        int axis = rng.nextInt(2 * rank) - rank;
        WeightForm form = cfg.kind == Kind.TRIPLET ? WeightForm.NONE : forms[rng.nextInt(forms.length)];
        Float w = WEIGHTS[rng.nextInt(WEIGHTS.length)];
        boolean reshaped = rng.nextBoolean() && cfg.kind != Kind.KL_DIV; // (drawn for KL too: the same stream)
        list.add(new Case(cfg, shape, batchAxis, axis, w, form, reshaped, seed++));
      }
    }
    return list.stream();
  }

  // ---- inputs ---------------------------------------------------------------------------------------------

  static float normal(Random rng, double scale) {
    return (float) (rng.nextGaussian() * scale);
  }

  static float[] fill(int n, java.util.function.Supplier<Float> f) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = f.get();
    }
    return x;
  }

  /** Another shape with the same number of elements: reversed, or flat, or (1, n) for rank 1. */
  static int[] otherShape(int[] shape) {
    if (shape.length == 1) {
      return new int[] {1, shape[0]};
    }
    int[] r = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      r[i] = shape[shape.length - 1 - i];
    }
    if (Arrays.equals(r, shape)) {
      return new int[] {Reference.size(shape)};
    }
    return r;
  }

  static int[] ones(int rank) {
    int[] s = new int[rank];
    Arrays.fill(s, 1);
    return s;
  }

  /** The sample weight's shape for a form, against the loss shape and the resolved batch axis. */
  static int[] sampleWeightShape(WeightForm form, int[] loss, int batch, Random rng) {
    int r = loss.length;
    switch (form) {
      case SCALAR:
        return new int[0];
      case ONE:
        return new int[] {1};
      case PER_SAMPLE: {
        int[] s = ones(r);
        s[batch] = loss[batch];
        return s;
      }
      case PER_CLASS:
        return new int[] {loss[r - 1]};
      case FULL:
        return loss.clone();
      case TRAILING:
        return Arrays.copyOfRange(loss, 1, r);
      case MIDDLE: {
        int[] s = ones(r);
        if (r >= 3) {
          s[1] = loss[1]; // (1, D1, 1) or (1, D1, 1, 1)
        } else if (r == 2) {
          s[0] = loss[0]; // (D0, 1)
        }
        return s;
      }
      case RANDOM: {
        int[] s = new int[r];
        for (int i = 0; i < r; i++) {
          s[i] = rng.nextBoolean() ? loss[i] : 1;
        }
        int drop = 0;
        while (drop < r && s[drop] == 1 && rng.nextBoolean()) {
          drop++;
        }
        return Arrays.copyOfRange(s, drop, r);
      }
      default:
        throw new AssertionError(form);
    }
  }

  static Tensor sampleWeight(WeightForm form, int[] lossShape, int batch, Random rng) {
    if (form == WeightForm.NONE) {
      return null;
    }
    int[] ws = sampleWeightShape(form, lossShape, batch, rng);
    float[] data = fill(Reference.size(ws), () -> (float) (rng.nextDouble() * 2.5 - 0.5));
    return Tensor.of(data, ws);
  }

  static LabeledLoss build(Case c) {
    Config cfg = c.config;
    switch (cfg.kind) {
      case L2:
        return c.weight == null ? L2Loss.builder().batchAxis(c.batchAxis).build()
            : L2Loss.builder().batchAxis(c.batchAxis).weight(c.weight).build();
      case L1: {
        L1Loss.Builder b = L1Loss.builder().batchAxis(c.batchAxis);
        return c.weight == null ? b.build() : b.weight(c.weight).build();
      }
      case BCE: {
        SigmoidBinaryCrossEntropyLoss.Builder b =
            SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(cfg.flag).batchAxis(c.batchAxis);
        return c.weight == null ? b.build() : b.weight(c.weight).build();
      }
      case HUBER: {
        HuberLoss.Builder b = HuberLoss.builder().rho(cfg.param).batchAxis(c.batchAxis);
        return c.weight == null ? b.build() : b.weight(c.weight).build();
      }
      case HINGE: {
        HingeLoss.Builder b = HingeLoss.builder().margin(cfg.param).batchAxis(c.batchAxis);
        return c.weight == null ? b.build() : b.weight(c.weight).build();
      }
      case SQUARED_HINGE: {
        SquaredHingeLoss.Builder b = SquaredHingeLoss.builder().margin(cfg.param).batchAxis(c.batchAxis);
        return c.weight == null ? b.build() : b.weight(c.weight).build();
      }
      case LOGISTIC: {
        LogisticLoss.Builder b = LogisticLoss.builder().batchAxis(c.batchAxis);
        return c.weight == null ? b.build() : b.weight(c.weight).build();
      }
      case SOFTMAX_CE: {
        SoftmaxCrossEntropyLoss.Builder b = SoftmaxCrossEntropyLoss.builder().axis(c.axis)
            .sparseLabel(cfg.flag).fromLogits(cfg.fromLogits).batchAxis(c.batchAxis);
        return c.weight == null ? b.build() : b.weight(c.weight).build();
      }
      case KL_DIV: {
        KLDivLoss.Builder b = KLDivLoss.builder().fromLogits(cfg.flag).axis(c.axis).batchAxis(c.batchAxis);
        return c.weight == null ? b.build() : b.weight(c.weight).build();
      }
      default:
        throw new AssertionError(cfg.kind);
    }
  }

  static Reference.Pointwise pointwiseKind(Config cfg) {
    switch (cfg.kind) {
      case L2:
        return Reference.Pointwise.L2;
      case L1:
        return Reference.Pointwise.L1;
      case BCE:
        return cfg.flag ? Reference.Pointwise.BCE_PROBABILITY : Reference.Pointwise.BCE_LOGITS;
      case HUBER:
        return Reference.Pointwise.HUBER;
      case HINGE:
        return Reference.Pointwise.HINGE;
      case SQUARED_HINGE:
        return Reference.Pointwise.SQUARED_HINGE;
      case LOGISTIC:
        return Reference.Pointwise.LOGISTIC;
      default:
        throw new AssertionError(cfg.kind);
    }
  }

  // ---- the test ---------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesFloat64Reference(Case c) {
    if (c.config.kind == Kind.TRIPLET) {
      checkTriplet(c);
    } else {
      checkLabeled(c);
    }
  }

  /**
   * Losses are documented thread-safe (per-thread workspaces): every 16th case, run on 4 threads at once in
   * different orders, still matches the float64 reference.
   */
  @org.junit.jupiter.api.Test
  void concurrentCallsMatchFloat64Reference() throws InterruptedException {
    List<Case> all = cases().collect(java.util.stream.Collectors.toList());
    List<Case> some = new ArrayList<>();
    for (int i = 0; i < all.size(); i += 16) {
      some.add(all.get(i));
    }
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      List<Case> mine = new ArrayList<>(some);
      java.util.Collections.shuffle(mine, new Random(t));
      threads[t] = new Thread(() -> {
        for (Case c : mine) {
          try {
            matchesFloat64Reference(c);
          } catch (Throwable e) {
            failures.add(e);
            return;
          }
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError(failures.size() + " thread(s) failed; first: " + failures.get(0));
      e.initCause(failures.get(0));
      throw e;
    }
  }

  private static void checkLabeled(Case c) {
    Config cfg = c.config;
    Random rng = new Random(c.seed);
    int[] shape = c.shape;
    int size = Reference.size(shape);
    int rank = shape.length;
    int batch = Reference.axis(c.batchAxis, rank);
    float[] pred;
    float[] label;
    int[] labelShape = c.otherLabelShape ? otherShape(shape) : shape;
    int[] lossShape = shape;
    switch (cfg.kind) {
      case L2:
      case L1:
      case HUBER:
        pred = fill(size, () -> normal(rng, 2));
        label = fill(size, () -> normal(rng, 2));
        break;
      case BCE:
        pred = cfg.flag ? fill(size, () -> (float) (0.02 + 0.96 * rng.nextDouble()))
            : fill(size, () -> normal(rng, 2));
        label = fill(size, () -> {
          int k = rng.nextInt(10);
          return k == 0 ? 0f : k == 1 ? 1f : rng.nextFloat();
        });
        break;
      case HINGE:
      case SQUARED_HINGE:
      case LOGISTIC:
        pred = fill(size, () -> normal(rng, 2));
        label = fill(size, () -> rng.nextBoolean() ? 1f : -1f);
        break;
      case SOFTMAX_CE: {
        int a = Reference.axis(c.axis, rank);
        lossShape = shape.clone();
        lossShape[a] = 1;
        // fromLogits: pred holds log probabilities
        pred = cfg.fromLogits ? fill(size, () -> (float) Math.log(0.01 + 0.99 * rng.nextDouble()))
            : fill(size, () -> normal(rng, 2));
        if (cfg.flag) {
          int classes = shape[a];
          labelShape = c.otherLabelShape ? lossShape : withoutAxis(shape, a); // keepdims label accepted too
          label = fill(Reference.size(labelShape), () -> (float) rng.nextInt(classes));
        } else {
          label = fill(size, rng::nextFloat);
        }
        break;
      }
      case KL_DIV:
        pred = cfg.flag ? fill(size, () -> (float) Math.log(0.01 + 0.99 * rng.nextDouble()))
            : fill(size, () -> normal(rng, 2));
        label = fill(size, () -> rng.nextInt(12) == 0 ? 0f : (float) (0.01 + 0.98 * rng.nextDouble()));
        break;
      default:
        throw new AssertionError(cfg.kind);
    }
    Tensor p = Tensor.of(pred, shape);
    Tensor l = Tensor.of(label, labelShape);
    Tensor sw = sampleWeight(c.form, lossShape, batch, rng);
    float[] predCopy = pred.clone();
    float[] labelCopy = label.clone();
    float[] swCopy = sw == null ? null : sw.data().clone();

    Reference.Result ref;
    switch (cfg.kind) {
      case SOFTMAX_CE:
        ref = Reference.softmaxCrossEntropy(p, l, sw, c.axis, cfg.flag, cfg.fromLogits, c.weight, c.batchAxis);
        break;
      case KL_DIV:
        ref = Reference.klDivergence(p, l, sw, cfg.flag, c.axis, c.weight, c.batchAxis);
        break;
      default:
        ref = Reference.pointwise(pointwiseKind(cfg), p, l, sw, cfg.param, c.weight, c.batchAxis);
        break;
    }

    LabeledLoss loss = build(c);
    String ctx = c + " sampleWeight=" + (sw == null ? "none" : Arrays.toString(sw.shape())) + " labelShape="
        + Arrays.toString(labelShape) + " loss=" + loss;
    float[] got = loss.forward(p, l, sw);
    assertClose(got, ref, ctx);

    // The overloads agree: each meets the same reference. (Not bit for bit: the Vector API's float ADD
    // reduceLanes "may even vary over time", and on JDK 25 it does, between interpreted and C2 code.)
    if (sw == null) {
      assertClose(loss.forward(p, l), ref, ctx + ": forward(pred, label)");
    }
    float[] out = new float[got.length];
    Arrays.fill(out, Float.NaN);
    float[] returned = loss.forward(p, l, sw, out);
    assertSame(out, returned, ctx + ": forward with out returns out");
    assertClose(out, ref, ctx + ": forward with out");

    assertArrayEquals(predCopy, pred, ctx + ": pred modified");
    assertArrayEquals(labelCopy, label, ctx + ": label modified");
    if (sw != null) {
      assertArrayEquals(swCopy, sw.data(), ctx + ": sampleWeight modified");
    }
  }

  private static void checkTriplet(Case c) {
    Random rng = new Random(c.seed);
    int[] shape = c.shape;
    int size = Reference.size(shape);
    float[] pred = fill(size, () -> normal(rng, 1));
    float[] pos = fill(size, () -> normal(rng, 1));
    float[] neg = fill(size, () -> normal(rng, 1));
    Tensor p = Tensor.of(pred, shape);
    Tensor q = Tensor.of(pos, c.otherLabelShape ? otherShape(shape) : shape);
    Tensor r = Tensor.of(neg, c.otherLabelShape && c.seed % 2 == 0 ? otherShape(shape) : shape);
    TripletLoss.Builder b = TripletLoss.builder().margin(c.config.param).batchAxis(c.batchAxis);
    TripletLoss loss = c.weight == null ? b.build() : b.weight(c.weight).build();
    Reference.Result ref = Reference.triplet(p, q, r, c.config.param, c.weight, c.batchAxis);
    String ctx = c + " loss=" + loss;
    float[] got = loss.forward(p, q, r);
    assertClose(got, ref, ctx);
    float[] out = new float[got.length];
    Arrays.fill(out, Float.NaN);
    assertSame(out, loss.forward(p, q, r, out), ctx);
    assertClose(out, ref, ctx + ": forward with out");
  }

  static int[] withoutAxis(int[] shape, int axis) {
    int[] s = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) {
      if (i != axis) {
        s[j++] = shape[i];
      }
    }
    return s;
  }

  /** {@code |got - ref| <= 1e-5 * max(|ref|, m)} per sample (see the class comment). */
  static void assertClose(float[] got, Reference.Result ref, String ctx) {
    assertEquals(ref.value.length, got.length, ctx + ": output length");
    for (int n = 0; n < got.length; n++) {
      double r = ref.value[n];
      double tol = RTOL * Math.max(Math.abs(r), ref.magnitude[n]) + Float.MIN_NORMAL;
      double err = Math.abs(got[n] - r);
      if (!(err <= tol)) {
        fail(ctx + ": sample " + n + ": got " + got[n] + ", float64 reference " + r + " (m "
            + ref.magnitude[n] + ", error " + err + " > tolerance " + tol + ")");
      }
    }
  }
}
