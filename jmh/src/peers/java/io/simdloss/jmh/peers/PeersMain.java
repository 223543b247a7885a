package io.simdloss.jmh.peers;

import io.simdloss.jmh.RunDefaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link Peers} offline with every native cache under jmh/target/peer-cache (never the home directory),
 * then prints ns/op per workload and each peer's time over simdloss's.
 *
 * <pre>
 * ./mvnw -q -f jmh/pom.xml -Ppeers package
 * java -cp "jmh/target/benchmarks.jar:jmh/target/peers-lib/*" io.simdloss.jmh.peers.PeersMain
 * </pre>
 *
 * JMH options may follow (they override the defaults: 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement). The peers
 * use one thread, as simdloss does; {@code java -Dsimdloss.peers.threads=0 ...} lets them use their defaults.
 */
public final class PeersMain {
  private PeersMain() {}

  public static void main(String[] args) throws Exception {
    CommandLineOptions cmd = new CommandLineOptions(args);
    Path target = Paths.get(PeersMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    Path cache = target.resolve("peer-cache");
    for (String d : new String[] {"javacpp", "djl", "djl-engine", "jna", "tmp", "home"}) {
      Files.createDirectories(cache.resolve(d));
    }
    int threads = Integer.getInteger("simdloss.peers.threads", 1);
    Path json = Paths.get(cmd.getResult().orElse(target.resolve("peers" + (threads == 1 ? "" : "-threads" + threads) + ".json").toString()));
    ChainedOptionsBuilder b = new OptionsBuilder().parent(cmd);
    if (cmd.getIncludes().isEmpty()) {
      b.include("io\\.simdloss\\.jmh\\.peers\\.Peers\\.");
    }
    RunDefaults.apply(cmd, b, 3, TimeValue.seconds(1), 5, TimeValue.seconds(1));
    if (!cmd.getForkCount().hasValue()) {
      b.forks(1);
    }
    b.jvmArgsAppend(
        "--add-modules", "jdk.incubator.vector",
        "-Dsimdloss.backend=vector",
        "-Dai.djl.offline=true",
        "-Dsimdloss.peers.threads=" + threads,
        "-Dai.djl.pytorch.num_threads=" + (threads > 0 ? threads : Runtime.getRuntime().availableProcessors()),
        "-Dai.djl.pytorch.num_interop_threads=" + (threads > 0 ? threads : Runtime.getRuntime().availableProcessors()),
        "-DDJL_CACHE_DIR=" + cache.resolve("djl"),
        "-DENGINE_CACHE_DIR=" + cache.resolve("djl-engine"),
        "-Dai.djl.repository.zoo.location=" + cache.resolve("djl"),
        "-Djna.tmpdir=" + cache.resolve("jna"),
        "-Dorg.bytedeco.javacpp.cachedir=" + cache.resolve("javacpp"),
        "-Djava.io.tmpdir=" + cache.resolve("tmp"),
        "-Duser.home=" + cache.resolve("home"));
    b.resultFormat(ResultFormatType.JSON).result(json.toString());
    Collection<RunResult> results = new Runner(b.build()).run();

    Map<String, Map<String, Double>> table = new LinkedHashMap<>();
    List<String> peers = new ArrayList<>(List.of("simdloss", "tf", "tfSparseOp", "nd4j", "djl"));
    for (RunResult r : results) {
      String m = r.getParams().getBenchmark();
      m = m.substring(m.lastIndexOf('.') + 1);
      int cut = m.lastIndexOf('_');
      table.computeIfAbsent(m.substring(0, cut), k -> new LinkedHashMap<>())
          .put(m.substring(cut + 1), r.getPrimaryResult().getScore());
    }
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "%nsimdloss against peers (ns/op; in brackets: peer time / simdloss time), JDK %s, peer threads: %s%n",
        System.getProperty("java.version"), threads > 0 ? threads : "their defaults"));
    s.append("| workload |");
    for (String p : peers) {
      s.append(' ').append(p).append(" |");
    }
    s.append("\n| --- |");
    for (int i = 0; i < peers.size(); i++) {
      s.append(" ---: |");
    }
    s.append('\n');
    for (Map.Entry<String, Map<String, Double>> w : table.entrySet()) {
      Double ours = w.getValue().get("simdloss");
      s.append("| ").append(w.getKey()).append(" |");
      for (String p : peers) {
        Double v = w.getValue().get(p);
        if (v == null) {
          s.append(" |");
        } else if (p.equals("simdloss") || ours == null) {
          s.append(String.format(Locale.ROOT, " %,.0f |", v));
        } else {
          s.append(String.format(Locale.ROOT, " %,.0f (%.1fx) |", v, v / ours));
        }
      }
      s.append('\n');
    }
    System.out.print(s);
    Path txt = Paths.get(json.toString().replaceAll("\\.json$", "") + ".txt");
    Files.writeString(txt, s);
    System.out.println("JSON: " + json + "\ntable: " + txt);
  }
}
