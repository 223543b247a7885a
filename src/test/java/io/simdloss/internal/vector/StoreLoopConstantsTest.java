package io.simdloss.internal.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Kernels whose loops store into a float[] or double[] must not take their constants from {@code static final}
 * vectors: a static final vector's lanes live in an array of the same type, so C2 reloads every such constant in
 * every iteration of a loop that stores (session 23; VectorMath's class comment has the C2 code and the cost,
 * softmax CE's forwardBackward 1.3x slower). This reads the bytecode with {@code javap} (in-process, from the
 * class files: no Vector API class is loaded, so it runs in every surefire execution) and checks that
 * {@code VectorMath.exp} and the CTC passes read no static field of a vector type.
 */
class StoreLoopConstantsTest {

  @Test
  void vectorMathExpReadsNoStaticFinalVector() throws Exception {
    assertNoVectorStatics("VectorMath", "exp");
  }

  @Test
  void theCtcPassesReadNoStaticFinalVector() throws Exception {
    for (String pass : new String[] {"exp", "occupancy", "logAddExpFinish"}) {
      assertNoVectorStatics("CtcPasses", pass);
    }
  }

  /** The check itself, on a method known to read a static final vector: log keeps its constants as vectors. */
  @Test
  void theCheckSeesAStaticFinalVector() throws Exception {
    List<String> reads = vectorStaticsRead("VectorMath", "log");
    assertTrue(reads.stream().anyMatch(line -> line.contains("Field L7:Ljdk/incubator/vector/FloatVector;")),
        "VectorMath.log should read L7, a static final vector: " + reads);
  }

  private static void assertNoVectorStatics(String className, String method) throws Exception {
    List<String> reads = vectorStaticsRead(className, method);
    assertTrue(reads.isEmpty(), className + "." + method + " reads static final vectors, which C2 reloads in every "
        + "iteration of a loop that stores (see VectorMath's class comment); broadcast the constant instead: "
        + reads);
  }

  /** The getstatic instructions of a vector type in the methods of that name (every overload). */
  private static List<String> vectorStaticsRead(String className, String method) throws Exception {
    String disassembly = javap(className);
    List<String> reads = new ArrayList<>();
    boolean inMethod = false;
    int methods = 0;
    for (String line : disassembly.split("\n")) {
      if (line.startsWith("  ") && !line.startsWith("   ") && line.endsWith(";")) { // a member's declaration
        inMethod = line.contains(" " + method + "(");
        methods += inMethod ? 1 : 0;
      } else if (inMethod && line.contains("getstatic") && (line.contains(":Ljdk/incubator/vector/FloatVector;")
          || line.contains(":Ljdk/incubator/vector/DoubleVector;"))) {
        reads.add(line.trim());
      }
    }
    assertTrue(methods > 0, className + "." + method + " not found by javap");
    return reads;
  }

  private static String javap(String className) throws URISyntaxException {
    URL url = StoreLoopConstantsTest.class.getClassLoader()
        .getResource("io/simdloss/internal/vector/" + className + ".class");
    assertNotNull(url, className + ".class not on the test class path");
    ToolProvider javap = ToolProvider.findFirst("javap").orElse(null);
    assertNotNull(javap, "no javap in this JDK");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = javap.run(new PrintWriter(out), new PrintWriter(err), "-c", "-p",
        new File(url.toURI()).getPath());
    assertEquals(0, status, "javap failed: " + err);
    return out.toString();
  }
}
