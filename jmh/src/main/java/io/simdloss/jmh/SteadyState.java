package io.simdloss.jmh;

import io.simdloss.Backend;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Whether a fresh JVM reaches the compiled speed of one loss call and stays there (the README's "JDK 17: a
 * compilation past C2's node budget"). Not a JMH benchmark: it calls one of {@link GradientCost}'s workloads
 * ({@code forward} or {@code forwardBackward}) for 4 s (or the seconds given) in this JVM and prints the time and
 * the bytes allocated per call over the last second. Run it in several JVMs: a JVM whose C2 left a Vector API
 * operation uncompiled shows 100x the time and about 1.5 MB per call, where the others show the compiled time and
 * 0 bytes.
 *
 * <pre>
 * for i in 1 2 3 4 5 6 7 8 9 10; do java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar \
 *   io.simdloss.jmh.SteadyState SigmoidBCE-fromSigmoid forward; done
 * </pre>
 *
 * Arguments: a {@code GradientCost} loss name, then {@code forward} or {@code forwardBackward}, then optionally the
 * seconds to run (at least 2; 4 by default), for calls so long (CTC, KLDiv with the softmax) that a JVM may still
 * be compiling them after 3 s.
 */
public final class SteadyState {
  private SteadyState() {}

  public static void main(String[] args) {
    GradientCost workload = new GradientCost();
    workload.loss = args[0];
    workload.setUp();
    boolean backward = args.length > 1 && args[1].equals("forwardBackward");
    long seconds = args.length > 2 ? Math.max(2, Long.parseLong(args[2])) : 4;
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long start = System.nanoTime();
    long lastSecond = start + (seconds - 1) * 1_000_000_000L;
    long calls = 0;
    long lastCalls = -1;
    long lastBytes = 0;
    float checksum = 0f;
    while (true) {
      long now = System.nanoTime();
      if (lastCalls < 0 && now >= lastSecond) {
        lastCalls = calls;
        lastBytes = threads.getCurrentThreadAllocatedBytes();
        lastSecond = now;
      }
      if (now - start >= seconds * 1_000_000_000L) {
        break;
      }
      checksum += (backward ? workload.forwardBackward() : workload.forward())[0];
      calls++;
    }
    long end = System.nanoTime();
    long bytes = threads.getCurrentThreadAllocatedBytes() - lastBytes;
    long n = Math.max(1, calls - lastCalls); // a call longer than the last second: report that one call
    System.out.printf(Locale.ROOT, "%s %s: %d calls in %d s; last second %.1f us/call, %d bytes/call; backend %s,"
        + " checksum %s%n", args[0], backward ? "forwardBackward" : "forward", calls, seconds,
        (end - lastSecond) / 1e3 / n, bytes / n, Backend.active(), checksum);
  }
}
