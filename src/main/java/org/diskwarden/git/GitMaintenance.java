package org.diskwarden.git;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.GitConfig;
import org.diskwarden.config.Size;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.ControlFile;
import org.diskwarden.fs.Dir;
import org.diskwarden.policy.Candidate;
import org.diskwarden.sweep.GuardedDelete;
import org.diskwarden.sweep.Removal;
import org.diskwarden.volume.Usage;
import org.diskwarden.volume.Volume;
import org.eclipse.jgit.errors.RepositoryNotFoundException;

/**
 * Compacts the configured repositories with JGit's gc, after checking that no git process is at
 * work, that the repack has room, and clearing temporary packs an earlier failed run left behind.
 */
public final class GitMaintenance {
  private static final Logger LOG = LogManager.getLogger(GitMaintenance.class);
  /** A lock younger than this means git is at work; an older one is someone's crash, not ours to judge. */
  static final Duration FRESH_LOCK = Duration.ofMinutes(10);
  /** Temporary packs older than this are leftovers of a failed run. */
  static final Duration STALE_TEMP = Duration.ofHours(1);
  private static final String NOT_A_REPOSITORY =
      "not a git repository (no .git directory, not a bare repository)";
  /** Locks git takes at the top of its directory; any under refs/ count too. */
  private static final Set<String> TOP_LOCKS = Set.of("index.lock", "packed-refs.lock", "HEAD.lock", "config.lock");
  private static final Pattern TEMP_PACK =
      Pattern.compile("(gc_.*_tmp|.*\\.(pack|idx|bitmap|rev|keep)_tmp|tmp_pack_.*|tmp_idx_.*|\\.tmp-\\d+-pack.*)");

  private final WardenConfig config;
  private final Volume volume;
  private final GuardedDelete deletion;
  private final Clock clock;
  private final BooleanSupplier cancelled;

  public GitMaintenance(WardenConfig config, Volume volume, GuardedDelete deletion, Clock clock,
      BooleanSupplier cancelled) {
    this.config = config;
    this.volume = volume;
    this.deletion = deletion;
    this.clock = clock;
    this.cancelled = cancelled;
  }

  /** Runs gc on every configured repository in turn. */
  public List<GitGcReport> gcAll() {
    List<GitGcReport> reports = new ArrayList<>();
    for (String repo : config.git().repos()) {
      GitGcReport r = gc(repo);
      LOG.info(r.summary());
      reports.add(r);
    }
    return reports;
  }

  /** Runs gc on one repository (relative to base_dir), or says why not. */
  public GitGcReport gc(String rel) {
    String name = config.baseDir().resolve(rel).normalize().toString();
    Instant start = clock.instant();
    Optional<GitDir> found;
    try {
      found = GitDir.open(config.baseDir(), rel);
    } catch (IOException e) {
      return GitGcReport.refused(name, start, "cannot reach it from base_dir without following a link: "
          + e.getMessage());
    }
    if (found.isEmpty()) {
      return GitGcReport.refused(name, start, NOT_A_REPOSITORY);
    }
    try (GitDir gitDir = found.get()) {
      GitDir.Scan scan = gitDir.scan();
      if (scan.odd().isPresent()) {
        return GitGcReport.refused(name, start, "its git directory holds what git never writes: "
            + scan.odd().get() + " (JGit would follow it or wait on it for good); remove it by hand");
      }
      if (scan.foreign().isPresent()) {
        return GitGcReport.refused(name, start, "not gc'd with its owner's rights alone: " + scan.foreign().get()
            + "; gc it by hand as its owner");
      }
      Optional<String> busy = busy(gitDir, scan);
      if (busy.isPresent()) {
        return GitGcReport.refused(name, start, busy.get());
      }
      return gc(name, gitDir, scan.bytes(), start);
    } catch (IOException e) {
      return failed(name, start, e.toString(), 0);
    }
  }

  /**
   * The gc itself: JGit works through the held git directory's anchor on a thread with its owner's
   * filesystem ids ({@link OwnerGc}); the room check, the guard's removals and the audit log stay here.
   */
  private GitGcReport gc(String name, GitDir gitDir, long dirBefore, Instant start) throws IOException {
    long temps = removeTempPacks(gitDir);
    try (OwnerGc owner = OwnerGc.open(gitDir, gitDir.owner(), name)) {
      Properties before = owner.statistics();
      Usage usageBefore = volume.read();
      long need = stat(before, "sizeOfPackedObjects") + stat(before, "sizeOfLooseObjects");
      if (usageBefore.free() < need) {
        return GitGcReport.refused(name, start, "the repack needs about " + Size.human(need, 1) + " free, the volume has "
            + Size.human(usageBefore.free(), 1) + " (a repack on a full disk fails half-way)");
      }
      GitConfig g = config.git();
      Set<String> packsBefore = owner.packs();
      owner.gc(gc -> gc.setAggressive(g.aggressive())
          .setExpire(g.expireBefore(clock.instant()))
          // Old packs go now, as C git's repack -d does: preserving them (for NFS readers) would keep a
          // second copy of the repository until the next gc, on a disk that is short of space. A reader
          // holding a pack open keeps reading the unlinked file. Packs an older version preserved go too.
          .setPreserveOldPacks(false)
          .setPrunePreserved(true)
          .setProgressMonitor(new GcProgress(name, clock, cancelled)));
      SupersededPacks.Outcome superseded = SupersededPacks.remove(gitDir.dir(), owner.superseded(packsBefore),
          deletion, clock.instant());
      Properties after = owner.statistics();
      Usage usageAfter = volume.read();
      long freed = usageAfter.free() - usageBefore.free() + temps;
      String why = superseded.kept().isEmpty() ? ""
          : "old pack(s) kept: " + String.join("; ", superseded.kept());
      if (freed < 0) {
        why = (why.isEmpty() ? "" : why + "; ") + "the volume has " + Size.human(-freed, 1) + " less free than "
            + "before: the new pack sits beside what was kept, or another writer filled the disk meanwhile";
      }
      return new GitGcReport(name, GitGcReport.Outcome.DONE, why, start, Duration.between(start, clock.instant()),
          stat(before, "sizeOfLooseObjects"), stat(after, "sizeOfLooseObjects"), stat(before, "sizeOfPackedObjects"),
          stat(after, "sizeOfPackedObjects"), dirBefore, gitDir.scan().bytes(), temps, freed);
    } catch (RepositoryNotFoundException e) {
      return GitGcReport.refused(name, start, NOT_A_REPOSITORY);
    } catch (OutOfMemoryError e) {
      // JGit's gc of a large pack is heap-hungry; the agent must outlive it.
      return failed(name, start, "out of memory (raise DISKWARDEN_HEAP): " + e.getMessage(), temps);
    } catch (Exception e) {
      return failed(name, start, e.toString(), temps);
    }
  }

