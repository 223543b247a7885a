package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Bit-reproducibility: every loss output of a fixed corpus must be bit-identical on every backend (vector at
 * 512/256/128 bits, scalar), every execution tier (interpreter, C1, C2) and every supported JDK. The corpus is
 * generated in code from fixed seeds with {@link SplittableRandom}, whose algorithm is specified, so the
 * inputs are the same on every JVM. For each case the outputs' raw bits ({@link Float#floatToRawIntBits},
 * big-endian) are hashed with SHA-256 and compared with {@code src/test/resources/golden-bits.txt}.
 *
 * <p>The golden file is generated once, with the scalar backend on JDK 17 (then every other configuration
 * must match it; regenerate only on an intended change of the results):
 * <pre>
 * ./mvnw -B test-compile surefire:test@default-test -Dtest=GoldenBitsTest -Dsimdloss.backend=scalar \
 *   -Dsimdloss.golden.write=$PWD/src/test/resources/golden-bits.txt
 * </pre>
 * With {@code -Dsimdloss.golden.write=<path>} the test writes the file and checks nothing. The build runs this
 * test in every surefire execution (vector 512/256/128, scalar without the module) and, alone, in
 * {@code golden-interpreter} ({@code -Xint}) and {@code golden-c1} ({@code -XX:TieredStopAtLevel=1}).
 */
class GoldenBitsTest {

  static final String RESOURCE = "/golden-bits.txt";
  static final String WRITE_PROPERTY = "simdloss.golden.write";

  /** Per-sample sizes around lane (4/8/16 floats) and block boundaries. */
  static final int[] SIZES = {1, 3, 15, 16, 17, 63, 64, 65, 127, 128, 129, 1021, 1024, 1025};
  /** A subset for the heavier combinations. */
  static final int[] SOME_SIZES = {1, 16, 17, 65, 129, 1025};
  static final int N = 3;
  /** Samples of the short-sample cases: 13 groups of eight and 3 more. */
  static final int MANY = 107;
  /** Per-sample sizes of the short-sample cases; 10 and 15 make samples straddle the 1024-element chunks. */
  static final int[] SHORT_SIZES = {1, 3, 10, 15};

  private final Map<String, Supplier<float[]>> cases = new LinkedHashMap<>();
  private long elements;

  // ---------------------------------------------------------------- corpus

  private static long seedOf(String name) {
    long h = 1125899906842597L;
    for (int i = 0; i < name.length(); i++) {
      h = 31 * h + name.charAt(i);
    }
    return h;
  }

