package io.simdloss.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The quick profile: every workload on the vector backend, the scalar backend and in plain Java, plus the
 * read-bandwidth probe, at the reduced JMH configuration of the classes' annotations (1 fork, and
 * {@link #PLACEMENT_FORKS} for the memory-bound workloads of the goals; warm-up 3 x 300 ms, 6 x 400 ms for the
 * vector backend; measurement 3 x 250 ms; about 7-8 minutes on 2 cores), then one table per workload group with
 * ns/op and the speedups, and the goals.
 *
 * <pre>
 * ./mvnw -q -f jmh/pom.xml package
 * java -cp jmh/target/benchmarks.jar io.simdloss.jmh.QuickReport            # JSON: jmh/target/quick-profile.json
 * java -cp jmh/target/benchmarks.jar io.simdloss.jmh.QuickReport -prof gc   # adds B/op
 * </pre>
 *
 * Any JMH command-line option may follow and overrides the defaults (a regexp selects a subset, -rff another
 * JSON file). The tables also go to jmh/target/quick-profile.txt, and the machine, JDK and command to
 * jmh/target/quick-profile-meta.json for {@code jmh/chart.py}.
 */
public final class QuickReport {
  static final String VARIANTS = "io\\.simdloss\\.jmh\\.(VectorBackend|ScalarBackend|PlainJava|ReadBandwidth)\\.";

  /**
   * The memory-bound workloads behind the bandwidth and 6x goals: the cheap pointwise losses at 64x1024 (vector and
   * plain Java), L2 and L1 at 4M elements, and the 32 MB probe. Where a fork's arrays land relative to the cache
   * lines moved these by up to 1.8x from one fork to the next (see ReproducibilityCost); one fork each made the
   * goal verdicts a draw of the placement (session 4: l2_4M at 70% of the probe and l1_4M, the same loads, at
   * 100% in one run). They run with {@link #PLACEMENT_FORKS} forks, and the table shows the mean over all forks.
   */
  static final String PLACEMENT_BOUND = "io\\.simdloss\\.jmh\\.((VectorBackend|PlainJava)\\."
      + "((l2|l1|huber|hinge|squaredHinge)_64x1024|(l2|l1)_4M)|ReadBandwidth\\.sum_8M)$";

  /** Forks for {@link #PLACEMENT_BOUND}: about 2 more minutes than one fork. */
  static final int PLACEMENT_FORKS = 3;

  private QuickReport() {}