  private GitGcReport failed(String repo, Instant start, String why, long temps) {
    return new GitGcReport(repo, GitGcReport.Outcome.FAILED, why, start, Duration.between(start, clock.instant()), 0, 0, 0, 0, 0, 0,
        temps, temps);
  }

  /** Why git is at work in {@code gitDir} now, if it is. */
  private Optional<String> busy(GitDir gitDir, GitDir.Scan scan) {
    Optional<String> held = gcPid(gitDir);
    if (held.isPresent()) {
      return held;
    }
    Instant fresh = clock.instant().minus(FRESH_LOCK);
    for (Map.Entry<String, Instant> lock : scan.locks().entrySet()) {
      if ((TOP_LOCKS.contains(lock.getKey()) || lock.getKey().startsWith("refs/")) && lock.getValue().isAfter(fresh)) {
        return Optional.of("git is at work: " + lock.getKey() + " was modified "
            + Duration.between(lock.getValue(), clock.instant()).toSeconds() + " s ago");
      }
    }
    return Optional.empty();
  }

  /**
   * A gc.pid of a live process means another gc runs; a dead one (kill -9) would make JGit skip its gc
   * silently for 12 h, so it is removed (through the guard) or reported. It is read through the held
   * git directory: no-follow, non-blocking, at most {@value GitDir#GC_PID_CAP} bytes; a FIFO, socket
   * or larger file there is reported, and the repository left alone.
   */
  private Optional<String> gcPid(GitDir gitDir) {
    Path pidFile = gitDir.path().resolve("gc.pid");
    ControlFile read = gitDir.gcPid();
    if (read instanceof ControlFile.Unreadable u) {
      return Optional.of("gc.pid cannot be read (" + u.why() + "); remove it by hand if no git gc runs");
    }
    if (!(read instanceof ControlFile.Content c)) {
      return Optional.empty();
    }
    String content = c.text().trim();
    String[] parts = content.split("\\s+");
    long pid;
    try {
      pid = Long.parseLong(parts[0]);
    } catch (NumberFormatException e) {
      return Optional.of("gc.pid holds '" + content + "', not a pid; remove it by hand if no git gc runs");
    }
    String host = parts.length > 1 ? parts[1] : "";
    if (!host.isEmpty() && !host.equals(hostName())) {
      return Optional.of("gc.pid says git gc runs on " + host + " (pid " + pid + ")");
    }
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return Optional.of("another git gc holds the repository (gc.pid: live process " + pid + ")");
    }
    Removal r = deletion.delete(new Candidate(pidFile, "git", "gc.pid", 0, gitDir.mtime("gc.pid").orElse(Instant.EPOCH),
        "stale gc.pid of dead process " + pid), CleanupMode.FULL, false);
    if (!r.succeeded()) {
      return Optional.of("stale gc.pid of dead process " + pid + " left in place: " + r.error().orElse(""));
    }
    LOG.info("Removed stale {} of dead process {}", pidFile, pid);
    return Optional.empty();
  }

  /** Leftover temporary packs, listed through the held pack folder and removed through the guard. */
  private long removeTempPacks(GitDir gitDir) {
    Path packs = gitDir.path().resolve("objects").resolve("pack");
    Instant stale = clock.instant().minus(STALE_TEMP);
    long freed = 0;
    try (Dir objects = gitDir.dir().dir("objects"); Dir held = objects.dir("pack")) {
      for (String f : held.list()) {
        Optional<Attrs> a = held.stat(f).filter(Attrs::isRegularFile);
        if (!TEMP_PACK.matcher(f).matches() || a.isEmpty() || a.get().mtime().isAfter(stale)) {
          continue;
        }
        long size = a.get().size();
        Removal r = deletion.delete(new Candidate(packs.resolve(f), "git", "temporary pack", size, a.get().mtime(),
            "leftover temporary pack of a failed gc"), CleanupMode.FULL, false);
        freed += r.succeeded() ? size : 0;
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // no pack folder yet: nothing left over
    } catch (IOException e) {
      LOG.warn("Cannot list {}: {}", packs, e.getMessage());
    }
    return freed;
  }

  private static long stat(Properties stats, String key) {
    Object v = stats.get(key);
    return v instanceof Number n ? n.longValue() : v == null ? 0 : Long.parseLong(v.toString());
  }

  private static String hostName() {
    return org.diskwarden.volume.Host.resolvedName().orElse("");
  }
}
