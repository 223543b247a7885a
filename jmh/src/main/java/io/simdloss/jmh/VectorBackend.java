package io.simdloss.jmh;

import org.openjdk.jmh.annotations.Fork;

/** {@link LossBenchmarks} on the Vector API backend. */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdloss.backend=vector"})
public class VectorBackend extends LossBenchmarks {}
