package org.diskwarden.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.Watches;
import picocli.CommandLine.Option;

/** Options every command takes. */
final class ConfigOptions {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Config file (default: diskwarden.yml in DISKWARDEN_CONF_DIR, else conf/ under the install dir).")
  Path config;

  @Option(names = "--base-dir", paramLabel = "DIR", description = "Overrides base_dir of the config file.")
  Path baseDir;

  @Option(names = "--watch", paramLabel = "NAME",
      description = "Only the watch of this name (a config with watch:); default: every watch.")
  String watch;

  Path file() {
    if (config != null) {
      return config;
    }
    return defaultFile();
  }

  /** {@code diskwarden.yml} in the config folder bin/diskwarden names (the package's /etc/diskwarden). */
  static Path defaultFile() {
    String dir = System.getProperty("diskwarden.confdir");
    return (dir != null && !dir.isEmpty() ? Path.of(dir) : home().resolve("conf")).resolve("diskwarden.yml");
  }

  /**
   * The watches of the file ({@code --watch}: the one named).
   *
   * @throws ConfigException for a bad file, or a --watch the file does not name
   */
  Watches load() throws ConfigException {
    Watches all = ConfigLoader.loadWatches(file(), Optional.ofNullable(baseDir));
    if (watch == null) {
      return all;
    }
    Watches.Watch one = all.named(watch).orElseThrow(() -> new ConfigException(file().toString(), List.of(
        "--watch value was set to '" + watch + "', must be one of " + all.names())));
    return new Watches(List.of(one), all.listed());
  }

  static Path home() {
    return Path.of(System.getProperty("diskwarden.home", ".")).toAbsolutePath().normalize();
  }

  static Path logDir() {
    String dir = System.getProperty("diskwarden.logdir");
    return dir != null ? Path.of(dir) : home().resolve("logs");
  }
}
