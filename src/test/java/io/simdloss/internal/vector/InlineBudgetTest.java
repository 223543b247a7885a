package io.simdloss.internal.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The 16- and 8-lane reductions are fast because C2 can inline them, and C2 inlines a hot callee only up to
 * {@code FreqInlineSize} = 325 bytes of bytecode (and any callee up to {@code MaxInlineSize} = 35 bytes), the
 * defaults of JDK 17 and JDK 25. A later edit that adds a few bytes would silently turn them back into calls (on
 * JDK 25 the canonical dot at n = 100 went from 22.9 to 19.1 ns when it became inlinable), so this test reads the
 * compiled class file and checks the sizes. It also checks the opposite where a method must stay a compilation
 * of its own (VectorMath's cold paths, the CTC passes). It reads bytes only: no Vector API class is loaded, and it
 * runs in every surefire execution.
 */
class InlineBudgetTest {
  private static final int FREQ_INLINE_SIZE = 325;

  /**
   * All of Reductions16's, and Reductions8's sums. Since the window order (session 21) Reductions8's
   * {@code dot}, {@code crossEntropy}, {@code dotShort} and {@code crossEntropyShort} are 367-465 bytes, so calls:
   * they take arrays and return a float, so nothing boxes, and the 256-bit report stayed within the bound with
   * them (docs/performance-history.md, "What reproducibility costs", session 21).
   */
  @Test
  void theSixteenAndEightLaneReductionsFitC2sInliningBudget() throws IOException {
    for (String kernels : new String[] {"Reductions16", "Reductions8"}) {
      Map<String, Integer> sizes = codeSizes("io/simdloss/internal/vector/" + kernels + ".class");
      String[] hotOnes = kernels.equals("Reductions8") ? new String[] {"sum", "sumShort"}
          : new String[] {"sum", "dot", "crossEntropy", "sumShort", "dotShort", "crossEntropyShort", "sumLong",
              "dotLong"};
      for (String hot : hotOnes) {
        Integer size = sizes.get(hot);
        assertNotNull(size, kernels + "." + hot + " not found in " + sizes);
        assertTrue(size <= FREQ_INLINE_SIZE, kernels + "." + hot + " is " + size + " bytes of bytecode, more than "
            + "FreqInlineSize (" + FREQ_INLINE_SIZE + "): C2 would no longer inline it (see Reductions16)");
      }
    }
    Map<String, Integer> sizes = codeSizes("io/simdloss/internal/vector/Reductions16.class");
    Integer triplet = sizes.get("tripletSum");
    assertNotNull(triplet, "Reductions16.tripletSum not found in " + sizes);
    assertTrue(triplet <= FREQ_INLINE_SIZE, "Reductions16.tripletSum is " + triplet + " bytes of bytecode, more than "
        + "FreqInlineSize (" + FREQ_INLINE_SIZE + ")");
  }

  /**
   * VectorMath's public functions take and return vectors, so a call C2 does not inline boxes them: each must stay
   * inlinable when hot (softplus is the tightest). Its cold paths are the opposite: one method that C2 must never
   * inline (see VectorMath.coldPath and the README's "Allocation after other losses").
   */
  @Test
  void vectorMathFunctionsFitC2sInliningBudget() throws IOException {
    Map<String, Integer> sizes = codeSizes("io/simdloss/internal/vector/VectorMath.class");
    for (String hot : new String[] {"exp", "log", "log1p", "softplus", "log1pUnit"}) {
      Integer size = sizes.get(hot);
      assertNotNull(size, "VectorMath." + hot + " not found in " + sizes);
      assertTrue(size <= FREQ_INLINE_SIZE, "VectorMath." + hot + " is " + size + " bytes of bytecode, more than "
          + "FreqInlineSize (" + FREQ_INLINE_SIZE + "): C2 would call it and box its vectors");
    }
    Integer cold = sizes.get("coldPath");
    assertNotNull(cold, "VectorMath.coldPath not found in " + sizes);
    assertTrue(cold > FREQ_INLINE_SIZE, "VectorMath.coldPath is " + cold + " bytes of bytecode, not more than "
        + "FreqInlineSize (" + FREQ_INLINE_SIZE + "): C2 could inline it, and its IR nodes push kernels past the "
        + "inlining cutoff");
  }

  /**
   * The CTC recursion's vector passes are the opposite case: each must be a compilation of its own, never inlined
   * into CtcRecursion's large compilations, where C2's budgets can run out before the Vector API's methods are
   * inlined (session 11: about 15 KB boxed per warmed-up CTC gradient call, in one test JVM in ten). See the class
   * comment of CtcPasses.
   */
  @Test
  void theCtcPassesAreTooBigToInline() throws IOException {
    Map<String, Integer> sizes = codeSizes("io/simdloss/internal/vector/CtcPasses.class");
    for (String pass : new String[] {"select", "exp", "logAddExpFinish", "occupancy"}) {
      Integer size = sizes.get(pass);
      assertNotNull(size, "CtcPasses." + pass + " not found in " + sizes);
      assertTrue(size > FREQ_INLINE_SIZE, "CtcPasses." + pass + " is " + size + " bytes of bytecode, not "
          + "more than FreqInlineSize (" + FREQ_INLINE_SIZE + "): C2 could inline it into CtcRecursion");
    }
  }

  /**
   * The strided softmax numerators the same way: {@code expSumStrided} must not be inlined into the transposed
   * softmax rows of {@code SoftmaxCrossEntropyLoss}, where a compile before the kernel's own profile left its exp
   * call unprofiled, judged cold and called (boxing), session 14. See its Javadoc.
   */
  @Test
  void theStridedSoftmaxNumeratorsAreTooBigToInline() throws IOException {
    Map<String, Integer> sizes = codeSizes("io/simdloss/internal/vector/PanamaLossKernels.class");
    for (String kernel : new String[] {"expSumStrided"}) {
      Integer size = sizes.get(kernel);
      assertNotNull(size, "PanamaLossKernels." + kernel + " not found");
      assertTrue(size > FREQ_INLINE_SIZE, "PanamaLossKernels." + kernel + " is " + size + " bytes of bytecode, not "
          + "more than FreqInlineSize (" + FREQ_INLINE_SIZE + "): C2 could inline it into the transposed softmax rows");
    }
  }

  /** The reader itself, on a class whose method sizes are known from {@code javap -c}. */
  @Test
  void theReaderFindsKnownSizes() throws IOException {
    Map<String, Integer> sizes = codeSizes("io/simdloss/internal/vector/InlineBudgetTest$Known.class");
    assertEquals(2, sizes.get("one")); // iconst_1, ireturn
    assertEquals(4, sizes.get("twice")); // iload_0, iload_0, iadd, ireturn
  }

  @SuppressWarnings("unused")
  private static final class Known {
    static int one() {
      return 1;
    }

    static int twice(int x) {
      return x + x;
    }
  }

  /**
   * Method name to code length (the largest, if a name is overloaded), from the class file format (JVMS 4): the
   * constant pool, then fields and methods with their attributes; a method's {@code Code} attribute holds
   * max_stack (u2), max_locals (u2) and code_length (u4).
   */
  private static Map<String, Integer> codeSizes(String resource) throws IOException {
    InputStream raw = InlineBudgetTest.class.getClassLoader().getResourceAsStream(resource);
    assertNotNull(raw, resource + " not on the test class path");
    try (DataInputStream in = new DataInputStream(raw)) {
      assertEquals(0xCAFEBABE, in.readInt(), "not a class file: " + resource);
      in.readUnsignedShort(); // minor version
      in.readUnsignedShort(); // major version
      int count = in.readUnsignedShort();
      String[] utf8 = new String[count];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1: // Utf8
            utf8[i] = in.readUTF();
            break;
          case 3: // Integer
          case 4: // Float
          case 9: // Fieldref
          case 10: // Methodref
          case 11: // InterfaceMethodref
          case 12: // NameAndType
          case 17: // Dynamic
          case 18: // InvokeDynamic
            in.readInt();
            break;
          case 5: // Long
          case 6: // Double: two slots
            in.readLong();
            i++;
            break;
          case 7: // Class
          case 8: // String
          case 16: // MethodType
          case 19: // Module
          case 20: // Package
            in.readUnsignedShort();
            break;
          case 15: // MethodHandle
            in.readUnsignedByte();
            in.readUnsignedShort();
            break;
          default:
            throw new IOException("unknown constant pool tag " + tag + " in " + resource);
        }
      }
      in.readUnsignedShort(); // access flags
      in.readUnsignedShort(); // this class
      in.readUnsignedShort(); // super class
      int interfaces = in.readUnsignedShort();
      for (int i = 0; i < interfaces; i++) {
        in.readUnsignedShort();
      }
      int fields = in.readUnsignedShort();
      for (int i = 0; i < fields; i++) {
        in.readUnsignedShort(); // access
        in.readUnsignedShort(); // name
        in.readUnsignedShort(); // descriptor
        skipAttributes(in);
      }
      Map<String, Integer> sizes = new HashMap<>();
      int methods = in.readUnsignedShort();
      for (int i = 0; i < methods; i++) {
        in.readUnsignedShort(); // access
        String name = utf8[in.readUnsignedShort()];
        in.readUnsignedShort(); // descriptor
        int attributes = in.readUnsignedShort();
        for (int j = 0; j < attributes; j++) {
          String attribute = utf8[in.readUnsignedShort()];
          int length = in.readInt();
          if (attribute.equals("Code")) {
            in.readUnsignedShort(); // max_stack
            in.readUnsignedShort(); // max_locals
            int codeLength = in.readInt();
            in.skipNBytes(length - 8);
            sizes.merge(name, codeLength, Math::max);
          } else {
            in.skipNBytes(length);
          }
        }
      }
      return sizes;
    }
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int j = 0; j < attributes; j++) {
      in.readUnsignedShort();
      in.skipNBytes(in.readInt());
    }
  }
}
