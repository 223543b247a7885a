package io.simdloss;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded generator of valid calls for the property tests: every loss and option, ranks 1-5 with dimensions
 * 1-40 (at most {@link #MAX_SIZE} elements), any batch axis (negative too) and class axis, and every sample
 * weight broadcast form. A case can re-randomize what belongs to the samples other than one ({@link
 * #perturbOthers}), and can be built with another global weight ({@link #build}).
 *
 * <p>Pure test code: it only builds inputs; it never computes an expected value from the code under test.
 */
public final class Generated {
  static final int MAX_SIZE = 1500;

  /** The kinds of loss. */
  enum Kind {
    L2, L1, BCE, BCE_PROB, HUBER, HINGE, SQ_HINGE, LOGISTIC, SCE_SPARSE, SCE_DENSE, KL, KL_SOFTMAX, TRIPLET, CTC
  }

  /** Special values an adversarial case mixes into pred (and dense labels). */
  static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
      Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -3e-39f, Float.MIN_NORMAL, 3e38f, -3e38f, Float.MAX_VALUE,
      -Float.MAX_VALUE, 1f, -1f};

  /** The sample weight forms. */
  enum WeightForm {
    NONE, SCALAR, ONE, PER_SAMPLE, TRAILING, FULL, MASK
  }

  final Kind kind;
  final boolean adversarial;
  /** batchAxis as given to the builder (may be negative), and resolved against pred's rank. */
  final int batchAxisOption;
  final int batch;
  /** class axis option (SoftmaxCE, KL with softmax), resolved. */
  final int axisOption;
  final int classAxis;
  final float param;
  final boolean fromLogits;
  final boolean flag; // CTC: NTC layout; SCE sparse: label keeps the class axis (size 1)
  final boolean labelTn; // CTC: label layout TN
  final boolean zeroInfinity;
  final Float weight;

  float[] pred;
  int[] predShape;
  float[] label;
  int[] labelShape;
  /** Triplet: negative; CTC: predLengths. */
  float[] third;
  int[] thirdShape;
  /** CTC: labelLengths. */
  float[] fourth;
  int[] fourthShape;
  float[] sw;
  int[] swShape;
  WeightForm form = WeightForm.NONE;
  /** The loss tensor's shape (the shape sw broadcasts to) and its batch axis. */
  int[] lossShape;
  int lossBatch;
  final Loss loss;

  private final SplittableRandom rng;

  private Generated(SplittableRandom rng, Kind kind, boolean adversarial) {
    this.rng = rng;
    this.kind = kind;
    this.adversarial = adversarial;
    int rank = kind == Kind.CTC ? 3 : 1 + rng.nextInt(5);
    predShape = kind == Kind.CTC ? null : dims(rng, rank);
    batchAxisOption = rng.nextInt(-rank, rank);
    batch = batchAxisOption < 0 ? batchAxisOption + rank : batchAxisOption;
    axisOption = rng.nextInt(-rank, rank);
    classAxis = axisOption < 0 ? axisOption + rank : axisOption;
    fromLogits = rng.nextBoolean();
    flag = rng.nextBoolean();
    labelTn = rng.nextBoolean();
    zeroInfinity = rng.nextBoolean();
    switch (kind) {
      case HUBER:
        param = new float[] {1f, 0.5f, 2.5f, 1e-3f, Float.MIN_NORMAL}[rng.nextInt(5)];
        break;
      case HINGE:
      case SQ_HINGE:
      case TRIPLET:
        param = new float[] {1f, 0f, 0.5f, -1f, 3f}[rng.nextInt(5)];
        break;
      default:
        param = 0f;
    }
    weight = rng.nextInt(3) == 0 ? null : new float[] {1f, 0.5f, 2f, 0.1f, 3.7f, 0f}[rng.nextInt(6)];
    if (kind == Kind.CTC) {
      makeCtc();
    } else {
      makeLabeled();
    }
    loss = build(weight);
  }

  /** A random valid case; adversarial ones hold special values in pred and in dense labels. */
  static Generated random(SplittableRandom rng, boolean adversarial) {
    Kind[] kinds = Kind.values();
    return new Generated(rng, kinds[rng.nextInt(kinds.length)], adversarial);
  }

  static Generated random(SplittableRandom rng, Kind kind, boolean adversarial) {
    return new Generated(rng, kind, adversarial);
  }

  /** Random dimensions 1..40 with a product of at most MAX_SIZE. */
  static int[] dims(SplittableRandom rng, int rank) {
    int[] d = new int[rank];
    int size = 1;
    for (int i = 0; i < rank; i++) {
      int max = Math.max(1, Math.min(40, MAX_SIZE / size / (1 << Math.max(0, rank - i - 1))));
      d[i] = 1 + rng.nextInt(max);
      size *= d[i];
    }
    // shuffle so large dimensions are not always in front
    for (int i = rank - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = d[i];
      d[i] = d[j];
      d[j] = t;
    }
    return d;
  }

  static int size(int[] shape) {
    int s = 1;
    for (int d : shape) {
      s *= d;
    }
    return s;
  }

  // ---- the loss ------------------------------------------------------------------------------------------

  /** This case's loss with another global weight (null: the loss's default). */
  Loss build(Float w) {
    return build(w, batchAxisOption, axisOption);
  }

  /** This case's loss with another global weight, batch axis and class axis (for invalid calls). */
  Loss build(Float w, int batchAxisOption, int axisOption) {
    switch (kind) {
      case L2:
        return weighted(L2Loss.builder(), w).batchAxis(batchAxisOption).build();
      case L1:
        return weighted(L1Loss.builder(), w).batchAxis(batchAxisOption).build();
      case BCE:
        return weighted(SigmoidBinaryCrossEntropyLoss.builder(), w).batchAxis(batchAxisOption).build();
      case BCE_PROB:
        return weighted(SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(true), w).batchAxis(batchAxisOption)
            .build();
      case HUBER:
        return weighted(HuberLoss.builder().rho(param), w).batchAxis(batchAxisOption).build();
      case HINGE:
        return weighted(HingeLoss.builder().margin(param), w).batchAxis(batchAxisOption).build();
      case SQ_HINGE:
        return weighted(SquaredHingeLoss.builder().margin(param), w).batchAxis(batchAxisOption).build();
      case LOGISTIC:
        return weighted(LogisticLoss.builder(), w).batchAxis(batchAxisOption).build();
      case SCE_SPARSE:
        return weighted(SoftmaxCrossEntropyLoss.builder().axis(axisOption).fromLogits(fromLogits), w)
            .batchAxis(batchAxisOption).build();
      case SCE_DENSE:
        return weighted(SoftmaxCrossEntropyLoss.builder().axis(axisOption).sparseLabel(false)
            .fromLogits(fromLogits), w).batchAxis(batchAxisOption).build();
      case KL:
        return weighted(KLDivLoss.builder(), w).batchAxis(batchAxisOption).build();
      case KL_SOFTMAX:
        return weighted(KLDivLoss.builder().fromLogits(false).axis(axisOption), w).batchAxis(batchAxisOption)
            .build();
      case TRIPLET:
        return weighted(TripletLoss.builder().margin(param), w).batchAxis(batchAxisOption).build();
      case CTC: {
        CTCLoss.Builder b = CTCLoss.builder().layout(flag ? "NTC" : "TNC").labelLayout(labelTn ? "TN" : "NT")
            .zeroInfinity(zeroInfinity);
        if (w != null) {
          b.weight(w);
        }
        return b.build();
      }
      default:
        throw new AssertionError(kind);
    }
  }

  private static <B extends Loss.Builder<?, B>> B weighted(B b, Float w) {
    return w == null ? b : b.weight(w);
  }

  /** The number of outputs. */
  int samples() {
    return lossShape[lossBatch];
  }

  /**
   * Whether each output depends only on its own sample: not when a softmax runs along the batch axis (SoftmaxCE,
   * or KL with fromLogits false, with axis == batchAxis), which mixes the samples by definition, as in Gluon.
   */
  boolean perSample() {
    return !((kind == Kind.SCE_SPARSE || kind == Kind.SCE_DENSE || kind == Kind.KL_SOFTMAX) && classAxis == batch);
  }

  // ---- calls ---------------------------------------------------------------------------------------------

  Tensor predT() {
    return Tensor.of(pred, predShape);
  }

  Tensor labelT() {
    return Tensor.of(label, labelShape);
  }

  Tensor swT() {
    return sw == null ? null : Tensor.of(sw, swShape);
  }

  /** The call into a new array. */
  float[] run() {
    return run(loss, null);
  }

  /** The call with this loss, into out (a new array when null). */
  float[] run(Loss l, float[] out) {
    return runWith(l, out, swT());
  }

  float[] runWith(Loss l, float[] out, Tensor sampleWeight) {
    switch (kind) {
      case TRIPLET: {
        TripletLoss t = (TripletLoss) l;
        Tensor neg = Tensor.of(third, thirdShape);
        return out == null ? t.forward(predT(), labelT(), neg) : t.forward(predT(), labelT(), neg, out);
      }
      case CTC: {
        CTCLoss c = (CTCLoss) l;
        Tensor pl = third == null ? null : Tensor.of(third, thirdShape);
        Tensor ll = fourth == null ? null : Tensor.of(fourth, fourthShape);
        return out == null ? c.forward(predT(), labelT(), pl, ll, sampleWeight)
            : c.forward(predT(), labelT(), pl, ll, sampleWeight, out);
      }
      default: {
        LabeledLoss ll = (LabeledLoss) l;
        return out == null ? ll.forward(predT(), labelT(), sampleWeight)
            : ll.forward(predT(), labelT(), sampleWeight, out);
      }
    }
  }

  /** forwardBackward: the loss followed by the gradient(s) with respect to pred (and positive, negative). */
  float[] runGradient() {
    Tensor sampleWeight = swT();
    float[] out = run().clone(); // the output's length
    switch (kind) {
      case TRIPLET: {
        int n = pred.length;
        float[][] g = {new float[n], new float[n], new float[n]};
        ((TripletLoss) loss).forwardBackward(predT(), labelT(), Tensor.of(third, thirdShape), out, g[0], g[1], g[2]);
        return concat(out, g[0], g[1], g[2]);
      }
      case CTC: {
        Tensor pl = third == null ? null : Tensor.of(third, thirdShape);
        Tensor ll = fourth == null ? null : Tensor.of(fourth, fourthShape);
        float[] grad = new float[pred.length];
        ((CTCLoss) loss).forwardBackward(predT(), labelT(), pl, ll, sampleWeight, out, grad);
        return concat(out, grad);
      }
      default: {
        float[] grad = new float[pred.length];
        ((LabeledLoss) loss).forwardBackward(predT(), labelT(), sampleWeight, out, grad);
        return concat(out, grad);
      }
    }
  }

  static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] all = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  /** Deep copies of every input array, to check that nothing was modified. */
  float[][] inputs() {
    return new float[][] {pred, label, third, fourth, sw};
  }

  static float[][] copy(float[][] arrays) {
    float[][] c = new float[arrays.length][];
    for (int i = 0; i < arrays.length; i++) {
      c[i] = arrays[i] == null ? null : arrays[i].clone();
    }
    return c;
  }

  @Override
  public String toString() {
    return kind + (adversarial ? " adversarial" : "") + " pred" + Arrays.toString(predShape) + " label"
        + Arrays.toString(labelShape) + " batchAxis=" + batchAxisOption + " axis=" + axisOption + " param=" + param
        + " fromLogits=" + fromLogits + " flag=" + flag + " labelTn=" + labelTn + " zeroInf=" + zeroInfinity
        + " weight=" + weight + " sw=" + form + Arrays.toString(swShape) + " loss=" + loss;
  }

  // ---- values --------------------------------------------------------------------------------------------

  float logit() {
    if (adversarial && rng.nextInt(8) == 0) {
      return SPECIAL[rng.nextInt(SPECIAL.length)];
    }
    return (float) (3 * rng.nextGaussian());
  }

  float probability() {
    int r = rng.nextInt(10);
    if (r == 0) {
      return 0f;
    }
    if (r == 1) {
      return 1f;
    }
    if (adversarial && r == 2) {
      return SPECIAL[rng.nextInt(SPECIAL.length)];
    }
    return (float) rng.nextDouble();
  }

  float sign() {
    if (adversarial && rng.nextInt(10) == 0) {
      return SPECIAL[rng.nextInt(SPECIAL.length)];
    }
    return rng.nextBoolean() ? 1f : -1f;
  }

  private float predValue() {
    return kind == Kind.BCE_PROB ? probability() : kind == Kind.KL ? -(float) Math.abs(3 * rng.nextGaussian())
        : logit();
  }

  private float labelValue() {
    switch (kind) {
      case BCE:
      case BCE_PROB:
      case SCE_DENSE:
      case KL:
      case KL_SOFTMAX:
        return probability();
      case HINGE:
      case SQ_HINGE:
      case LOGISTIC:
        return sign();
      default:
        return logit(); // L2, L1, Huber, Triplet positive
    }
  }

  private float[] fill(int n, java.util.function.IntToDoubleFunction f) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) f.applyAsDouble(i);
    }
    return x;
  }

  // ---- construction --------------------------------------------------------------------------------------

  private void makeLabeled() {
    int n = size(predShape);
    pred = fill(n, i -> predValue());
    lossShape = predShape;
    lossBatch = batch;
    switch (kind) {
      case SCE_SPARSE: {
        int classes = predShape[classAxis];
        lossShape = predShape.clone();
        lossShape[classAxis] = 1;
        labelShape = flag ? lossShape.clone() : without(predShape, classAxis);
        label = fill(size(lossShape), i -> rng.nextInt(classes));
        break;
      }
      case SCE_DENSE:
        lossShape = predShape.clone();
        lossShape[classAxis] = 1;
        labelShape = flag ? predShape.clone() : new int[] {n};
        label = fill(n, i -> labelValue());
        break;
      default:
        // reshape_like: pred's shape, or flat; KLDivLoss has no reshape_like, its label has pred's shape (the draw
        // is made for it too, so that the generated stream stays the same)
        boolean flat = rng.nextInt(4) == 0;
        labelShape = flat && kind != Kind.KL && kind != Kind.KL_SOFTMAX ? new int[] {n} : predShape.clone();
        label = fill(n, i -> labelValue());
    }
    if (kind == Kind.TRIPLET) {
      thirdShape = rng.nextInt(4) == 0 ? new int[] {n} : predShape.clone();
      third = fill(n, i -> logit());
      return;
    }
    makeWeight(lossShape, lossBatch);
  }

  private static int[] without(int[] shape, int axis) {
    int[] s = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) {
      if (i != axis) {
        s[j++] = shape[i];
      }
    }
    return s;
  }

  private void makeWeight(int[] loss, int batchAxis) {
    WeightForm[] forms = WeightForm.values();
    form = forms[rng.nextInt(forms.length)];
    int rank = loss.length;
    switch (form) {
      case NONE:
        swShape = null;
        break;
      case SCALAR:
        swShape = new int[0];
        break;
      case ONE:
        swShape = new int[] {1};
        break;
      case PER_SAMPLE: {
        // (.., N, 1, .., 1): leading dimensions dropped or 1
        int drop = rng.nextInt(batchAxis + 1);
        swShape = new int[rank - drop];
        Arrays.fill(swShape, 1);
        swShape[batchAxis - drop] = loss[batchAxis];
        break;
      }
      case TRAILING: {
        int keep = 1 + rng.nextInt(rank);
        swShape = Arrays.copyOfRange(loss, rank - keep, rank);
        break;
      }
      case FULL:
        swShape = loss.clone();
        break;
      case MASK: {
        int drop = rng.nextInt(rank + 1);
        swShape = new int[rank - drop];
        for (int i = 0; i < swShape.length; i++) {
          swShape[i] = rng.nextBoolean() ? 1 : loss[i + drop];
        }
        break;
      }
      default:
        throw new AssertionError(form);
    }
    if (swShape != null) {
      sw = fill(size(swShape), i -> adversarial && rng.nextInt(20) == 0 ? SPECIAL[rng.nextInt(SPECIAL.length)]
          : rng.nextInt(5) == 0 ? 0f : (float) (2 * rng.nextDouble()));
    }
  }

  private void makeCtc() {
    int n = 1 + rng.nextInt(5);
    int t = rng.nextInt(16);
    int c = 1 + rng.nextInt(12);
    int l = rng.nextInt(6);
    predShape = flag ? new int[] {n, t, c} : new int[] {t, n, c};
    pred = fill(n * t * c, i -> logit());
    labelShape = labelTn ? new int[] {l, n} : new int[] {n, l};
    label = new float[n * l];
    boolean withLabelLengths = rng.nextBoolean();
    if (withLabelLengths) {
      fourthShape = new int[] {n};
      fourth = new float[n];
    }
    for (int s = 0; s < n; s++) {
      int len = c == 1 ? 0 : rng.nextInt(l + 1);
      for (int i = 0; i < l; i++) {
        float v;
        if (i < len) {
          v = rng.nextInt(c - 1);
        } else {
          // padding: -1 at len; after it anything (without lengths), or anything valid-looking
          v = withLabelLengths ? (float) rng.nextInt(-5, 50) : i == len ? -1f : (float) rng.nextInt(-1, 9);
        }
        label[labelTn ? i * n + s : s * l + i] = v;
      }
      if (withLabelLengths) {
        fourth[s] = len;
      }
    }
    if (rng.nextBoolean()) {
      thirdShape = new int[] {n};
      third = fill(n, i -> rng.nextInt(t + 1));
    }
    lossShape = new int[] {n};
    lossBatch = 0;
    int f = rng.nextInt(4);
    form = f == 0 ? WeightForm.NONE : f == 1 ? WeightForm.SCALAR : f == 2 ? WeightForm.ONE : WeightForm.FULL;
    swShape = f == 0 ? null : f == 1 ? new int[0] : f == 2 ? new int[] {1} : new int[] {n};
    if (swShape != null) {
      sw = fill(size(swShape), i -> rng.nextInt(5) == 0 ? 0f : (float) (2 * rng.nextDouble()));
    }
  }

  // ---- perturbation of the other samples -----------------------------------------------------------------

  /**
   * Re-randomizes every input element that belongs to a sample other than {@code keep} (with special values,
   * NaN included, where the input is data rather than an index), leaving the elements of sample {@code keep}
   * and every shared (broadcast) weight as they were. Works on copies: the case's arrays are replaced.
   */
  void perturbOthers(int keep, SplittableRandom r) {
    int samples = samples();
    if (kind == Kind.CTC) {
      boolean ntc = flag;
      pred = pred.clone();
      int[] ps = predShape;
      int sampleAxis = ntc ? 0 : 1;
      forOthers(pred, ps, sampleAxis, keep, i -> pred[i] = SPECIAL[r.nextInt(SPECIAL.length)] * (float) r.nextDouble());
      // labels of other samples: a fresh valid label, keeping each sample's label length field valid
      label = label.clone();
      int l = labelTn ? labelShape[0] : labelShape[1];
      int c = ps[2];
      for (int s = 0; s < samples; s++) {
        if (s == keep) {
          continue;
        }
        int len = fourth != null ? (int) fourth[s] : c == 1 ? 0 : r.nextInt(l + 1);
        for (int i = 0; i < l; i++) {
          float v = i < len ? r.nextInt(Math.max(1, c - 1)) : -1f;
          if (c == 1 && i < len) {
            throw new AssertionError("C = 1 with a label");
          }
          label[labelTn ? i * samples + s : s * l + i] = v;
        }
      }
      if (sw != null && swShape.length == 1 && swShape[0] == samples && samples > 1) {
        sw = sw.clone();
        for (int s = 0; s < samples; s++) {
          if (s != keep) {
            sw[s] = SPECIAL[r.nextInt(SPECIAL.length)];
          }
        }
      }
      return;
    }
    pred = pred.clone();
    forOthers(pred, predShape, batch, keep, i -> pred[i] = r.nextInt(3) == 0
        ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) (5 * r.nextGaussian()));
    label = label.clone();
    if (kind == Kind.SCE_SPARSE) {
      int classes = predShape[classAxis];
      forOthers(label, lossShape, lossBatch, keep, i -> label[i] = r.nextInt(classes));
    } else {
      forOthers(label, predShape, batch, keep, i -> label[i] = SPECIAL[r.nextInt(SPECIAL.length)]);
    }
    if (third != null) {
      third = third.clone();
      forOthers(third, predShape, batch, keep, i -> third[i] = SPECIAL[r.nextInt(SPECIAL.length)]);
    }
    if (sw != null) {
      int wb = lossBatch - (lossShape.length - swShape.length);
      if (wb >= 0 && swShape[wb] != 1) {
        sw = sw.clone();
        forOthers(sw, swShape, wb, keep, i -> sw[i] = SPECIAL[r.nextInt(SPECIAL.length)]);
      }
    }
  }

  /** Calls {@code f} with each flat index of a row-major array of {@code shape} whose index on axis is not keep. */
  static void forOthers(float[] data, int[] shape, int axis, int keep, java.util.function.IntConsumer f) {
    int stride = 1;
    for (int i = axis + 1; i < shape.length; i++) {
      stride *= shape[i];
    }
    int dim = shape[axis];
    for (int i = 0; i < data.length; i++) {
      if ((i / stride) % dim != keep) {
        f.accept(i);
      }
    }
  }

  // ---- a digest of outputs -------------------------------------------------------------------------------

  /**
   * SHA-256 of the outputs of forwardBackward (loss and gradients) of {@code count} cases from {@code seed} (adversarial and not), with NaN
   * canonicalized ({@link Float#floatToIntBits}): the same string in every backend when they agree bit for
   * bit. Used by the property test and by its child JVM.
   */
  static String digest(long seed, int count) {
    SplittableRandom rng = new SplittableRandom(seed);
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    ByteBuffer buf = ByteBuffer.allocate(4);
    for (int i = 0; i < count; i++) {
      Generated g = random(rng, i % 2 == 1);
      for (float v : g.runGradient()) { // forwardBackward's loss and gradients
        buf.clear();
        buf.putInt(Float.floatToIntBits(v));
        md.update(buf.array());
      }
    }
    StringBuilder s = new StringBuilder();
    for (byte b : md.digest()) {
      s.append(String.format("%02x", b));
    }
    return s.toString();
  }

  /** Child-JVM entry: prints {@code BACKEND=... DIGEST=...} for the corpus of {@link #digest}. */
  public static void main(String[] args) {
    long seed = Long.parseLong(args[0]);
    int count = Integer.parseInt(args[1]);
    String d = digest(seed, count);
    System.out.println("BACKEND=" + Backend.active());
    System.out.println("DIGEST=" + d);
  }

  /** Lists of cases, for parameterized tests. */
  static List<Generated> cases(long seed, int count, boolean adversarial) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Generated> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(random(rng, adversarial));
    }
    return list;
  }
}
