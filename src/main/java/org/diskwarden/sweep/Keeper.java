package org.diskwarden.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.archive.ArchiveFormat;
import org.diskwarden.archive.Compressibility;
import org.diskwarden.archive.Contents;
import org.diskwarden.archive.Interrupted;
import org.diskwarden.archive.Partial;
import org.diskwarden.archive.ReplaceableFolder;
import org.diskwarden.fs.Names;
import org.diskwarden.archive.Unkeepable;
import org.diskwarden.config.Action;
import org.diskwarden.config.ActionConfig;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.Size;
import org.diskwarden.policy.Candidate;
import org.diskwarden.volume.Volume;

/**
 * Compresses or moves a candidate instead of deleting it: the guard first, then the archive or copy
 * is written under a temporary name (announced in the audit log), forced to disk, read back and
 * compared file by file, renamed into place, and only then is the original removed through
 * {@link GuardedDelete}. Any failure removes the temporary file and leaves the original.
 */
final class Keeper {
  private static final Logger LOG = LogManager.getLogger(Keeper.class);

  /** How a keep ended. */
  enum Kind {
    /** Kept and removed (or deleted by the fallback), or would be in dry run. */
    DONE,
    /** Something went wrong or the guard refused: an alert is due. */
    FAILED,
    /** Not attempted or given up without harm: no room, poor ratio, shutdown. */
    SKIPPED
  }

  record Result(Removal removal, Kind kind) {
    /** A deletion as it ended: done or failed. */
    static Result of(Removal r) {
      return new Result(r, r.succeeded() ? Kind.DONE : Kind.FAILED);
    }
  }

  private final GuardedDelete deletion;
  private final AuditLog audit;
  private final Volume volume;
  private final Path baseDir;
  private final java.util.Set<Path> resumed;
  private final BooleanSupplier stopping;
  private final Consumer<Path> beforeVerify;
  private final Compressibility estimates;

  Keeper(GuardedDelete deletion, AuditLog audit, Volume volume, Path baseDir, java.util.Set<Path> resumed,
      BooleanSupplier stopping, Consumer<Path> beforeVerify, Compressibility estimates) {
    this.estimates = estimates;
    this.deletion = deletion;
    this.audit = audit;
    this.volume = volume;
    this.baseDir = baseDir;
    this.resumed = resumed;
    this.stopping = stopping;
    this.beforeVerify = beforeVerify;
  }

  Result keep(Candidate c, ActionConfig action, CleanupMode mode, boolean dryRun) {
    Optional<String> refusal = deletion.refusal(c);
    if (refusal.isPresent()) {
      // Reported, not handed to the deletion: should the guard's verdict change meanwhile (min_age
      // passing), a delete call would remove an entry its policy wants kept as an archive.
      return failed(c, "refused: " + refusal.get());
    }
    Path folder;
    Path target;
    try {
      folder = folder(c, action);
      target = folder.resolve(c.path().getFileName()
          + (c.action() == Action.COMPRESS ? ArchiveFormat.best().suffix() : ""));
    } catch (IOException e) {
      return failed(c, "cannot prepare the " + where(c) + ": " + e.getMessage());
    }
    if (dryRun) {
      Removal r = deletion.delete(c, mode, true, Optional.of(target));
      return new Result(r.as(c.action(), c.gain(), Optional.of(target)), Kind.DONE);
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return finishEarlier(c, target, mode);
    }
    if (c.action() == Action.COMPRESS) {
      double saving = c.bytes() == 0 ? 0 : 100.0 * c.gain() / c.bytes();
      if (saving < action.minRatioGain()) {
        return poorRatio(c, action, mode, String.format(java.util.Locale.ROOT, "estimated to save %.0f%%", saving));
      }
    }
    Optional<String> noRoom = noRoom(c, folder);
    if (noRoom.isPresent()) {
      return skipped(c, noRoom.get());
    }
    Optional<String> replaceable = replaceable(folder);
    if (replaceable.isPresent()) {
      return skipped(c, "not kept as " + (c.action() == Action.COMPRESS ? "an archive" : "a copy") + ": "
          + replaceable.get() + "; the entry stays as it is");
    }
    Path partial = Partial.of(target);
    try {
      audit.write(partial, c);
    } catch (UncheckedIOException e) {
      return failed(c, "cannot record the " + where(c) + " in the audit log: " + e.getMessage());
    }
    return write(c, action, mode, folder, target, partial);
  }

