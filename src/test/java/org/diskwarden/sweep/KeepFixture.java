package org.diskwarden.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.diskwarden.Configs;
import org.diskwarden.Tree;
import org.diskwarden.archive.Compressibility;
import org.diskwarden.config.ActionConfig;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Candidate;
import org.diskwarden.volume.Volume;

/** One backups policy in {@code base} and a {@link Keeper} driven one candidate at a time, with the claims we choose. */
final class KeepFixture {
  final Path base;
  final Tree tree;
  final AuditLog audit;
  final Compressibility estimates = new Compressibility();
  private final Clock clock = Clock.systemUTC();
  private Consumer<Path> beforeVerify = p -> { };

  KeepFixture(Path base, Path auditFile) throws IOException {
    this.base = base;
    this.tree = new Tree(base);
    this.audit = new AuditLog(auditFile, clock);
    Files.createDirectories(base.resolve("models/backups"));
  }

  KeepFixture beforeVerify(Consumer<Path> hook) {
    this.beforeVerify = hook;
    return this;
  }

  WardenConfig config(String actionLines) throws Exception {
    return backups(base, "30m", actionLines, "");
  }

  /**
   * The config the keep tests share: one backups policy (a group's newest kept) with {@code actionLines},
   * then {@code morePolicies} (list items), on a volume always below its trigger.
   */
  static WardenConfig backups(Path base, String minAge, String actionLines, String morePolicies) throws Exception {
    return Configs.parse("""
        base_dir: %s
        min_free: 1000TB
        min_free_percent: 0
        target_free: 1000TB
        target_free_percent: 0
        min_age: %s
        cleanup_mode: full
        policies:
          - name: backups
            path: models/backups
            group_by: '^(.+?)_\\d{8}'
            keep_latest: 1
        %s
        %s
        """.formatted(base, minAge, actionLines.indent(4).stripTrailing(), morePolicies.indent(2).stripTrailing()));
  }

  /** A backup folder of log-like text (compresses well), aged {@code days}. */
  Path textBackup(String name, int days) throws IOException {
    Path b = Files.createDirectories(base.resolve("models/backups").resolve(name));
    StringBuilder s = new StringBuilder();
    Random r = new Random(name.hashCode());
    for (int i = 0; i < 20_000; i++) {
      s.append("step ").append(i).append(" loss ").append(r.nextInt(1000)).append('\n');
    }
    Files.writeString(b.resolve("train.log"), s);
    tree.age(b, Tree.days(days));
    return b;
  }

  /** The entry at {@code entry} as the planner would hand it over, claiming {@code bytes} of which {@code gain} go. */
  Candidate candidate(Path entry, org.diskwarden.config.Action action, long bytes, long gain) throws IOException {
    Instant newest = Files.getLastModifiedTime(entry.resolve("train.log")).toInstant();
    return new Candidate(entry, "backups", "backup", bytes, newest, "older than the newest 1", action, gain,
        java.util.Optional.empty());
  }

  /** The candidates a plan of {@code config} makes now (with the identities it saw). */
  java.util.List<Candidate> planned(WardenConfig config) {
    Volume volume = Volume.of(base, clock);
    return Planner.plan(config, volume.read(), volume.blockSize(), clock.instant()).candidates();
  }

  Keeper.Result keep(WardenConfig config, Candidate c) {
    Volume volume = Volume.of(base, clock);
    try (GuardedDelete deletion = GuardedDelete.of(config, Set.of(), audit, clock)) {
      Keeper keeper = new Keeper(deletion, audit, volume, config.baseDir(), Set.of(), () -> false, beforeVerify,
          estimates);
      return keeper.keep(c, action(config), CleanupMode.FULL, false);
    }
  }

  static ActionConfig action(WardenConfig config) {
    return config.policies().get(0).action();
  }
}
