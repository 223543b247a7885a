package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Losses and gradients against PyTorch, an oracle independent of this library: {@code torch-fixtures.txt},
 * written by {@code src/test/python/torch_fixtures.py} (its docstring has the command and the format). PyTorch's
 * own losses where it has them (mse_loss, l1_loss, smooth_l1_loss for Huber, softplus,
 * binary_cross_entropy_with_logits, cross_entropy, kl_div, ctc_loss), Gluon's weighting and mean on top, and
 * autograd's gradients, all in float64 on the float32 inputs. Each case runs {@code forward} and {@code forwardBackward} on the active backend.
 *
 * <p>Tolerance: {@code 1e-5 * max(|ref|, mean |ref| of the output)}, as LossReferenceTest's: the library computes
 * in float32 (exp and log within one ulp, sums of up to 1030 terms in the canonical order), and every case is
 * within 1e-6 (56 of 115 are not within 1e-7); the mean term keeps elements near zero (a softmax gradient of a
 * small probability, a loss that cancels) to the size of their neighbours.
 */
class TorchFixtureTest {
  static final double TOLERANCE = 1e-5;

  /** One block of the fixture file. */
  record Fixture(String name, Map<String, String> options, Map<String, int[]> shapes, Map<String, String[]> values,
      java.util.Set<String> used) {
    @Override
    public String toString() {
      return name;
    }

    /** Fails unless every option and every tensor of the case was read: a misspelled key would fall to a default. */
    void assertAllUsed() {
      for (String k : options.keySet()) {
        assertTrue(used.contains("option " + k), name + ": option " + k + " not used");
      }
      for (String k : values.keySet()) {
        assertTrue(used.contains(k), name + ": tensor " + k + " not used");
      }
    }

    /** An input: float32 values written as the shortest decimal that gives them back (Float.parseFloat is exact). */
    Tensor input(String key) {
      if (!values.containsKey(key)) {
        return null;
      }
      used.add(key);
      String[] v = values.get(key);
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = Float.parseFloat(v[i]);
      }
      return Tensor.of(f, shapes.get(key));
    }

    /** An expected output: float64, 10 significant digits. */
    double[] output(String key) {
      used.add(key);
      return java.util.Arrays.stream(values.get(key)).mapToDouble(Double::parseDouble).toArray();
    }

    int option(String key, int otherwise) {
      used.add("option " + key);
      return options.containsKey(key) ? Integer.parseInt(options.get(key)) : otherwise;
    }

    float floatOption(String key, float otherwise) {
      used.add("option " + key);
      return options.containsKey(key) ? Float.parseFloat(options.get(key)) : otherwise;
    }

    String text(String key) {
      used.add("option " + key);
      return options.get(key);
    }