  /**
   * Writes the archive or copy in its workroom {@code partial}, reads it back, renames it to
   * {@code target}; then the original goes. Whatever fails on the way leaves the original as it is.
   */
  private Result write(Candidate c, ActionConfig action, CleanupMode mode, Path folder, Path target, Path partial) {
    // Written, read back and renamed through descriptors held from base_dir down (the entry's folder
    // and, inside base_dir, the archive's): a rename or link swapped in on the way cannot make the
    // walk read, or the archive land, outside.
    String finalName = target.getFileName().toString();
    try (KeepWork work = KeepWork.open(baseDir, c, folder)) {
      Contents written = work.write(c.action(), partial.getFileName().toString(), finalName, action.compressLevel(),
          stopping);
      beforeVerify.accept(partial.resolve(finalName));
      Optional<String> difference = work.verify(c.action(), written);
      if (difference.isPresent()) {
        discard(c, partial, folder);
        return failed(c, "the " + where(c) + " failed verification, original kept: " + difference.get());
      }
      if (c.action() == Action.COMPRESS) {
        long archive = work.size();
        estimates.learn(c.path(), c.newest(), ArchiveFormat.best(), action.compressLevel(),
            c.bytes() == 0 ? 1 : (double) archive / c.bytes());
        double saving = c.bytes() == 0 ? 0 : 100.0 * (c.bytes() - archive) / c.bytes();
        if (saving < action.minRatioGain()) {
          discard(c, partial, folder);
          return poorRatio(c, action, mode, String.format(java.util.Locale.ROOT, "the archive saved %.0f%%", saving));
        }
      }
      work.rename(c.action() == Action.COMPRESS ? Optional.of(c.newest()) : Optional.empty());
      audit.written(partial, c.policy(), "renamed");
    } catch (Interrupted e) {
      discard(c, partial, folder);
      return skipped(c, "interrupted by shutdown; the original stays");
    } catch (Unkeepable e) {
      discard(c, partial, folder);
      return skipped(c, "not kept as " + (c.action() == Action.COMPRESS ? "an archive" : "a copy") + ": "
          + e.getMessage() + "; the entry stays as it is");
    } catch (IOException | RuntimeException e) {
      discard(c, partial, folder);
      String why = e instanceof FileAlreadyExistsException ? "appeared meanwhile" : e.toString();
      return failed(c, "cannot write the " + where(c) + ", original kept: " + why);
    }
    return removeOriginal(c, target, mode);
  }

  /**
   * The archive or copy is already there: a run killed after renaming it, or between that and the end
   * of the removal. Its contents decide: the original goes only when the two agree.
   */
  private Result finishEarlier(Candidate c, Path target, CleanupMode mode) {
    if (!resumed.contains(c.path())) {
      Optional<String> difference;
      try (KeepWork work = KeepWork.open(baseDir, c, target.getParent())) {
        difference = work.verifyExisting(c.action(), target.getFileName().toString());
      } catch (IOException e) {
        difference = Optional.of(e.getMessage());
      }
      if (difference.isPresent()) {
        return skipped(c, target + " already exists and differs from the entry (" + difference.get()
            + "); both are left alone");
      }
      LOG.info("{} already holds {} (an earlier run was interrupted): removing the original", target, c.path());
    }
    return removeOriginal(c, target, mode);
  }

  private Result removeOriginal(Candidate c, Path target, CleanupMode mode) {
    Removal r = deletion.delete(c, mode, false, Optional.of(target));
    long left = c.action() == Action.COMPRESS ? sizeOf(target) : 0;
    return new Result(r.as(c.action(), r.succeeded() ? Math.max(0, c.bytes() - left) : 0, Optional.of(target)),
        r.succeeded() ? Kind.DONE : Kind.FAILED);
  }

