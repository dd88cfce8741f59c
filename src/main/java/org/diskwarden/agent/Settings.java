package org.diskwarden.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.Size;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Protection;
import org.diskwarden.volume.Usage;

/**
 * The configuration in force: an immutable record swapped atomically (HikariCP's housekeeper re-reads
 * its config every tick; a check here reads this once when it begins), what the file said, and where
 * the file is.
 */
public final class Settings {
  private final AtomicReference<WardenConfig> inForce;
  private final AtomicReference<WardenConfig> fromFile;
  private final Optional<Path> file;
  private final Optional<Path> baseDirOverride;
  /** SHA-256 of the file's text as last put in force (read right after it was loaded). */
  private volatile Optional<String> digest;

  /**
   * @param file the file {@code config} was loaded from, for reloads and drift reports
   * @param baseDirOverride the command line's --base-dir, applied again on reload
   */
  public Settings(WardenConfig config, Optional<Path> file, Optional<Path> baseDirOverride) {
    this.inForce = new AtomicReference<>(config);
    this.fromFile = new AtomicReference<>(config);
    this.file = file;
    this.baseDirOverride = baseDirOverride;
    this.digest = digestOf(file);
  }

  /** The digest of the file as in force, empty when a runtime change made the settings differ from it. */
  Optional<String> digestInForce() {
    return differsFromFile() ? Optional.empty() : digest;
  }

  private static Optional<String> digestOf(Optional<Path> file) {
    if (file.isEmpty()) {
      return Optional.empty();
    }
    try {
      byte[] text = java.nio.file.Files.readAllBytes(file.get());
      return Optional.of(java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(text)));
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      return Optional.empty();
    }
  }

  /** The configuration in force now: read it once per unit of work and use that snapshot throughout. */
  public WardenConfig get() {
    return inForce.get();
  }

  public Optional<Path> file() {
    return file;
  }

  /** True once a runtime change made the configuration differ from what the file says. */
  public boolean differsFromFile() {
    return !inForce.get().equals(fromFile.get());
  }

  /**
   * Replaces the configuration with {@code change} applied to it; the change validates (and may throw
   * IllegalArgumentException, leaving the old one in force).
   *
   * @return the configuration before and after
   * @throws IllegalStateException when another change came in between
   */
  Change update(UnaryOperator<WardenConfig> change) {
    WardenConfig before = inForce.get();
    WardenConfig after = change.apply(before);
    if (!inForce.compareAndSet(before, after)) {
      throw new IllegalStateException("the configuration changed concurrently; try again");
    }
    return new Change(before, after);
  }

  /**
   * Reads the file again without putting it in force.
   *
   * @throws ConfigException listing the file's problems
   * @throws IllegalStateException when there is no file, or it names another base_dir
   */
  WardenConfig load() throws ConfigException {
    Path path = file.orElseThrow(() -> new IllegalStateException("this agent was not started from a config file"));
    WardenConfig loaded = ConfigLoader.load(path, baseDirOverride);
    sameBaseDir(inForce.get(), loaded);
    return loaded;
  }

  /**
   * Refuses a reload that names another base_dir.
   *
   * @throws IllegalStateException when {@code loaded} guards another base_dir than {@code now}
   */
  static void sameBaseDir(WardenConfig now, WardenConfig loaded) {
    if (!loaded.baseDir().equals(now.baseDir())) {
      throw new IllegalStateException("base_dir changed from " + now.baseDir() + " to " + loaded.baseDir()
          + "; a new base_dir needs a restart (the lock is per base_dir)");
    }
  }

  /** Records that {@code loaded} is what the file says (after it was put in force). */
  void fileSays(WardenConfig loaded) {
    fromFile.set(loaded);
    digest = digestOf(file);
  }

  /**
   * What in the config is valid but probably not meant: a protect pattern that matches nothing (a typo
   * protects nothing), a policy whose folder does not exist (a typo: the policy never acts), a base_dir
   * others may replace (compress, move and restore are refused there), a trigger larger than the volume (volumes grow, so not an error, but the volume
   * stays CRITICAL until then). Logged at start and on reload, printed by check, shown over JMX.
   */
  List<String> warnings(Usage now) {
    WardenConfig c = inForce.get();
    List<String> warnings = new ArrayList<>();
    for (String pattern : new Protection(c.baseDir(), c.protect()).unmatched()) {
      warnings.add("protect pattern " + pattern + " matches nothing in " + c.baseDir());
    }
    warnings.addAll(org.diskwarden.policy.PolicyFolders.missing(c.baseDir(), c.policies()));
    org.diskwarden.archive.ReplaceableFolder.warning(c.baseDir()).ifPresent(warnings::add);
    long trigger = c.thresholds().triggerBytes(now.total());
    if (trigger > now.total()) {
      warnings.add("the trigger (" + Size.human(trigger, 1) + ") is larger than the volume ("
          + Size.human(now.total(), 1) + "): the volume counts as CRITICAL until it grows");
    }
    return warnings;
  }

  /** One swap of the configuration. */
  record Change(WardenConfig before, WardenConfig after) {}
}
