package org.diskwarden.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.WardenConfig;
import picocli.CommandLine.Option;

/** Options every command takes. */
final class ConfigOptions {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Config file (default: conf/diskwarden.yml under the install dir).")
  Path config;

  @Option(names = "--base-dir", paramLabel = "DIR", description = "Overrides base_dir of the config file.")
  Path baseDir;

  Path file() {
    if (config != null) {
      return config;
    }
    return home().resolve("conf").resolve("diskwarden.yml");
  }

  WardenConfig load() throws ConfigException {
    return ConfigLoader.load(file(), Optional.ofNullable(baseDir));
  }

  static Path home() {
    return Path.of(System.getProperty("diskwarden.home", ".")).toAbsolutePath().normalize();
  }

  static Path logDir() {
    String dir = System.getProperty("diskwarden.logdir");
    return dir != null ? Path.of(dir) : home().resolve("logs");
  }
}
