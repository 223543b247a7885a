package io.simdloss.jmh;

import org.openjdk.jmh.annotations.Fork;

/** {@link LossBenchmarks} on the scalar backend, in its own fork so the choice cannot leak. */
@Fork(value = 1, jvmArgsAppend = {"-Dsimdloss.backend=scalar"})
public class ScalarBackend extends LossBenchmarks {}