  public static void main(String[] args) throws Exception {
    CommandLineOptions cmd = new CommandLineOptions(args);
    Path dir = targetDir();
    Path json = Paths.get(cmd.getResult().orElse(dir.resolve("quick-profile.json").toString()));
    String command = "java -cp jmh/target/benchmarks.jar io.simdloss.jmh.QuickReport" + (args.length == 0 ? "" : " " + String.join(" ", args));
    Instant start = Instant.now();
    Collection<RunResult> results = new ArrayList<>();
    if (cmd.getIncludes().isEmpty() && !cmd.getForkCount().hasValue()) {
      // the default profile: one fork each, then the placement-bound workloads with more forks; one JSON file
      Path first = json.resolveSibling(json.getFileName() + ".part1");
      Path second = json.resolveSibling(json.getFileName() + ".part2");
      results.addAll(new Runner(new OptionsBuilder().parent(cmd).include(VARIANTS).exclude(PLACEMENT_BOUND).forks(1)
          .resultFormat(ResultFormatType.JSON).result(first.toString()).build()).run());
      results.addAll(new Runner(new OptionsBuilder().parent(cmd).include(PLACEMENT_BOUND).forks(PLACEMENT_FORKS)
          .resultFormat(ResultFormatType.JSON).result(second.toString()).build()).run());
      Files.writeString(json, concatJsonArrays(Files.readString(first), Files.readString(second)));
      Files.delete(first);
      Files.delete(second);
    } else {
      ChainedOptionsBuilder b = new OptionsBuilder().parent(cmd);
      if (cmd.getIncludes().isEmpty()) {
        b.include(VARIANTS);
      }
      if (!cmd.getForkCount().hasValue()) {
        b.forks(1);
      }
      b.resultFormat(ResultFormatType.JSON).result(json.toString());
      results.addAll(new Runner(b.build()).run());
    }
    Duration took = Duration.between(start, Instant.now());
    Map<String, Double> ns = new LinkedHashMap<>();
    Map<String, Double> err = new LinkedHashMap<>();
    Map<String, Double> alloc = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      name = name.substring("io.simdloss.jmh.".length());
      ns.put(name, r.getPrimaryResult().getScore());
      err.put(name, r.getPrimaryResult().getScoreError());
      for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
        if (e.getKey().endsWith("gc.alloc.rate.norm")) {
          alloc.put(name, e.getValue().getScore());
        }
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%nsimdloss quick profile: %s; %s; took %d min %d s%ncommand: %s%n",
        cpuModel(), "JDK " + System.getProperty("java.version"), took.toMinutes(), took.toSecondsPart(), command));
    out.append(tables(ns, err, alloc));
    System.out.print(out);
    Files.writeString(dir.resolve("quick-profile.txt"), out);
    Files.writeString(dir.resolve("quick-profile-meta.json"), String.format(Locale.ROOT,
        "{\"command\": \"%s\", \"cpu\": \"%s\", \"cores\": %d, \"jdk\": \"%s\", \"date\": \"%s\", \"seconds\": %d}%n",
        command.replace("\"", "'"), cpuModel(), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), start, took.toSeconds()));
    System.out.println("JSON: " + json + "\ntables: " + dir.resolve("quick-profile.txt"));
  }

  /** Two JMH JSON result files (each one array) as one array. */
  static String concatJsonArrays(String a, String b) {
    String left = a.strip();
    String right = b.strip();
    if (left.equals("[]") || left.isEmpty()) {
      return right;
    }
    if (right.equals("[]") || right.isEmpty()) {
      return left;
    }
    return left.substring(0, left.length() - 1).stripTrailing() + ",\n" + right.substring(1).stripLeading();
  }

  /** The tables: one per workload group, one row per workload; then the probe and the goals. */
  static String tables(Map<String, Double> ns, Map<String, Double> err, Map<String, Double> alloc) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (String g : new String[] {"latency 1x10", "latency 32x10", "medium", "large (4M elements)", "CTC"}) {
      groups.put(g, new ArrayList<>());
    }
    for (String name : ns.keySet()) {
      if (name.startsWith("VectorBackend.") || name.startsWith("ScalarBackend.") || name.startsWith("PlainJava.")) {
        String w = name.substring(name.indexOf('.') + 1);
        List<String> g = groups.get(group(w));
        if (!g.contains(w)) {
          g.add(w);
        }
      }
    }
    StringBuilder s = new StringBuilder();
    boolean gc = !alloc.isEmpty();
    for (Map.Entry<String, List<String>> g : groups.entrySet()) {
      if (g.getValue().isEmpty()) {
        continue;
      }
      s.append(String.format(Locale.ROOT, "%n%s%n", g.getKey()));
      s.append(String.format(Locale.ROOT, "| %-24s | %13s | %13s | %13s | %10s | %10s |%s%n", "workload",
          "vector ns/op", "scalar ns/op", "plain ns/op", "vec/scalar", "vec/plain", gc ? " vector B/op |" : ""));
      s.append(String.format(Locale.ROOT, "| %-24s | %13s | %13s | %13s | %10s | %10s |%s%n", "---", "---:", "---:",
          "---:", "---:", "---:", gc ? " ---: |" : ""));
      for (String w : g.getValue()) {
        Double v = ns.get("VectorBackend." + w);
        Double sc = ns.get("ScalarBackend." + w);
        Double p = ns.get("PlainJava." + w);
        Double a = alloc.get("VectorBackend." + w);
        s.append(String.format(Locale.ROOT, "| %-24s | %13s | %13s | %13s | %10s | %10s |%s%n", w, num(v), num(sc),
            num(p), ratio(sc, v), ratio(p, v), gc ? String.format(Locale.ROOT, " %11s |", a == null ? "" : String.format(Locale.ROOT, "%.1f", a)) : ""));
      }
    }
    Double probe = ns.get("ReadBandwidth.sum_8M");
    Double probe64 = ns.get("ReadBandwidth.sum_64M");
    if (probe != null || probe64 != null) {
      s.append(String.format(Locale.ROOT, "%nread-bandwidth probe (Vector API sum, 8 accumulators)%n"));
      s.append(String.format(Locale.ROOT, "| %-24s | %13s | %10s |%n| --- | ---: | ---: |%n", "probe", "ns/op", "GB/s"));
      if (probe != null) {
        s.append(String.format(Locale.ROOT, "| %-24s | %13s | %10.1f |%n", "sum_8M (32 MB)", num(probe), 32.0 * (1 << 20) / probe));
      }
      if (probe64 != null) {
        s.append(String.format(Locale.ROOT, "| %-24s | %13s | %10.1f |%n", "sum_64M (256 MB)", num(probe64), 256.0 * (1 << 20) / probe64));
      }
      if (probe != null) {
        s.append(String.format(Locale.ROOT, "%n| %-24s | %10s | %16s |%n| --- | ---: | ---: |%n", "large workload (32 MB read)", "GB/s", "of the probe"));
        for (String w : new String[] {"l2_4M", "l1_4M", "sigmoidBce_4M"}) {
          Double v = ns.get("VectorBackend." + w);
          if (v != null) {
            s.append(String.format(Locale.ROOT, "| %-27s | %10.1f | %15.0f%% |%n", w + " vector", 32.0 * (1 << 20) / v, 100 * probe / v));
          }
        }
      }
    }
    s.append(String.format(Locale.ROOT, "%ngoals (ratios within this run)%n"));
    goal(s, "softmaxCe_1x10 vector <= 60 ns", ns.get("VectorBackend.softmaxCe_1x10"), 60, false, " ns");
    if (gc) {
      goal(s, "softmaxCe_1x10 vector 0 B/op", alloc.get("VectorBackend.softmaxCe_1x10"), 0.5, false, " B/op");
    }
    for (String w : new String[] {"l2", "l1", "huber", "hinge", "squaredHinge", "logistic", "sigmoidBce"}) {
      boolean exp = w.equals("logistic") || w.equals("sigmoidBce");
      Double v = ns.get("VectorBackend." + w + "_64x1024");
      Double p = ns.get("PlainJava." + w + "_64x1024");
      goal(s, w + "_64x1024 vector/plain >= " + (exp ? 12 : 6) + "x", v == null || p == null ? null : p / v,
          exp ? 12 : 6, true, "x");
    }
    Double l2 = ns.get("VectorBackend.l2_4M");
    goal(s, "l2_4M >= 80% of the probe", l2 == null || probe == null ? null : 100 * probe / l2, 80, true, "%");
    return s.toString();
  }

  private static void goal(StringBuilder s, String what, Double value, double bound, boolean atLeast, String unit) {
    String verdict = value == null ? "not run" : (atLeast ? value >= bound : value <= bound) ? "met" : "MISSED";
    s.append(String.format(Locale.ROOT, "  %-40s %10s  %s%n", what,
        value == null ? "-" : String.format(Locale.ROOT, "%.1f%s", value, unit), verdict));
  }

  static String group(String w) {
    if (w.endsWith("_1x10")) {
      return "latency 1x10";
    }
    if (w.endsWith("_32x10")) {
      return "latency 32x10";
    }
    if (w.endsWith("_4M")) {
      return "large (4M elements)";
    }
    if (w.startsWith("ctc_")) {
      return "CTC";
    }
    return "medium";
  }

  private static String num(Double v) {
    if (v == null) {
      return "";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String ratio(Double num, Double den) {
    return num == null || den == null ? "" : String.format(Locale.ROOT, "%.1fx", num / den);
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim() + ", " + Runtime.getRuntime().availableProcessors() + " cores";
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores";
  }

  /** jmh/target: the directory of benchmarks.jar (or of the classes directory). */
  static Path targetDir() throws Exception {
    Path p = Paths.get(QuickReport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path dir = p.getParent();
    Files.createDirectories(dir);
    return dir;
  }
}
