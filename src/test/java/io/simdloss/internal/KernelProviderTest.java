package io.simdloss.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.simdloss.Backend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The backend decision: the override property, its errors, and (in child JVMs) the automatic fallbacks and
 * the promise that the scalar path loads no Vector API class.
 */
class KernelProviderTest {
  private static boolean moduleResolved() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  @Test
  void scalarCanAlwaysBeForced() {
    LossKernels k = KernelProvider.decide("scalar");
    assertEquals("scalar (forced by -Dsimdloss.backend=scalar)", k.describe());
    assertEquals("scalar (forced by -Dsimdloss.backend=scalar)", KernelProvider.decide(" SCALAR ").describe());
  }

  @Test
  void unknownValueIsAClearError() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelProvider.decide("simd"));
    assertTrue(e.getMessage().contains("-Dsimdloss.backend"), e.getMessage());
    assertTrue(e.getMessage().contains("auto, vector or scalar"), e.getMessage());
    assertTrue(e.getMessage().contains("'simd'"), e.getMessage());
  }

  @Test
  void forcedVectorWithoutTheModuleIsAClearError() {
    assumeTrue(!moduleResolved(), "only meaningful where the module is absent");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelProvider.decide("vector"));
    assertTrue(e.getMessage().contains("jdk.incubator.vector not resolved"), e.getMessage());
  }

  @Test
  void forcedVectorWithTheModuleRuns() {
    assumeTrue(moduleResolved());
    assertTrue(KernelProvider.decide("vector").describe().matches("vector \\d+-bit"));
  }

  @Test
  void autoWithoutTheModuleSaysWhy() {
    assumeTrue(!moduleResolved());
    assertEquals("scalar (jdk.incubator.vector not resolved; start the JVM with --add-modules "
        + "jdk.incubator.vector)", KernelProvider.decide("auto").describe());
  }

  // ---- child JVMs: flags that cannot change inside this one -----------------------------------------------

  /** Prints Backend.active() after running a loss, so the backend is really used. */
  public static final class PrintBackend {
    public static void main(String[] args) {
      float[] x = {1f, 2f, 3f, 4f};
      float[] y = new io.simdloss.SoftmaxCrossEntropyLoss()
          .forward(io.simdloss.Tensor.of(x, 1, 4), io.simdloss.Tensor.of(new float[] {1f}, 1));
      System.out.println("BACKEND=" + Backend.active() + " LOSS=" + y[0]);
    }
  }

  private static String runChild(String... jvmFlags) throws IOException, InterruptedException {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(List.of(jvmFlags));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(PrintBackend.class.getName());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM timed out");
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    return text;
  }

  @Test
  void interpreterFallsBackToScalarAndSaysWhy() throws Exception {
    String out = runChild("--add-modules", "jdk.incubator.vector", "-Xint");
    assertTrue(out.contains("BACKEND=scalar (the JVM runs in interpreted mode"), out);
    // the one System.Logger line
    assertTrue(out.contains("simdloss: scalar backend, because the JVM runs in interpreted mode"), out);
  }

  @Test
  void c1OnlyFallsBackToScalar() throws Exception {
    String out = runChild("--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1");
    assertTrue(out.contains("BACKEND=scalar (C2 is off (-XX:TieredStopAtLevel=1)"), out);
  }

  @Test
  void missingModuleFallsBackToScalar() throws Exception {
    String out = runChild();
    assertTrue(out.contains("BACKEND=scalar (jdk.incubator.vector not resolved"), out);
  }

  /** Calls a loss twice under a bad backend request and prints what each call threw. */
  public static final class CallTwice {
    public static void main(String[] args) {
      for (int i = 0; i < 2; i++) {
        try {
          new io.simdloss.L1Loss().forward(io.simdloss.Tensor.of(new float[] {1f}, 1),
              io.simdloss.Tensor.of(new float[] {2f}, 1));
          System.out.println("CALL" + i + "=ok");
        } catch (RuntimeException | Error e) {
          System.out.println("CALL" + i + "=" + e.getClass().getName() + ": " + e.getMessage());
        }
      }
    }
  }

  @Test
  void badRequestIsTheSameIllegalStateExceptionOnEveryCall() throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Dsimdloss.backend=bogus", "-cp",
        System.getProperty("java.class.path"), CallTwice.class.getName()).redirectErrorStream(true).start();
    String text;
    try (InputStream in = p.getInputStream()) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    for (int i = 0; i < 2; i++) {
      assertTrue(text.contains("CALL" + i + "=java.lang.IllegalStateException: -Dsimdloss.backend: expected auto, "
          + "vector or scalar, got 'bogus'"), text);
    }
  }

  @Test
  void forcedVectorWithoutModuleFailsAtFirstUse() throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Dsimdloss.backend=vector", "-cp",
        System.getProperty("java.class.path"), PrintBackend.class.getName()).redirectErrorStream(true).start();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(buffer);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String text = buffer.toString(StandardCharsets.UTF_8);
    assertTrue(p.exitValue() != 0, text);
    assertTrue(text.contains("-Dsimdloss.backend=vector: the vector backend cannot run here"), text);
  }

  @Test
  void forcedScalarLoadsNoVectorApiClass() throws Exception {
    String out = runChild("--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=scalar",
        "-Xlog:class+load=info");
    assertTrue(out.contains("BACKEND=scalar (forced"), out);
    assertTrue(out.contains("io.simdloss.internal.ScalarLossKernels"), "class loading log present");
    assertFalse(out.contains("jdk.incubator.vector."), "a Vector API class was loaded:\n"
        + out.lines().filter(l -> l.contains("jdk.incubator.vector.")).findFirst().orElse(""));
    assertFalse(out.contains("io.simdloss.internal.vector."), "a Panama kernel class was loaded");
  }

  @Test
  void autoWithModuleAndC2PicksVector() throws Exception {
    String out = runChild("--add-modules", "jdk.incubator.vector");
    assertTrue(out.matches("(?s).*BACKEND=vector \\d+-bit.*"), out);
  }
}
