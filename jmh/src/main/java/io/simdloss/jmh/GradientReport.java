package io.simdloss.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The gradient-cost report (issue #4): for each loss of {@link GradientCost}, {@code forward} and then
 * {@code forwardBackward} in one JMH run of their own, so that the two are measured minutes apart at most rather
 * than a whole class apart (a single run of {@code GradientCost} does every forward first, and the host's state
 * changes in between), with several forks each, because where a fork's arrays land moves these memory-bound
 * kernels by up to 1.8x. Then one table: forward and forwardBackward us/op (medians of all iterations), and the
 * ratio forwardBackward / forward of the means (JMH's score), of the fastest iterations and of the medians,
 * against the goal (1.5x, CTC 2.5x). About 5 minutes on 2 cores (4 min 59 s in session 5).
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar io.simdloss.jmh.GradientReport                 # every loss
 * java -cp jmh/target/benchmarks.jar io.simdloss.jmh.GradientReport -p loss=L2,Hinge  # a subset
 * </pre>
 *
 * {@code -f} sets the forks for every loss (default: {@link #CHEAP_FORKS} for the cheap pointwise losses, whose
 * ratio moves most with the placement, {@link #FORKS} for the others); other JMH options pass through. JSON of all
 * runs: jmh/target/gradient-cost.json; the table also goes to jmh/target/gradient-cost.txt.
 */
public final class GradientReport {
  /** The cheap pointwise losses: memory-bound, so a fork's placement moves them most. */
  static final Set<String> CHEAP = Set.of("L2", "L1", "Huber", "Hinge", "SquaredHinge");
  static final int CHEAP_FORKS = 6;
  static final int FORKS = 3;

  private GradientReport() {}

  public static void main(String[] args) throws Exception {
    CommandLineOptions cmd = new CommandLineOptions(args);
    List<String> losses = new ArrayList<>(cmd.getParameter("loss").orElse(Arrays.asList(lossParam())));
    Path dir = QuickReport.targetDir();
    Instant start = Instant.now();
    StringBuilder table = new StringBuilder();
    table.append(String.format(Locale.ROOT, "| %-22s | %5s | %12s | %12s | %6s | %7s | %7s | %6s | %-7s |%n", "loss",
        "forks", "forward us", "fwd+bwd us", "means", "fastest", "medians", "goal", "verdict"));
    table.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    String json = "[]";
    for (String loss : losses) {
      int forks = cmd.getForkCount().orElse(CHEAP.contains(loss) ? CHEAP_FORKS : FORKS);
      Path part = dir.resolve("gradient-cost-" + loss + ".json");
      OptionsBuilder b = new OptionsBuilder();
      b.parent(cmd).include("io\\.simdloss\\.jmh\\.GradientCost\\.(forward|forwardBackward)$").param("loss", loss)
          .forks(forks).resultFormat(ResultFormatType.JSON).result(part.toString());
      // the settings of the README's gradient runs, where the command line does not set them
      RunDefaults.apply(cmd, b, 3, TimeValue.milliseconds(300), 6, TimeValue.milliseconds(200));
      Collection<RunResult> results = new Runner(b.build()).run();
      json = QuickReport.concatJsonArrays(json, Files.readString(part));
      Files.delete(part);
      double[] forward = null;
      double[] both = null;
      double forwardScore = Double.NaN;
      double bothScore = Double.NaN;
      for (RunResult r : results) {
        double[] its = iterations(r);
        if (r.getParams().getBenchmark().endsWith(".forward")) {
          forward = its;
          forwardScore = r.getPrimaryResult().getScore();
        } else {
          both = its;
          bothScore = r.getPrimaryResult().getScore();
        }
      }
      if (forward == null || both == null) {
        continue;
      }
      double goal = loss.startsWith("CTC") ? 2.5 : 1.5;
      double means = bothScore / forwardScore;
      double fastest = both[0] / forward[0];
      double medians = median(both) / median(forward);
      boolean met = means <= goal && fastest <= goal && medians <= goal;
      table.append(String.format(Locale.ROOT, "| %-22s | %5d | %12.1f | %12.1f | %5.2fx | %6.2fx | %6.2fx | %5.1fx | %-7s |%n",
          loss, forks, median(forward), median(both), means, fastest, medians, goal, met ? "met" : "MISSED"));
    }
    Duration took = Duration.between(start, Instant.now());
    String command = "java -cp jmh/target/benchmarks.jar io.simdloss.jmh.GradientReport"
        + (args.length == 0 ? "" : " " + String.join(" ", args));
    String out = String.format(Locale.ROOT, "%nsimdloss gradient cost: %s; JDK %s; took %d min %d s%ncommand: %s%n%n%s",
        QuickReport.cpuModel(), System.getProperty("java.version"), took.toMinutes(), took.toSecondsPart(), command,
        table);
    System.out.print(out);
    Files.writeString(dir.resolve("gradient-cost.txt"), out);
    Files.writeString(dir.resolve("gradient-cost.json"), json);
    System.out.println("JSON: " + dir.resolve("gradient-cost.json") + "\ntable: " + dir.resolve("gradient-cost.txt"));
  }

  /** The {@code loss} values declared on {@link GradientCost#loss}. */
  static String[] lossParam() throws NoSuchFieldException {
    return GradientCost.class.getField("loss").getAnnotation(org.openjdk.jmh.annotations.Param.class).value();
  }

  /** Every measured iteration of every fork, sorted (us/op). */
  static double[] iterations(RunResult r) {
    List<Double> all = new ArrayList<>();
    for (BenchmarkResult fork : r.getBenchmarkResults()) {
      for (IterationResult it : fork.getIterationResults()) {
        all.add(it.getPrimaryResult().getScore());
      }
    }
    return all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
