package io.simdloss.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * Decides once, at first use, which {@link LossKernels} implementation runs: the Vector API one when it can
 * run well here, otherwise the plain-Java one, with one {@link System.Logger} line saying why.
 *
 * <p>The Vector API kernels are chosen when all of these hold:
 * <ul>
 *   <li>the module {@code jdk.incubator.vector} is resolved in the boot layer (the JVM was started with
 *       {@code --add-modules jdk.incubator.vector});
 *   <li>HotSpot's C2 compiler is on (not {@code -Xint}, not C1 only via {@code -XX:TieredStopAtLevel<4}):
 *       without C2 the Vector API runs as Java loops over boxed lanes, far slower than scalar code;
 *   <li>the preferred float species is at least 128 bits wide (4 lanes): narrower gains nothing.
 * </ul>
 * {@code -Dsimdloss.backend=auto|vector|scalar} overrides: {@code scalar} always works, {@code vector} fails
 * at first use with an {@link IllegalStateException} when the module is absent.
 *
 * <p>This class never references a Vector API type; the Vector API implementation is looked up by name, so
 * the scalar path never loads a Vector API class.
 */
public final class KernelProvider {
  /** The system property that forces a backend. */
  public static final String PROPERTY = "simdloss.backend";

  private static final String VECTOR_IMPL = "io.simdloss.internal.vector.PanamaLossKernels";
  private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());

  private KernelProvider() {}

  /**
   * The kernels chosen for this JVM. The decision is made once, on first call (holder idiom).
   *
   * @throws IllegalStateException on every call if {@code -Dsimdloss.backend} asked for what cannot run
   */
  public static LossKernels get() {
    LossKernels k = Holder.INSTANCE;
    if (k == null) {
      throw new IllegalStateException(Holder.FAILURE.getMessage(), Holder.FAILURE);
    }
    return k;
  }

  /** The plain-Java kernels, always available (for tests and explicit comparisons). */
  public static LossKernels scalar() {
    return ScalarLossKernels.INSTANCE;
  }

  /**
   * The decision, or why it failed. A failure is kept rather than thrown from the static initializer, so that
   * every call gets the same IllegalStateException instead of an ExceptionInInitializerError followed by
   * NoClassDefFoundErrors.
   */
  private static final class Holder {
    static final IllegalStateException FAILURE;
    static final LossKernels INSTANCE;

    static {
      LossKernels chosen = null;
      IllegalStateException failure = null;
      try {
        chosen = decide(System.getProperty(PROPERTY, "auto"));
      } catch (IllegalStateException e) {
        failure = e;
      }
      INSTANCE = chosen;
      FAILURE = failure;
    }
  }

  /** The decision for a value of {@code -Dsimdloss.backend}; package-private for tests. */
  static LossKernels decide(String property) {
    String requested = property.trim().toLowerCase(Locale.ROOT);
    switch (requested) {
      case "scalar":
        LOG.log(System.Logger.Level.INFO, "simdloss: scalar backend (forced by -D" + PROPERTY + "=scalar)");
        return new ScalarLossKernels("scalar (forced by -D" + PROPERTY + "=scalar)");
      case "vector": {
        String why = vectorUnavailableReason(false);
        if (why != null) {
          throw new IllegalStateException("-D" + PROPERTY + "=vector: the vector backend cannot run here: "
              + why);
        }
        return loadVector();
      }
      case "auto": {
        String why = vectorUnavailableReason(true);
        if (why == null) {
          return loadVector();
        }
        LOG.log(System.Logger.Level.INFO, "simdloss: scalar backend, because " + why);
        return new ScalarLossKernels("scalar (" + why + ")");
      }
      default:
        throw new IllegalStateException("-D" + PROPERTY + ": expected auto, vector or scalar, got '"
            + requested + "'");
    }
  }

  /**
   * Why the vector kernels should not run here, or null when they should. With {@code performanceChecks}
   * false only the hard requirement (the module) is checked: a forced {@code vector} still runs under
   * {@code -Xint}, slowly, which is what a test of the interpreter wants.
   */
  static String vectorUnavailableReason(boolean performanceChecks) {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return "jdk.incubator.vector not resolved; start the JVM with --add-modules jdk.incubator.vector";
    }
    if (!performanceChecks) {
      return null;
    }
    String noC2 = c2Missing();
    if (noC2 != null) {
      return noC2;
    }
    int bits = preferredBits();
    if (bits < 128) {
      return "the preferred vector is only " + bits + " bits";
    }
    return null;
  }

  /** Reads the JVM flags; returns why C2 is unavailable, or null. */
  private static String c2Missing() {
    String vmName = System.getProperty("java.vm.name", "");
    String vmInfo = System.getProperty("java.vm.info", "");
    if (vmInfo.contains("interpreted mode")) {
      return "the JVM runs in interpreted mode (-Xint), so the Vector API would not be compiled";
    }
    if (!vmName.contains("HotSpot") && !vmName.contains("OpenJDK")) {
      return null; // not HotSpot: nothing more we can check, trust it
    }
    List<String> args;
    try {
      args = ManagementFactory.getRuntimeMXBean().getInputArguments();
    } catch (RuntimeException | LinkageError e) {
      return null; // java.management absent: cannot tell, assume the default (C2 on)
    }
    for (String a : args) {
      if (a.equals("-Xint")) {
        return "the JVM runs with -Xint, so the Vector API would not be compiled";
      }
      if (a.startsWith("-XX:TieredStopAtLevel=")) {
        String level = a.substring("-XX:TieredStopAtLevel=".length());
        if (!level.equals("4")) {
          return "C2 is off (" + a + "), so the Vector API would not be compiled";
        }
      }
      if (a.equals("-XX:-UseCompiler")) {
        return "the JIT is off (" + a + ")";
      }
    }
    return null;
  }

  private static int preferredBits() {
    try {
      return (int) MethodHandles.publicLookup()
          .findStatic(Class.forName(VECTOR_IMPL), "preferredBits", MethodType.methodType(int.class))
          .invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException("simdloss: cannot query the Vector API", t);
    }
  }

  private static LossKernels loadVector() {
    try {
      return (LossKernels) Class.forName(VECTOR_IMPL).getConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("simdloss: cannot load the vector backend", e);
    }
  }
}
