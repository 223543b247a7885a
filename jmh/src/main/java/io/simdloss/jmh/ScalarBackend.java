package io.simdloss.jmh;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** {@link LossBenchmarks} on the scalar backend, in its own fork so the choice cannot leak. */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Dsimdloss.backend=scalar"})
public class ScalarBackend extends LossBenchmarks {
  /** See {@link Checks#requireBackend}. */
  @Setup(Level.Trial)
  public void requireTheScalarBackend() {
    Checks.requireBackend(false);
  }
}
