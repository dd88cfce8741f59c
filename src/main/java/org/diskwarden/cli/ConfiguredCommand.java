package org.diskwarden.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.WardenConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** Loads the config, printing every problem and returning the exit status when it is bad. */
abstract class ConfiguredCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    WardenConfig config;
    try {
      config = options.load();
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
      spec.commandLine().getErr().println("diskwarden: nothing was touched; fix the config and start again");
      return Main.CONFIG_ERROR;
    }
    PrintWriter out = spec.commandLine().getOut();
    try {
      return call(new DiskWarden(config, Optional.of(options.file().toAbsolutePath()),
          Optional.ofNullable(options.baseDir), ConfigOptions.logDir(), Clock.systemUTC()), out);
    } finally {
      out.flush();
    }
  }

  abstract int call(DiskWarden warden, PrintWriter out) throws Exception;
}
