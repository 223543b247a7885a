package io.simdloss.jmh;

import io.simdloss.Backend;
import io.simdloss.SoftmaxCrossEntropyLoss;
import io.simdloss.Tensor;
import java.util.Locale;

/**
 * How long a fresh JVM takes to bring a loss call to its compiled speed (the README's "Warm-up"). Not a JMH
 * benchmark: JMH's warm-up is what this measures. It calls {@code SoftmaxCrossEntropyLoss.forward} into a reused
 * buffer for 5 s and prints the time per call averaged over each 250 ms batch, then the first call's time.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar io.simdloss.jmh.WarmUp 32 1000 [dense]
 * </pre>
 *
 * Arguments: rows, classes, and {@code dense} for one-hot labels (sparse class indices otherwise). Add
 * {@code -XX:MaxVectorSize=16} or {@code =32} for the narrower widths.
 */
public final class WarmUp {
  private WarmUp() {}

  public static void main(String[] args) {
    int rows = Integer.parseInt(args[0]);
    int classes = Integer.parseInt(args[1]);
    boolean sparse = args.length < 3 || !args[2].equals("dense");
    float[] x = new float[rows * classes];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.37) * 3f;
    }
    Tensor label;
    if (sparse) {
      float[] y = new float[rows];
      for (int i = 0; i < rows; i++) {
        y[i] = i % classes;
      }
      label = Tensor.of(y, rows);
    } else {
      float[] y = new float[rows * classes];
      for (int i = 0; i < rows; i++) {
        y[i * classes + i % classes] = 1f;
      }
      label = Tensor.of(y, rows, classes);
    }
    Tensor pred = Tensor.of(x, rows, classes);
    SoftmaxCrossEntropyLoss ce = SoftmaxCrossEntropyLoss.builder().sparseLabel(sparse).build();
    float[] out = new float[rows];
    long start = System.nanoTime();
    long calls = 0;
    long batchStart = start;
    long batchCalls = 0;
    double firstMicros = -1;
    while (System.nanoTime() - start < 5_000_000_000L) {
      long before = System.nanoTime();
      ce.forward(pred, label, null, out);
      long after = System.nanoTime();
      if (firstMicros < 0) {
        firstMicros = (after - before) / 1e3;
      }
      calls++;
      batchCalls++;
      if (after - batchStart > 250_000_000L) {
        System.out.printf(Locale.ROOT, "%5d ms %10d calls %12.3f us/call%n", (after - start) / 1_000_000, calls,
            (after - batchStart) / 1e3 / batchCalls);
        batchStart = after;
        batchCalls = 0;
      }
    }
    System.out.printf(Locale.ROOT, "first call %.0f us, backend %s, checksum %s%n", firstMicros, Backend.active(),
        out[0]);
  }
}