  private static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return a;
  }

  private static float[] signs(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextBoolean() ? 1f : -1f;
    }
    return a;
  }

  private static float[] ints(SplittableRandom r, int n, int bound) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextInt(bound);
    }
    return a;
  }

  private void add(String name, Supplier<float[]> c) {
    if (cases.put(name, c) != null) {
      throw new IllegalStateException("duplicate case " + name);
    }
  }

  /** A case's computation: the forward output, or (gradient) forwardBackward's loss followed by its gradients. */
  interface Evaluation {
    float[] run(boolean gradient);
  }

  /** Registers {@code name} (forward) and {@code name + "/grad"} (forwardBackward) on the same inputs. */
  private void addWithGradient(String name, Evaluation e) {
    add(name, () -> e.run(false));
    add(name + "/grad", () -> e.run(true));
  }

  static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** forward, or forwardBackward's loss and gradient concatenated. */
  static float[] run(LabeledLoss loss, Tensor pred, Tensor label, Tensor sw, boolean gradient) {
    if (!gradient) {
      return loss.forward(pred, label, sw);
    }
    float[] out = loss.forward(pred, label, sw).clone(); // the right length
    float[] grad = new float[pred.size()];
    loss.forwardBackward(pred, label, sw, out, grad);
    return concat(out, grad);
  }

  interface Pointwise {
    LabeledLoss make(Float weight, int batchAxis);
  }

  /** label kinds: 0 uniform [-3,3], 1 probabilities [0,1], 2 signs. pred kinds: 0 [-6,6], 1 (0,1). */
  private void pointwise(String loss, Pointwise f, int predKind, int labelKind) {
    for (int d : SIZES) {
      String base = loss + "/N" + N + "xD" + d;
      addPointwise(base, f, predKind, labelKind, new int[] {N, d}, 0, null, null);
    }
    for (int d : SOME_SIZES) {
      String base = loss + "/D" + d + "xN" + N + "/batchAxis1";
      addPointwise(base, f, predKind, labelKind, new int[] {d, N}, 1, null, null);
      int[] shape = {N, d};
      addPointwise(loss + "/N" + N + "xD" + d + "/w1.5", f, predKind, labelKind, shape, 0, 1.5f, null);
      addPointwise(loss + "/N" + N + "xD" + d + "/sw-scalar", f, predKind, labelKind, shape, 0, null, new int[0]);
      addPointwise(loss + "/N" + N + "xD" + d + "/sw-sample", f, predKind, labelKind, shape, 0, null,
          new int[] {N, 1});
      addPointwise(loss + "/N" + N + "xD" + d + "/sw-class", f, predKind, labelKind, shape, 0, null, new int[] {d});
      addPointwise(loss + "/N" + N + "xD" + d + "/sw-full/w0.3", f, predKind, labelKind, shape, 0, 0.3f, shape);
    }
    // rank 3, batch axis in the middle
    addPointwise(loss + "/4xN" + N + "x33/batchAxis1", f, predKind, labelKind, new int[] {4, N, 33}, 1, null,
        null);
    // many short samples, without a weight and with one per sample
    for (int d : SHORT_SIZES) {
      int[] shape = {MANY, d};
      addPointwise(loss + "/N" + MANY + "xD" + d, f, predKind, labelKind, shape, 0, null, null);
      addPointwise(loss + "/N" + MANY + "xD" + d + "/sw-sample", f, predKind, labelKind, shape, 0, null,
          new int[] {MANY, 1});
      addPointwise(loss + "/N" + MANY + "xD" + d + "/sw-scalar", f, predKind, labelKind, shape, 0, null,
          new int[0]);
    }
    addPointwise(loss + "/N" + MANY + "x2x5/sw-sample", f, predKind, labelKind, new int[] {MANY, 2, 5}, 0, null,
        new int[] {MANY, 1, 1});
  }

  private void addPointwise(String name, Pointwise f, int predKind, int labelKind, int[] shape, int batchAxis,
      Float weight, int[] swShape) {
    int size = 1;
    for (int s : shape) {
      size *= s;
    }
    int n = size;
    elements += 2L * n;
    addWithGradient(name, gradient -> {
      SplittableRandom r = new SplittableRandom(seedOf(name));
      float[] pred = predKind == 1 ? uniform(r, n, 1e-4, 1 - 1e-4) : uniform(r, n, -6, 6);
      float[] label = labelKind == 2 ? signs(r, n) : labelKind == 1 ? uniform(r, n, 0, 1) : uniform(r, n, -3, 3);
      Tensor sw = swShape == null ? null : Tensor.of(uniform(r, sizeOf(swShape), 0, 2), swShape);
      return run(f.make(weight, batchAxis), Tensor.of(pred, shape), Tensor.of(label, shape), sw, gradient);
    });
  }

  private static int sizeOf(int[] shape) {
    int s = 1;
    for (int d : shape) {
      s *= d;
    }
    return s;
  }

  private static <B extends Loss.Builder<?, B>> B opts(B b, Float weight, int batchAxis) {
    if (weight != null) {
      b.weight(weight);
    }
    return b.batchAxis(batchAxis);
  }

  private void softmaxCe() {
    int[] classes = {3, 16, 17, 64, 129, 1025};
    for (boolean sparse : new boolean[] {true, false}) {
      for (boolean logits : new boolean[] {false, true}) {
        String loss = "SoftmaxCE/" + (sparse ? "sparse" : "dense") + (logits ? "/fromLogits" : "");
        for (int c : classes) {
          // class axis last: (N, C)
          softmaxCase(loss + "/N" + N + "xC" + c, sparse, logits, new int[] {N, c}, -1, 0, null, null);
          // class axis not last: (N, C, 5), axis 1
          softmaxCase(loss + "/N" + N + "xC" + c + "x5/axis1", sparse, logits, new int[] {N, c, 5}, 1, 0, null,
              null);
        }
        // many short class rows: with sparse labels, SoftmaxCrossEntropyLoss's transposed row shortcuts (16 or
        // more rows of fewer than 16 classes, in blocks of 64 rows)
        for (int c : new int[] {3, 10, 15}) {
          softmaxCase(loss + "/N" + MANY + "xC" + c, sparse, logits, new int[] {MANY, c}, -1, 0, null, null);
        }
        // batch axis 1, class axis 0: (C, N)
        softmaxCase(loss + "/C65xN" + N + "/axis0/batchAxis1", sparse, logits, new int[] {65, N}, 0, 1, null, null);
        // weights: loss shape (N, 7, 1) with class axis last
        int[] shape = {N, 7, 33};
        softmaxCase(loss + "/N3x7xC33/w1.5/sw-sample", sparse, logits, shape, -1, 0, 1.5f, new int[] {N, 1, 1});
        softmaxCase(loss + "/N3x7xC33/sw-scalar", sparse, logits, shape, -1, 0, null, new int[0]);
        softmaxCase(loss + "/N3x7xC33/sw-full", sparse, logits, shape, -1, 0, null, new int[] {N, 7, 1});
        softmaxCase(loss + "/N3x7xC33/sw-mid", sparse, logits, shape, -1, 0, null, new int[] {7, 1});
      }
    }
  }

  private void softmaxCase(String name, boolean sparse, boolean logits, int[] shape, int axis, int batchAxis,
      Float weight, int[] swShape) {
    int n = sizeOf(shape);
    int classAxis = axis < 0 ? shape.length + axis : axis;
    int c = shape[classAxis];
    elements += 2L * n;
    addWithGradient(name, gradient -> {
      SplittableRandom r = new SplittableRandom(seedOf(name));
      float[] pred = logits ? uniform(r, n, -12, -0.01) : uniform(r, n, -8, 8);
      Tensor label;
      if (sparse) {
        int[] ls = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
          if (i != classAxis) {
            ls[j++] = shape[i];
          }
        }
        label = Tensor.of(ints(r, n / c, c), ls);
      } else {
        label = Tensor.of(uniform(r, n, 0, 1), shape);
      }
      Tensor sw = swShape == null ? null : Tensor.of(uniform(r, sizeOf(swShape), 0, 2), swShape);
      SoftmaxCrossEntropyLoss.Builder b = opts(SoftmaxCrossEntropyLoss.builder(), weight, batchAxis);
      return run(b.axis(axis).sparseLabel(sparse).fromLogits(logits).build(), Tensor.of(pred, shape), label, sw,
          gradient);
    });
  }

  private void klDiv() {
    for (boolean logits : new boolean[] {true, false}) {
      String loss = "KLDiv" + (logits ? "/fromLogits" : "/softmax");
      for (int d : SOME_SIZES) {
        klCase(loss + "/N" + N + "xC" + d, logits, new int[] {N, d}, -1, 0, null, null);
      }
      klCase(loss + "/N3xC17x9/axis1", logits, new int[] {N, 17, 9}, 1, 0, null, null);
      klCase(loss + "/N3xC129x4/axis1", logits, new int[] {N, 129, 4}, 1, 0, null, null);
      klCase(loss + "/C65xN3/axis0/batchAxis1", logits, new int[] {65, N}, 0, 1, null, null);
      klCase(loss + "/N3xC65/w1.5/sw-class", logits, new int[] {N, 65}, -1, 0, 1.5f, new int[] {65});
      klCase(loss + "/N3xC65/sw-full", logits, new int[] {N, 65}, -1, 0, null, new int[] {N, 65});
    }
  }

  private void klCase(String name, boolean logits, int[] shape, int axis, int batchAxis, Float weight,
      int[] swShape) {
    int n = sizeOf(shape);
    elements += 2L * n;
    addWithGradient(name, gradient -> {
      SplittableRandom r = new SplittableRandom(seedOf(name));
      float[] pred = logits ? uniform(r, n, -12, -0.01) : uniform(r, n, -8, 8);
      float[] label = uniform(r, n, 0, 1);
      // a few exact zeros exercise log(label + 1e-12)
      for (int i = 0; i < n; i += 7) {
        label[i] = 0f;
      }
      Tensor sw = swShape == null ? null : Tensor.of(uniform(r, sizeOf(swShape), 0, 2), swShape);
      KLDivLoss.Builder b = opts(KLDivLoss.builder(), weight, batchAxis);
      return run(b.fromLogits(logits).axis(axis).build(), Tensor.of(pred, shape), Tensor.of(label, shape), sw,
          gradient);
    });
  }

  private void triplet() {
    for (int d : SIZES) {
      tripletCase("Triplet/N" + N + "xD" + d, new int[] {N, d}, 0, null, 1f);
    }
    tripletCase("Triplet/D65xN3/batchAxis1/margin0.5/w1.5", new int[] {65, N}, 1, 1.5f, 0.5f);
    tripletCase("Triplet/N3x5x33/margin40", new int[] {N, 5, 33}, 0, null, 40f);
    // an axis before the batch axis and runs crossing the 1024-element chunks: forward's per-sample path
    // (TripletLoss.sampleSum) with outer > 1; hashes recorded with the buffered path of the session-8 code
    tripletCase("Triplet/2xN3x700/batchAxis1", new int[] {2, N, 700}, 1, null, 1f);
  }

  private void tripletCase(String name, int[] shape, int batchAxis, Float weight, float margin) {
    int n = sizeOf(shape);
    elements += 3L * n;
    addWithGradient(name, gradient -> {
      SplittableRandom r = new SplittableRandom(seedOf(name));
      float[] a = uniform(r, n, -1, 1);
      float[] p = uniform(r, n, -1, 1);
      float[] q = uniform(r, n, -1, 1);
      TripletLoss.Builder b = opts(TripletLoss.builder(), weight, batchAxis);
      TripletLoss loss = b.margin(margin).build();
      Tensor tp = Tensor.of(a, shape);
      Tensor tq = Tensor.of(p, shape);
      Tensor tr = Tensor.of(q, shape);
      float[] out = loss.forward(tp, tq, tr);
      if (!gradient) {
        return out;
      }
      float[][] g = {new float[n], new float[n], new float[n]};
      loss.forwardBackward(tp, tq, tr, out, g[0], g[1], g[2]);
      return concat(out, g[0], g[1], g[2]);
    });
  }

  private void ctc() {
    int[][] tcl = {{1, 1, 1}, {6, 3, 2}, {20, 5, 4}, {33, 17, 9}, {40, 129, 12}, {12, 1025, 5}};
    for (String layout : new String[] {"NTC", "TNC"}) {
      for (String labelLayout : new String[] {"NT", "TN"}) {
        for (int[] x : tcl) {
          String base = "CTC/" + layout + "/" + labelLayout + "/T" + x[0] + "xC" + x[1] + "xL" + x[2];
          ctcCase(base, layout, labelLayout, x[0], x[1], x[2], false, false, null, null);
        }
        String base = "CTC/" + layout + "/" + labelLayout + "/T30xC17xL8";
        ctcCase(base + "/lengths", layout, labelLayout, 30, 17, 8, true, false, null, null);
        ctcCase(base + "/lengths/zeroInfinity", layout, labelLayout, 30, 17, 8, true, true, null, null);
        ctcCase(base + "/lengths/w1.5/sw-sample", layout, labelLayout, 30, 17, 8, true, false, 1.5f, new int[] {4});
        ctcCase(base + "/padded/sw-scalar", layout, labelLayout, 30, 17, 8, false, true, null, new int[0]);
      }
    }
  }

  /** 4 samples; with lengths, sample 2 is infeasible (label longer than its frames). */
  private void ctcCase(String name, String layout, String labelLayout, int t, int c, int l, boolean lengths,
      boolean zeroInf, Float weight, int[] swShape) {
    int samples = 4;
    int n = samples * t * c;
    elements += n;
    addWithGradient(name, gradient -> {
      SplittableRandom r = new SplittableRandom(seedOf(name));
      float[] pred = uniform(r, n, -5, 5);
      int alphabet = Math.max(c - 1, 1);
      float[][] labels = new float[samples][l];
      float[] predLen = new float[samples];
      float[] labelLen = new float[samples];
      for (int s = 0; s < samples; s++) {
        int len = c == 1 ? 0 : r.nextInt(l + 1);
        for (int j = 0; j < l; j++) {
          labels[s][j] = j < len ? r.nextInt(alphabet) : (lengths ? r.nextInt(alphabet) : -1f);
        }
        labelLen[s] = len;
        predLen[s] = t - r.nextInt(Math.max(1, t / 4));
      }
      if (lengths && c > 1) {
        predLen[2] = 1;
        labelLen[2] = Math.min(l, 3);
      }
      if (!lengths && c > 1 && l > 2 && t < 2 * l) {
        // padding: an infeasible sample with enough labels for the frames
        for (int j = 0; j < l; j++) {
          labels[3][j] = 0f;
        }
      }
      float[] labelData = new float[samples * l];
      for (int s = 0; s < samples; s++) {
        for (int j = 0; j < l; j++) {
          labelData[labelLayout.equals("NT") ? s * l + j : j * samples + s] = labels[s][j];
        }
      }
      Tensor label = labelLayout.equals("NT") ? Tensor.of(labelData, samples, l) : Tensor.of(labelData, l, samples);
      Tensor p = layout.equals("NTC") ? Tensor.of(pred, samples, t, c) : Tensor.of(pred, t, samples, c);
      Tensor sw = swShape == null ? null : Tensor.of(uniform(r, sizeOf(swShape), 0, 2), swShape);
      CTCLoss.Builder b = CTCLoss.builder().layout(layout).labelLayout(labelLayout).zeroInfinity(zeroInf);
      if (weight != null) {
        b.weight(weight);
      }
      Tensor pl = lengths ? Tensor.of(predLen, samples) : null;
      Tensor ll = lengths ? Tensor.of(labelLen, samples) : null;
      float[] out = b.build().forward(p, label, pl, ll, sw);
      if (!gradient) {
        return out;
      }
      float[] grad = new float[n];
      b.build().forwardBackward(p, label, pl, ll, sw, out, grad);
      return concat(out, grad);
    });
  }

  private void buildCorpus() {
    pointwise("L2", (w, a) -> opts(L2Loss.builder(), w, a).build(), 0, 0);
    pointwise("L1", (w, a) -> opts(L1Loss.builder(), w, a).build(), 0, 0);
    pointwise("SigmoidBCE", (w, a) -> opts(SigmoidBinaryCrossEntropyLoss.builder(), w, a).build(), 0, 1);
    pointwise("SigmoidBCE/fromSigmoid",
        (w, a) -> opts(SigmoidBinaryCrossEntropyLoss.builder(), w, a).fromSigmoid(true).build(), 1, 1);
    pointwise("Huber/rho0.7", (w, a) -> opts(HuberLoss.builder(), w, a).rho(0.7f).build(), 0, 0);
    pointwise("Hinge", (w, a) -> opts(HingeLoss.builder(), w, a).build(), 0, 2);
    pointwise("SquaredHinge/margin0.5", (w, a) -> opts(SquaredHingeLoss.builder(), w, a).margin(0.5f).build(), 0,
        2);
    pointwise("Logistic", (w, a) -> opts(LogisticLoss.builder(), w, a).build(), 0, 2);
    softmaxCe();
    klDiv();
    triplet();
    ctc();
  }

  // ---------------------------------------------------------------- hashing and checking

  static String sha256(float[] out) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    byte[] bytes = new byte[out.length * 4];
    for (int i = 0; i < out.length; i++) {
      int b = Float.floatToRawIntBits(out[i]);
      bytes[4 * i] = (byte) (b >>> 24);
      bytes[4 * i + 1] = (byte) (b >>> 16);
      bytes[4 * i + 2] = (byte) (b >>> 8);
      bytes[4 * i + 3] = (byte) b;
    }
    StringBuilder s = new StringBuilder(64);
    for (byte b : md.digest(bytes)) {
      s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return s.toString();
  }

  private Map<String, String> computeAll() {
    Map<String, String> hashes = new LinkedHashMap<>();
    for (Map.Entry<String, Supplier<float[]>> e : cases.entrySet()) {
      hashes.put(e.getKey(), sha256(e.getValue().get()));
    }
    return hashes;
  }

  @Test
  void outputsMatchTheGoldenBits() throws IOException {
    buildCorpus();
    long t0 = System.nanoTime();
    Map<String, String> actual = computeAll();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    String backend = Backend.active();
    System.out.println("GoldenBitsTest: " + actual.size() + " cases, " + elements + " input elements, backend "
        + backend + ", java " + System.getProperty("java.version") + ", " + ms + " ms");

    String write = System.getProperty(WRITE_PROPERTY);
    if (write != null && !write.isBlank()) {
      List<String> lines = new ArrayList<>();
      lines.add("# SHA-256 of the raw float bits (big-endian) of each GoldenBitsTest case's output.");
      lines.add("# Generated with the scalar backend on JDK 17, by GoldenBitsTest's write mode:");
      lines.add("#   ./mvnw -B test-compile surefire:test@default-test -Dtest=GoldenBitsTest -Dsimdloss.backend=scalar \\");
      lines.add("#     -Dsimdloss.golden.write=$PWD/src/test/resources/golden-bits.txt");
      lines.add("# Case names and inputs come from fixed SplittableRandom seeds in GoldenBitsTest.");
      lines.add("# (this file: backend " + backend + ", java " + System.getProperty("java.version") + ")");
      lines.add("# Every backend, tier and JDK must reproduce these bits; regenerate only on an intended change.");
      actual.forEach((k, v) -> lines.add(k + " " + v));
      Path path = Paths.get(write);
      Files.write(path, lines, StandardCharsets.UTF_8);
      System.out.println("GoldenBitsTest: wrote " + path.toAbsolutePath());
      return;
    }

    Map<String, String> expected = new LinkedHashMap<>();
    try (InputStream in = GoldenBitsTest.class.getResourceAsStream(RESOURCE)) {
      assertTrue(in != null, "missing resource " + RESOURCE);
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        line = line.trim();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int sp = line.lastIndexOf(' ');
        expected.put(line.substring(0, sp), line.substring(sp + 1));
      }
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : actual.entrySet()) {
      String want = expected.get(e.getKey());
      if (want == null) {
        problems.add("not in golden file: " + e.getKey());
      } else if (!want.equals(e.getValue())) {
        problems.add("bits differ: " + e.getKey());
      }
    }
    for (String k : expected.keySet()) {
      if (!actual.containsKey(k)) {
        problems.add("golden case not generated: " + k);
      }
    }
    if (!problems.isEmpty()) {
      fail(problems.size() + " of " + actual.size() + " cases differ from " + RESOURCE + " (backend " + backend
          + "):\n  " + String.join("\n  ", problems));
    }
  }
}
