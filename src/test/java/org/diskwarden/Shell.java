package org.diskwarden;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs bin/diskwarden (or another command) as an operator would, with its own environment. */
public final class Shell {
  /** What a command printed and how it ended. */
  public record Result(int exit, String output) {}

  private final Map<String, String> env = new HashMap<>();
  private Path cwd = Path.of(".").toAbsolutePath();

  public Shell env(String key, String value) {
    env.put(key, value);
    return this;
  }

  public Shell cwd(Path dir) {
    this.cwd = dir;
    return this;
  }

  public ProcessBuilder builder(String... command) {
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    return pb;
  }

  /** Runs to the end (at most two minutes) and returns exit status and output. */
  public Result run(String... command) throws IOException, InterruptedException {
    Process p = builder(command).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish: " + out);
    }
    return new Result(p.exitValue(), out);
  }

  /** Kills a process and everything it started. */
  public static void killTree(Process p) {
    List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
    all.add(p.toHandle());
    all.forEach(ProcessHandle::destroyForcibly);
  }
}
