package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.simdloss.internal.KernelProvider;
import org.junit.jupiter.api.Test;

/**
 * Each surefire execution says which backend it expects ({@code -Dsimdloss.expect=vector|vector-256|vector-128|
 * scalar}, see the pom); a silent fallback to another backend fails here. Skipped when the property is absent
 * (a run from an IDE).
 */
class BackendTest {

  @Test
  void activeBackendIsTheExpectedOne() {
    String expect = System.getProperty("simdloss.expect");
    assumeTrue(expect != null, "simdloss.expect not set (not run by the build)");
    String active = Backend.active();
    switch (expect.trim()) {
      case "vector":
        assertTrue(active.startsWith("vector "), () -> "expected the vector backend, got '" + active + "'");
        break;
      case "vector-256":
        assertEquals("vector 256-bit", active);
        break;
      case "vector-128":
        assertEquals("vector 128-bit", active);
        break;
      case "scalar":
        assertTrue(active.startsWith("scalar"), () -> "expected the scalar backend, got '" + active + "'");
        break;
      default:
        fail("unknown -Dsimdloss.expect=" + expect);
    }
  }

  @Test
  void isVectorAgreesWithActive() {
    String active = Backend.active();
    assertEquals(active.startsWith("vector"), Backend.isVector(), active);
    // the choice is made once: the same description every time, and it is the kernels' own
    assertEquals(active, Backend.active());
    assertEquals(active, KernelProvider.get().describe());
  }
}