  private Result poorRatio(Candidate c, ActionConfig action, CleanupMode mode, String what) {
    String why = what + " (< min_ratio_gain " + action.minRatioGain() + "%)";
    if (!action.fallbackDelete()) {
      return skipped(c, "kept uncompressed: " + why + "; fallback: delete would delete it");
    }
    LOG.info("{}: {}; fallback: delete", c.path(), why);
    Candidate deleted = c.as(Action.DELETE, c.bytes());
    return Result.of(deletion.delete(deleted, mode, false));
  }

  /** Why the room may not be made in {@code folder}: a folder from base_dir down to it others may replace. */
  private Optional<String> replaceable(Path folder) {
    try {
      return ReplaceableFolder.on(folder.startsWith(baseDir) ? baseDir : folder, folder);
    } catch (IOException | RuntimeException e) {
      return Optional.of("cannot check who may replace " + Names.of(folder) + ": " + e.getMessage());
    }
  }

  private Optional<String> noRoom(Candidate c, Path folder) {
    try {
      if (c.action() == Action.COMPRESS) {
        long estimate = c.bytes() - c.gain();
        // The estimate comes from samples: ask for a tenth more and some slack before writing.
        long needed = estimate + estimate / 10 + (1L << 20);
        long free = volume.read().free();
        return free >= needed ? Optional.empty() : Optional.of("no room for the archive (needs about "
            + Size.human(needed, 1) + ", " + Size.human(free, 1) + " free); trying the next candidate");
      }
      // the copy needs its bytes and room for its directories' blocks
      long needed = c.bytes() + c.bytes() / 100 + (1L << 20);
      long free = Files.getFileStore(folder).getUsableSpace();
      return free >= needed ? Optional.empty() : Optional.of("the move target " + folder + " is short of space (needs "
          + Size.human(needed, 1) + ", " + Size.human(free, 1) + " free); nothing was copied");
    } catch (IOException e) {
      return Optional.of("cannot read free space of " + folder + ": " + e.getMessage());
    }
  }

  private Path folder(Candidate c, ActionConfig action) throws IOException {
    if (c.action() == Action.MOVE) {
      return action.moveTo().orElseThrow().toRealPath();
    }
    if (action.compressTo().isEmpty()) {
      return c.path().getParent();
    }
    Path folder = baseDir.resolve(action.compressTo().get()).normalize();
    if (!folder.startsWith(baseDir) || folder.equals(baseDir)) {
      throw new IOException("compress_to " + folder + " is not a folder inside base_dir " + baseDir);
    }
    KeepWork.makeFolders(baseDir, folder);
    return folder;
  }

  private void discard(Candidate c, Path partial, Path folder) {
    if (!Files.exists(partial, LinkOption.NOFOLLOW_LINKS)) {
      tryRecord(partial, c.policy(), "discarded");
      return;
    }
    Optional<String> error = deletion.discardPartial(partial, folder, c.policy());
    if (error.isPresent()) {
      LOG.error("Could not remove the unfinished {} {}: {}", where(c), partial, error.get());
    } else {
      tryRecord(partial, c.policy(), "discarded");
    }
  }

  private void tryRecord(Path partial, String policy, String outcome) {
    try {
      audit.written(partial, policy, outcome);
    } catch (UncheckedIOException e) {
      LOG.error("Could not record that {} was {}: {}", partial, outcome, e.getMessage());
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static String where(Candidate c) {
    return c.action() == Action.COMPRESS ? "archive" : "copy";
  }

  private static Result failed(Candidate c, String why) {
    LOG.warn("Failed to {} {} ({}): {}", c.action().key(), c.path(), c.policy(), why);
    return new Result(removal(c, why), Kind.FAILED);
  }

  private static Result skipped(Candidate c, String why) {
    LOG.info("Skipped {} of {} ({}): {}", c.action().key(), c.path(), c.policy(), why);
    return new Result(removal(c, why), Kind.SKIPPED);
  }

  private static Removal removal(Candidate c, String why) {
    return new Removal(c.path(), c.policy(), c.bytes(), c.reason(), Optional.of(why), c.action(), 0, Optional.empty());
  }
}
