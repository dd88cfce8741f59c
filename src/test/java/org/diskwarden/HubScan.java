package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Hugging Face's own scanner of the hub cache, the npm package {@code @huggingface/hub} (its
 * {@code scanCacheDir}, run by node): an independent judge of what the agent left. The package is
 * looked for in {@code target/hubjs} (or {@code -Dhubjs.dir}); {@code .ci/run} installs it there.
 */
record HubScan(Set<String> revisions, List<String> warnings) {
  static final String VERSION = "2.17.5";

  private static Path packageDir() {
    return Path.of(System.getProperty("hubjs.dir", "target/hubjs")).toAbsolutePath()
        .resolve("node_modules/@huggingface/hub");
  }

  /** Skips the calling test, saying what to install, when node or the package is missing. */
  static void assumeAvailable() throws Exception {
    boolean node;
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      node = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException e) {
      node = false;
    }
    Assumptions.assumeTrue(node, "needs node (apt-get install -y nodejs npm) for @huggingface/hub's scanCacheDir");
    Path pkg = packageDir().resolve("package.json");
    Assumptions.assumeTrue(Files.isRegularFile(pkg) && Files.readString(pkg).contains("\"version\": \"" + VERSION + "\""),
        "needs @huggingface/hub@" + VERSION + " in " + packageDir() + ": npm install --prefix target/hubjs"
            + " @huggingface/hub@" + VERSION);
  }

  /** {@code scanCacheDir(cache)}: every revision as {@code <repo folder>/<commit>}, and the warnings. */
  static HubScan of(Path cache, Path scratch) throws Exception {
    Path script = scratch.resolve("scan.cjs");
    Files.writeString(script, """
        const { scanCacheDir } = require(process.argv[2]);
        scanCacheDir(process.argv[3]).then((r) => {
          const revisions = [];
          for (const repo of r.repos) {
            for (const rev of repo.revisions) {
              revisions.push(require("path").basename(repo.path) + "/" + rev.commitOid);
            }
          }
          console.log(JSON.stringify({ revisions, warnings: r.warnings.map((w) => String(w.message ?? w)) }));
        }, (e) => { console.error(e); process.exit(1); });
        """);
    Process p = new ProcessBuilder("node", script.toString(), packageDir().toString(), cache.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("node scanCacheDir: " + out).isZero();
    JsonNode json = new ObjectMapper().readTree(out);
    Set<String> revisions = new TreeSet<>();
    json.get("revisions").forEach(r -> revisions.add(r.asText()));
    List<String> warnings = new java.util.ArrayList<>();
    json.get("warnings").forEach(w -> warnings.add(w.asText()));
    return new HubScan(revisions, warnings);
  }
}
