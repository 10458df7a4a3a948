// Starts a real Apache Solr from the jars Maven copied into the cache.
// Run from source, no build step:  java -cp 'lib/*' Launcher.java <mode> [options]
//
//   standalone --home DIR --port N --core NAME --configset DIR --solr-xml FILE
//       One Solr node (Jetty on 127.0.0.1) with one core made from the
//       project's configset. The configset is copied into the core on every
//       start so the running schema always matches the repository.
//   cloud --dir DIR --nodes N --collection NAME --shards S --replicas R --configset DIR
//       SolrCloud in one JVM (MiniSolrCloudCluster: embedded ZooKeeper, N
//       nodes) with a collection made from the same configset. Test use.
//
// On success the launcher prints one line `READY {json}` on stdout (and writes
// the same JSON to --ready-file if given). If Solr fails to load the core it
// prints `FAILED <reason>` and exits 1: Jetty would otherwise keep the JVM up
// serving a Solr without the core. With --exit-on-stdin-eof the JVM stops
// when its parent closes stdin, so a dying test session never leaks a Solr.

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.core.CoreContainer;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

public class Launcher {

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      usage("missing mode");
    }
    Map<String, String> opts = parse(argv);
    String mode = argv[0];
    try {
      if (mode.equals("standalone")) {
        standalone(opts);
      } else if (mode.equals("cloud")) {
        cloud(opts);
      } else {
        usage("unknown mode " + mode);
      }
    } catch (Throwable t) {
      fail(rootMessage(t));
    }
  }

  static void standalone(Map<String, String> opts) throws Exception {
    Path home = Paths.get(require(opts, "home")).toAbsolutePath();
    String core = opts.getOrDefault("core", "audience");
    int port = Integer.parseInt(opts.getOrDefault("port", "8983"));
    Path configset = Paths.get(require(opts, "configset"));
    Path solrXml = Paths.get(require(opts, "solr-xml"));

    Files.createDirectories(home);
    Files.copy(solrXml, home.resolve("solr.xml"), StandardCopyOption.REPLACE_EXISTING);
    Path coreDir = home.resolve(core);
    copyTree(configset.resolve("conf"), coreDir.resolve("conf"));
    Path props = coreDir.resolve("core.properties");
    if (!Files.exists(props)) {
      Files.writeString(props, "name=" + core + "\n", StandardCharsets.UTF_8);
    }

    JettyConfig config = JettyConfig.builder()
        .setPort(port)
        .setContext("/solr")
        .stopAtShutdown(true)
        .useOnlyHttp1(true)
        .build();
    JettySolrRunner jetty = new JettySolrRunner(home.toString(), new Properties(), config);
    long t0 = System.nanoTime();
    jetty.start();

    CoreContainer container = jetty.getCoreContainer();
    if (container == null) {
      fail("Solr's core container did not start (see solr.log)");
    }
    container.waitForLoadingCoresToFinish(120_000);
    Map<String, CoreContainer.CoreLoadFailure> failures = container.getCoreInitFailures();
    if (!failures.isEmpty()) {
      CoreContainer.CoreLoadFailure f = failures.values().iterator().next();
      fail("core " + f.cd.getName() + " failed to load: " + rootMessage(f.exception));
    }
    if (!container.getLoadedCoreNames().contains(core)) {
      fail("core " + core + " is not loaded (see solr.log)");
    }

    String base = jetty.getBaseUrl().toString();
    Map<String, Object> info = new HashMap<>();
    info.put("mode", "standalone");
    info.put("base_url", base);
    info.put("core_url", base + "/" + core);
    info.put("port", jetty.getLocalPort());
    info.put("pid", ProcessHandle.current().pid());
    info.put("start_seconds", (System.nanoTime() - t0) / 1e9);
    ready(opts, info);
    waitForever(opts, jetty::stop);
  }

  static void cloud(Map<String, String> opts) throws Exception {
    Path dir = Paths.get(require(opts, "dir")).toAbsolutePath();
    int nodes = Integer.parseInt(opts.getOrDefault("nodes", "2"));
    String collection = opts.getOrDefault("collection", "audience");
    int shards = Integer.parseInt(opts.getOrDefault("shards", "2"));
    int replicas = Integer.parseInt(opts.getOrDefault("replicas", "1"));
    Path configset = Paths.get(require(opts, "configset")).resolve("conf");

    Files.createDirectories(dir);
    long t0 = System.nanoTime();
    MiniSolrCloudCluster cluster = new MiniSolrCloudCluster.Builder(nodes, dir)
        .withJettyConfig(b -> b.useOnlyHttp1(true))
        .addConfig(collection, configset)
        .build();
    try {
      CollectionAdminRequest.createCollection(collection, collection, shards, replicas)
          .process(cluster.getSolrClient());
      cluster.waitForActiveCollection(collection, 120, TimeUnit.SECONDS, shards, shards * replicas);
    } catch (Exception e) {
      cluster.shutdown();
      throw e;
    }

    List<String> urls = new ArrayList<>();
    for (JettySolrRunner j : cluster.getJettySolrRunners()) {
      urls.add(j.getBaseUrl().toString());
    }
    Map<String, Object> info = new HashMap<>();
    info.put("mode", "cloud");
    info.put("zk_host", cluster.getZkServer().getZkAddress());
    info.put("node_urls", urls);
    info.put("collection", collection);
    info.put("collection_url", urls.get(0) + "/" + collection);
    info.put("pid", ProcessHandle.current().pid());
    info.put("start_seconds", (System.nanoTime() - t0) / 1e9);
    ready(opts, info);
    waitForever(opts, cluster::shutdown);
  }

  interface Stopper {
    void stop() throws Exception;
  }

  static void waitForever(Map<String, String> opts, Stopper stopper) throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        stopper.stop();
      } catch (Exception e) {
        // The JVM is going away anyway; the index is safe thanks to the update log.
      }
    }));
    if (opts.containsKey("exit-on-stdin-eof")) {
      InputStream in = System.in;
      byte[] buf = new byte[256];
      while (in.read(buf) >= 0) {
        // Ignore input; only end-of-file matters.
      }
      System.exit(0);
    }
    Thread.currentThread().join();
  }

  static void ready(Map<String, String> opts, Map<String, Object> info) throws Exception {
    String json = toJson(info);
    if (opts.containsKey("ready-file")) {
      Path f = Paths.get(opts.get("ready-file"));
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    System.out.println("READY " + json);
    System.out.flush();
  }

  static void fail(String reason) {
    System.out.println("FAILED " + reason.replace('\n', ' '));
    System.out.flush();
    // halt: Jetty's non-daemon threads and shutdown hooks must not keep us alive.
    Runtime.getRuntime().halt(1);
  }

  static void usage(String why) {
    System.err.println("usage: java -cp 'lib/*' Launcher.java standalone|cloud --option value ...");
    fail(why);
  }

  static Map<String, String> parse(String[] argv) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 1; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        usage("unexpected argument " + a);
      }
      String key = a.substring(2);
      if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
        opts.put(key, argv[++i]);
      } else {
        opts.put(key, "true");
      }
    }
    return opts;
  }

  static String require(Map<String, String> opts, String key) {
    String v = opts.get(key);
    if (v == null) {
      usage("missing --" + key);
    }
    return v;
  }

  static void copyTree(Path src, Path dst) throws Exception {
    try (Stream<Path> paths = Files.walk(src)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  static String rootMessage(Throwable t) {
    StringBuilder sb = new StringBuilder(String.valueOf(t));
    Throwable c = t.getCause();
    while (c != null && c != t) {
      sb.append(" <- caused by ").append(c);
      t = c;
      c = c.getCause();
    }
    return sb.toString();
  }

  static String toJson(Map<String, Object> m) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      sb.append(quote(e.getKey())).append(": ").append(value(e.getValue()));
    }
    return sb.append("}").toString();
  }

  static String value(Object v) {
    if (v instanceof Number) {
      return v.toString();
    }
    if (v instanceof List) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : (List<?>) v) {
        if (sb.length() > 1) {
          sb.append(", ");
        }
        sb.append(value(o));
      }
      return sb.append("]").toString();
    }
    return quote(String.valueOf(v));
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
