package io.simdloss;

import static io.simdloss.HandComputedTest.near;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's "Quick start" is code a reader copies, so it must compile and do what its comments say. The
 * method {@link #quickStart} holds that code between two marker comments; {@link #readmeShowsThisCode} checks that
 * the README's first Java block is the same text (apart from its import and indentation), so the two cannot drift
 * apart; {@link #quickStartComputesSoftmaxCrossEntropy} checks its results against the softmax cross-entropy
 * computed here in double.
 */
class ReadmeExampleTest {

  private static final Path README = Path.of("README.md");
  private static final Path THIS_SOURCE = Path.of("src/test/java/io/simdloss/ReadmeExampleTest.java");

  /** What the quick start leaves behind, for the value checks. */
  private record Results(float[] loss, float[] out, SoftmaxCrossEntropyLoss dense, Tensor pred) {}

  private static Results quickStart() {
    // README quick start: begin
    float[] logits = {2f, 1f, 0.1f,   0.3f, 0.2f, 3f};          // 2 samples x 3 classes, row-major
    float[] labels = {0f, 2f};                                    // class indices, as floats
    Tensor pred  = Tensor.of(logits, 2, 3);                       // a view: no copy
    Tensor label = Tensor.of(labels, 2);

    SoftmaxCrossEntropyLoss ce = new SoftmaxCrossEntropyLoss();   // Gluon's defaults
    float[] loss = ce.forward(pred, label);                       // length 2: one value per sample

    // Options are Gluon's parameter names in camelCase:
    SoftmaxCrossEntropyLoss dense = SoftmaxCrossEntropyLoss.builder()
        .axis(1).sparseLabel(false).fromLogits(false).weight(0.5f).batchAxis(0).build();

    // Hot loops: reuse the output buffer; no allocation once the thread has seen its largest shape.
    float[] out = new float[2];
    ce.forward(pred, label, null, out);

    // A per-sample weight of shape (2, 1) broadcasts by numpy rules.
    ce.forward(pred, label, Tensor.of(new float[] {1f, 0.5f}, 2, 1), out);
    // README quick start: end
    return new Results(loss, out, dense, pred);
  }

  @Test
  void readmeShowsThisCode() throws IOException {
    List<String> readme = firstJavaBlock(Files.readAllLines(README));
    // the README's block starts with the import and a blank line, which a method body cannot hold
    assertEquals("import io.simdloss.*;", readme.get(0), "README.md: the quick start's first line");
    assertEquals("", readme.get(1), "README.md: the quick start's second line");
    List<String> source = between(Files.readAllLines(THIS_SOURCE), "// README quick start: begin",
        "// README quick start: end");
    assertEquals(dedent(readme.subList(2, readme.size())), dedent(source),
        "README.md's quick start and ReadmeExampleTest.quickStart must be the same code");
  }

  @Test
  void quickStartComputesSoftmaxCrossEntropy() {
    Results r = quickStart();
    // -log softmax(z)[label] = log(sum exp z) - z[label], in double
    double first = Math.log(Math.exp(2) + Math.exp(1) + Math.exp(0.1)) - 2;
    double second = Math.log(Math.exp(0.3) + Math.exp(0.2) + Math.exp(3)) - 3;
    near(new double[] {first, second}, r.loss());
    // out holds the last call: the per-sample weights 1 and 0.5 multiply the losses
    near(new double[] {first, 0.5 * second}, r.out());
    // the dense form with one-hot labels is the same loss, times its weight 0.5
    Tensor oneHot = Tensor.of(new float[] {1f, 0f, 0f, 0f, 0f, 1f}, 2, 3);
    near(new double[] {0.5 * first, 0.5 * second}, r.dense().forward(r.pred(), oneHot));
  }

  @Test
  void theIntoBufferFormReturnsItsBuffer() {
    Results r = quickStart();
    float[] out = new float[2];
    assertSame(out, new SoftmaxCrossEntropyLoss().forward(r.pred(), Tensor.of(new float[] {0f, 2f}, 2), null, out));
    assertArrayEquals(r.loss(), out, 0f, "forward into a buffer gives forward's values");
  }

  /** The lines of the first fenced ```java block. */
  private static List<String> firstJavaBlock(List<String> lines) {
    int start = lines.indexOf("```java");
    if (start < 0) {
      throw new AssertionError("README.md has no ```java block");
    }
    int end = lines.subList(start + 1, lines.size()).indexOf("```");
    if (end < 0) {
      throw new AssertionError("README.md: the first ```java block is not closed");
    }
    return lines.subList(start + 1, start + 1 + end);
  }

  /** The lines strictly between the line holding {@code from} and the one holding {@code to}. */
  private static List<String> between(List<String> lines, String from, String to) {
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(from) && !lines.get(i).contains("\"")) {
        start = i;
      } else if (start >= 0 && lines.get(i).contains(to) && !lines.get(i).contains("\"")) {
        return lines.subList(start + 1, i);
      }
    }
    throw new AssertionError(THIS_SOURCE + ": markers not found");
  }

  /** The lines without their common leading indentation (blank lines ignored for it) and trailing spaces. */
  private static List<String> dedent(List<String> lines) {
    int common = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        common = Math.min(common, l.length() - l.stripLeading().length());
      }
    }
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(l.isBlank() ? "" : l.substring(common).stripTrailing());
    }
    return out;
  }
}