    boolean flag(String key, boolean otherwise) {
      used.add("option " + key);
      return options.containsKey(key) ? Boolean.parseBoolean(options.get(key)) : otherwise;
    }
  }

  static List<Fixture> fixtures() throws IOException {
    List<Fixture> out = new ArrayList<>();
    try (InputStream in = TorchFixtureTest.class.getResourceAsStream("/torch-fixtures.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String name = null;
      Map<String, String> options = null;
      Map<String, int[]> shapes = null;
      Map<String, String[]> values = null;
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("#") || line.isEmpty()) {
          continue;
        }
        if (line.startsWith("case ")) {
          name = line.substring(5);
          options = new LinkedHashMap<>();
          shapes = new LinkedHashMap<>();
          values = new LinkedHashMap<>();
        } else if (line.startsWith("options")) {
          for (String kv : line.substring(7).trim().split(" ")) {
            int eq = kv.indexOf('=');
            options.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        } else if (line.equals("end")) {
          out.add(new Fixture(name, options, shapes, values, new java.util.HashSet<>()));
        } else {
          // "NAME DIMS : VALUES", DIMS empty for rank 0, VALUES empty for an empty tensor
          int colon = line.indexOf(':');
          String[] head = line.substring(0, colon).trim().split("\\s+");
          int[] shape = head.length == 1 ? new int[0]
              : java.util.Arrays.stream(head[1].split(",")).mapToInt(Integer::parseInt).toArray();
          String body = line.substring(colon + 1).trim();
          shapes.put(head[0], shape);
          values.put(head[0], body.isEmpty() ? new String[0] : body.split("\\s+"));
        }
      }
    }
    assertTrue(out.size() >= 115, "fixtures read: " + out.size());
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void matchesPyTorch(Fixture f) {
    String kind = f.text("loss");
    Tensor pred = f.input("pred");
    float[] loss = new float[f.output("loss").length];
    if (kind.equals("Triplet")) {
      TripletLoss.Builder b = TripletLoss.builder().margin(f.floatOption("margin", 1f))
          .batchAxis(f.option("batchAxis", 0));
      if (f.options.containsKey("weight")) {
        b.weight(f.floatOption("weight", 1f));
      }
      TripletLoss l = b.build();
      Tensor positive = f.input("positive");
      Tensor negative = f.input("negative");
      float[] gp = new float[pred.size()];
      float[] gq = new float[pred.size()];
      float[] gr = new float[pred.size()];
      l.forwardBackward(pred, positive, negative, loss, gp, gq, gr);
      near(f, "loss", loss);
      near(f, "gradPred", gp);
      near(f, "gradPositive", gq);
      near(f, "gradNegative", gr);
      assertArrayEquals(loss, l.forward(pred, positive, negative), f.name + ": forward and forwardBackward");
      f.assertAllUsed();
      return;
    }
    float[] grad = new float[pred.size()];
    if (kind.equals("CTC")) {
      CTCLoss.Builder b = CTCLoss.builder().layout(f.text("layout"))
          .zeroInfinity(f.flag("zeroInfinity", false));
      if (f.options.containsKey("weight")) {
        b.weight(f.floatOption("weight", 1f));
      }
      CTCLoss l = b.build();
      Tensor label = f.input("label");
      Tensor predLengths = f.input("predLengths");
      Tensor labelLengths = f.input("labelLengths");
      Tensor sampleWeight = f.input("sampleWeight");
      l.forwardBackward(pred, label, predLengths, labelLengths, sampleWeight, loss, grad);
      near(f, "loss", loss);
      near(f, "grad", grad);
      assertArrayEquals(loss, l.forward(pred, label, predLengths, labelLengths, sampleWeight), f.name + ": forward");
      f.assertAllUsed();
      return;
    }
    LabeledLoss l = labeled(f, kind);
    Tensor label = f.input("label");
    Tensor sampleWeight = f.input("sampleWeight");
    l.forwardBackward(pred, label, sampleWeight, loss, grad);
    near(f, "loss", loss);
    near(f, "grad", grad);
    assertArrayEquals(loss, l.forward(pred, label, sampleWeight), f.name + ": forward and forwardBackward");
    f.assertAllUsed();
  }

  static LabeledLoss labeled(Fixture f, String kind) {
    Loss.Builder<? extends LabeledLoss, ?> b;
    switch (kind) {
      case "L2": b = L2Loss.builder(); break;
      case "L1": b = L1Loss.builder(); break;
      case "Huber": b = HuberLoss.builder().rho(f.floatOption("rho", 1f)); break;
      case "Hinge": b = HingeLoss.builder().margin(f.floatOption("margin", 1f)); break;
      case "SquaredHinge": b = SquaredHingeLoss.builder().margin(f.floatOption("margin", 1f)); break;
      case "Logistic": b = LogisticLoss.builder(); break;
      case "SigmoidBCE": b = SigmoidBinaryCrossEntropyLoss.builder().fromSigmoid(f.flag("fromSigmoid", false)); break;
      case "SoftmaxCE":
        b = SoftmaxCrossEntropyLoss.builder().axis(f.option("axis", -1)).sparseLabel(f.flag("sparseLabel", true))
            .fromLogits(f.flag("fromLogits", false));
        break;
      case "KLDiv": b = KLDivLoss.builder().axis(f.option("axis", -1)).fromLogits(f.flag("fromLogits", true)); break;
      default: throw new IllegalArgumentException("unknown loss in the fixtures: " + kind);
    }
    if (f.options.containsKey("weight")) {
      b.weight(f.floatOption("weight", 1f));
    }
    return b.batchAxis(f.option("batchAxis", 0)).build();
  }

  /** Every element within {@link #TOLERANCE} of PyTorch's, relative to max(|ref|, the output's mean |ref|). */
  static void near(Fixture f, String key, float[] actual) {
    double[] ref = f.output(key);
    assertEquals(ref.length, actual.length, f.name + ": " + key + " length");
    double mean = 0;
    for (double x : ref) {
      mean += Math.abs(x);
    }
    mean /= Math.max(1, ref.length);
    for (int i = 0; i < ref.length; i++) {
      double tol = TOLERANCE * Math.max(Math.abs(ref[i]), mean);
      assertTrue(Math.abs(actual[i] - ref[i]) <= tol, f.name + ": " + key + "[" + i + "] = " + actual[i]
          + ", PyTorch " + ref[i] + " (tolerance " + tol + ")");
    }
  }
}
