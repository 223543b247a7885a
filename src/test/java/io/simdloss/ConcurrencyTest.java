package io.simdloss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Loss objects are immutable and shared between threads; each thread has its own scratch. Eight threads call
 * shared losses 10,000 times each on a mix of generated calls (every loss, clean and with NaN/Inf) and get
 * bit for bit what one thread got. The backend decision is made once even when eight threads reach it at the
 * same moment at start-up (child JVMs).
 */
class ConcurrencyTest {
  static final int THREADS = 8;
  static final int CALLS = 10_000;

  @Test
  void eightThreadsGetWhatOneThreadGets() throws Exception {
    SplittableRandom r = new SplittableRandom(99);
    List<Generated> cases = new ArrayList<>();
    while (cases.size() < 48) {
      Generated g = Generated.random(r, cases.size() % 2 == 1);
      if (g.pred.length <= 256) {
        cases.add(g);
      }
    }
    float[][] expected = new float[cases.size()][];
    for (int j = 0; j < cases.size(); j++) {
      expected[j] = cases.get(j).run();
    }
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    AtomicInteger calls = new AtomicInteger();
    Thread[] threads = new Thread[THREADS];
    for (int k = 0; k < THREADS; k++) {
      int id = k;
      threads[k] = new Thread(() -> {
        try {
          start.await();
          float[][] outs = new float[cases.size()][];
          for (int j = 0; j < outs.length; j++) {
            outs[j] = new float[expected[j].length];
          }
          for (int i = 0; i < CALLS; i++) {
            int j = (id * 31 + i * 7) % cases.size();
            Generated g = cases.get(j);
            float[] got;
            if (i % 2 == 0) {
              got = g.run();
            } else {
              Arrays.fill(outs[j], Float.NaN);
              got = g.run(g.loss, outs[j]);
            }
            calls.incrementAndGet();
            for (int n = 0; n < got.length; n++) {
              if (Float.floatToIntBits(got[n]) != Float.floatToIntBits(expected[j][n])) {
                errors.add("thread " + id + " call " + i + " case " + j + " sample " + n + ": " + got[n] + " != "
                    + expected[j][n] + " in " + g);
                return;
              }
            }
          }
        } catch (Throwable t) {
          errors.add("thread " + id + ": " + t);
        }
      });
      threads[k].start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(300));
      assertTrue(!t.isAlive(), "a thread hangs");
    }
    assertTrue(errors.isEmpty(), () -> errors.size() + " threads failed, first: " + errors.peek());
    assertEquals(THREADS * CALLS, calls.get());
  }

  // ---- the backend decision under a start-up race (child JVMs) ------------------------------------------------

  /** Eight threads reach the backend decision at once: half through Backend.active(), half through a loss. */
  public static final class FirstUseRace {
    public static void main(String[] args) throws Exception {
      CountDownLatch ready = new CountDownLatch(THREADS);
      CountDownLatch go = new CountDownLatch(1);
      String[] seen = new String[THREADS];
      Thread[] threads = new Thread[THREADS];
      for (int k = 0; k < THREADS; k++) {
        int id = k;
        threads[k] = new Thread(() -> {
          ready.countDown();
          try {
            go.await();
            if (id % 2 == 0) {
              seen[id] = "backend " + Backend.active();
            } else {
              float[] y = new SoftmaxCrossEntropyLoss().forward(Tensor.of(new float[] {1f, 2f, 3f, 4f}, 1, 4),
                  Tensor.of(new float[] {1f}, 1));
              seen[id] = "backend " + Backend.active() + " loss " + Float.floatToIntBits(y[0]);
            }
          } catch (Throwable t) {
            seen[id] = "error " + t.getClass().getName() + ": " + t.getMessage();
          }
        });
        threads[k].start();
      }
      ready.await();
      go.countDown();
      for (Thread t : threads) {
        t.join();
      }
      TreeSet<String> distinct = new TreeSet<>();
      for (int k = 0; k < THREADS; k++) {
        // the loss threads add their loss bits; compare the backend part across all eight
        distinct.add(seen[k].replaceAll(" loss -?\\d+$", ""));
      }
      TreeSet<String> losses = new TreeSet<>();
      for (int k = 1; k < THREADS; k += 2) {
        losses.add(seen[k]);
      }
      System.out.println("DISTINCT=" + distinct.size() + " " + distinct);
      System.out.println("LOSSES=" + losses.size() + " " + losses);
    }
  }

  static String child(String... flags) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(flags));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(FirstUseRace.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text;
    try (InputStream in = p.getInputStream()) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM hangs:\n" + text);
    }
    assertEquals(0, p.exitValue(), text);
    return text;
  }

  /** Child JVMs do not depend on this JVM's backend: run them once, in the default execution. */
  static void onlyInTheDefaultExecution() {
    assumeTrue("vector".equals(System.getProperty("simdloss.expect")), "runs in the default execution only");
  }

  @Test
  void concurrentFirstUseSeesOneBackend() throws Exception {
    onlyInTheDefaultExecution();
    String vector = child("--add-modules", "jdk.incubator.vector");
    assertTrue(vector.contains("DISTINCT=1 [backend vector "), vector);
    assertTrue(vector.contains("LOSSES=1 "), vector);
    String scalar = child();
    assertTrue(scalar.contains("DISTINCT=1 [backend scalar (jdk.incubator.vector not resolved"), scalar);
    assertTrue(scalar.contains("LOSSES=1 "), scalar);
    // both backends give the same loss bits
    String vectorLoss = vector.substring(vector.indexOf(" loss ")).lines().findFirst().orElse("");
    String scalarLoss = scalar.substring(scalar.indexOf(" loss ")).lines().findFirst().orElse("");
    assertEquals(vectorLoss, scalarLoss);
  }

  @Test
  void concurrentFirstUseOfABadRequestFailsTheSameEverywhere() throws Exception {
    onlyInTheDefaultExecution();
    String bad = child("-Dsimdloss.backend=bogus");
    assertTrue(bad.contains("DISTINCT=1 [error java.lang.IllegalStateException: -Dsimdloss.backend: expected auto, "
        + "vector or scalar, got 'bogus']"), bad);
  }
}
