package io.simdloss;

import io.simdloss.internal.KernelProvider;

/**
 * Which kernels this JVM runs. The choice is made once, at first use of any loss (see README, "Backends"):
 * the Vector API kernels when {@code jdk.incubator.vector} is resolved, C2 is on and the preferred vector is
 * at least 128 bits; otherwise the scalar kernels. {@code -Dsimdloss.backend=auto|vector|scalar} overrides.
 */
public final class Backend {
  private Backend() {}

  /**
   * The active backend, e.g. {@code vector 512-bit} or {@code scalar (jdk.incubator.vector not resolved; ...)}.
   * Calling it makes the choice if no loss has run yet.
   *
   * @throws IllegalStateException if {@code -Dsimdloss.backend=vector} was asked for where it cannot run
   */
  public static String active() {
    return KernelProvider.get().describe();
  }

  /** True when the Vector API kernels are active. */
  public static boolean isVector() {
    return active().startsWith("vector");
  }
}
