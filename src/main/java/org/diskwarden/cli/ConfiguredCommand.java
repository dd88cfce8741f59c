package org.diskwarden.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.Watches;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** Loads the config, printing every problem and returning the exit status when it is bad. */
abstract class ConfiguredCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Spec
  CommandLine.Model.CommandSpec spec;

  /** The watch the command works on now, when the config lists several ({@code watch:}). */
  Optional<String> watch = Optional.empty();

  @Override
  public final Integer call() throws Exception {
    Watches watches;
    try {
      watches = options.load();
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
      spec.commandLine().getErr().println("diskwarden: nothing was touched; fix the config and start again");
      return Main.CONFIG_ERROR;
    }
    PrintWriter out = spec.commandLine().getOut();
    try {
      return call(watches, out);
    } finally {
      out.flush();
    }
  }

  /**
   * Runs the command on every watch in order (a config without watch: has one) and returns the worst
   * exit status (Nagios: CRITICAL over WARNING over OK).
   */
  int call(Watches watches, PrintWriter out) throws Exception {
    Path file = options.file().toAbsolutePath();
    int worst = 0;
    for (Watches.Watch w : watches.watches()) {
      watch = watches.listed() ? Optional.of(w.name()) : Optional.empty();
      if (watches.listed() && headed()) {
        out.println("[" + w.name() + "]");
      }
      worst = Math.max(worst, call(new DiskWarden(WatchSetup.of(watches, w, Optional.of(file),
          Optional.ofNullable(options.baseDir), ConfigOptions.logDir(), Clock.systemUTC())), out));
    }
    return worst;
  }

  /** Whether each watch's output starts with a {@code [name]} line (check prefixes its one line instead). */
  boolean headed() {
    return true;
  }

  /** What one watch's line starts with: {@code "scratch: "} for one of several, nothing otherwise. */
  String prefix() {
    return watch.map(w -> w + ": ").orElse("");
  }

  /** The command on one watch's agent (not started: the one-shot commands work on the calling thread). */
  abstract int call(DiskWarden warden, PrintWriter out) throws Exception;
}
