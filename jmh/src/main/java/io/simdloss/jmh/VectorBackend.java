package io.simdloss.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link LossBenchmarks} on the Vector API backend. Its default warm-up is longer: Vector API code is only fast
 * once C2 has compiled it (and scalar-replaced the vector objects; until then it allocates and runs slower
 * than scalar code).
 */
@State(Scope.Thread)
@Warmup(iterations = 6, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=vector"})
public class VectorBackend extends LossBenchmarks {
  /** See {@link Checks#requireBackend}. */
  @Setup(Level.Trial)
  public void requireTheVectorBackend() {
    Checks.requireBackend(true);
  }
}
