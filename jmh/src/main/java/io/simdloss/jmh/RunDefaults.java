package io.simdloss.jmh;

import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.TimeValue;

/** A report's warm-up and measurement settings, applied where its command line does not set them. */
public final class RunDefaults {
  private RunDefaults() {}

  public static void apply(CommandLineOptions cmd, ChainedOptionsBuilder b, int warmupIterations, TimeValue warmup,
      int measurementIterations, TimeValue measurement) {
    if (!cmd.getWarmupIterations().hasValue()) {
      b.warmupIterations(warmupIterations);
    }
    if (!cmd.getWarmupTime().hasValue()) {
      b.warmupTime(warmup);
    }
    if (!cmd.getMeasurementIterations().hasValue()) {
      b.measurementIterations(measurementIterations);
    }
    if (!cmd.getMeasurementTime().hasValue()) {
      b.measurementTime(measurement);
    }
  }
}
