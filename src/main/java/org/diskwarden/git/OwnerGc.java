package org.diskwarden.git;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.diskwarden.archive.Room;
import org.diskwarden.fs.AsOwner;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.eclipse.jgit.api.GarbageCollectCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * JGit's work on one repository. JGit knows only paths, so it gets two things: the held git
 * directory as {@code /proc/self/fd/N} ({@link org.diskwarden.fs.Dir#anchor}), so that every path
 * starts at the directory {@link GitDir#scan} checked, whatever the folders above became; and a thread
 * of its own with the filesystem ids of that directory's owner ({@link AsOwner}), so that a name below
 * it swapped for a link, or an {@code objects/info/alternates} naming someone else's objects, is
 * opened with exactly the owner's rights, and what the gc writes is the owner's. Each step is one
 * call on a fresh thread; the agent's own files (the audit log, the guard's removals, statvfs) stay
 * with the caller, as root.
 */
final class OwnerGc implements AutoCloseable {
  static {
    // JGit's measurement of a filesystem's timestamp resolution (below) is waited for, not left running.
    FS.FileStoreAttributes.setBackground(false);
  }

  /** The agent's private room in {@code .git} where JGit measures the filesystem (see {@link #measureInRoom}). */
  static final String PROBE_ROOM = ".diskwarden-fs-probe";

  private final GitDir gitDir;
  private final Attrs owner;
  private final String thread;
  private Repository repository;

  private OwnerGc(GitDir gitDir, Attrs owner, String name) {
    this.gitDir = gitDir;
    this.owner = owner;
    this.thread = "git-gc as uid " + owner.uid() + ": " + name;
  }

  /**
   * Opens the repository held by {@code gitDir} on the owner's thread; pack.threads is 1 (delta
   * search on that thread, no pool of root's) and bitmaps as C git writes them.
   *
   * @throws RepositoryNotFoundException when JGit does not see a repository there
   */
  static OwnerGc open(GitDir gitDir, Attrs owner, String name) throws Exception {
    // root's and the system's git config, read here as root: the owner's thread may not reach them
    SystemReader.getInstance().getUserConfig();
    measureInRoom(gitDir);
    OwnerGc gc = new OwnerGc(gitDir, owner, name);
    gc.repository = gc.asOwner(() -> {
      Path anchor = gitDir.dir().anchor();
      if (!RepositoryCache.FileKey.isGitRepository(anchor.toFile(), FS.DETECTED)) {
        throw new RepositoryNotFoundException(name);
      }
      Repository r = new FileRepositoryBuilder().setGitDir(anchor.toFile()).setMustExist(true).build();
      StoredConfig rc = r.getConfig();
      rc.setInt("pack", null, "threads", 1);
      bitmapsAsCGit(r);
      return r;
    });
    return gc;
  }

  /**
   * JGit measures each filesystem's timestamp resolution once, by writing and rewriting probe files
   * in the folder of the first file it snapshots, on a thread of the JDK's common pool: root's, not
   * the owner's, and in a folder below the anchor the owner could swap for a link (strace showed it
   * in {@code objects/}). Asked first here, as root, about a private room of the agent's inside
   * {@code .git} (mode 0700, held: {@code /proc/self/fd/N} of it), the measurement runs there and is
   * cached for the filesystem; JGit never measures in a folder of the owner's. The wait is unbounded
   * ({@code setBackground(false)}), so the room is not closed while the probe still writes in it.
   */
  private static void measureInRoom(GitDir gitDir) throws IOException {
    removeLeftRoom(gitDir.dir());
    try (Room room = Room.make(gitDir.dir(), PROBE_ROOM)) {
      FS.FileStoreAttributes.get(room.dir().anchor());
    }
  }

  /**
   * The room a killed run left: the agent's own (its fsuid's, no group or other bits), emptied of
   * the probe files through its descriptor and removed. A room someone else made stays, and the gc
   * fails on it with the name ({@link Room#make} refuses an existing name).
   */
  private static void removeLeftRoom(Dir gitDir) throws IOException {
    Optional<Attrs> left = gitDir.stat(PROBE_ROOM);
    if (left.isEmpty() || !isOurRoom(left.get())) {
      return;
    }
    try (Dir room = gitDir.dir(PROBE_ROOM)) {
      if (!room.self().sameFileAs(left.get())) {
        return;
      }
      for (String probe : room.list()) {
        room.unlink(probe);
      }
    }
    gitDir.rmdir(PROBE_ROOM);
  }

  /** A directory of the agent's user that nobody else may enter: what {@link Room#make} makes. */
  static boolean isOurRoom(Attrs a) {
    return a.isDirectory() && a.uid() == AsOwner.fsuid() && (a.permissions() & 077) == 0;
  }

  /**
   * Bitmaps speed up serving clones and fetches and cost a third of the gc's time; C git writes them
   * only for bare repositories (repack.writeBitmaps), JGit for every one. Unless the repository says
   * otherwise, do as C git does. The setting lives in memory only: the repository's file is untouched.
   */
  private static void bitmapsAsCGit(Repository repository) {
    StoredConfig rc = repository.getConfig();
    if (rc.getNames("pack").stream().noneMatch("buildbitmaps"::equalsIgnoreCase)) {
      rc.setBoolean("pack", null, "buildbitmaps", rc.getBoolean("repack", "writebitmaps", repository.isBare()));
    }
  }

  /** JGit's statistics of the repository (sizes of loose and packed objects). */
  Properties statistics() throws Exception {
    return asOwner(() -> Git.wrap(repository).gc().getStatistics());
  }

  /** The packs there now, by their index files. */
  Set<String> packs() throws Exception {
    return asOwner(() -> SupersededPacks.names(packDir()));
  }

  /** Runs the gc as {@code configured} says, then closes the repository's packs. */
  void gc(java.util.function.UnaryOperator<GarbageCollectCommand> configured) throws Exception {
    asOwner(() -> {
      configured.apply(Git.wrap(repository).gc()).call();
      // The repository's own objects are closed first: a pack about to go must not stay mapped here.
      repository.getObjectDatabase().close();
      return null;
    });
  }

  /** The packs of {@code before} that the packs written since supersede (their lone objects loosened). */
  SupersededPacks.Found superseded(Set<String> before) throws Exception {
    return asOwner(() -> SupersededPacks.find(gitDir.dir(), repository, packDir(), before));
  }

  private Path packDir() {
    return gitDir.dir().anchor().resolve("objects").resolve("pack");
  }

  private <T> T asOwner(Callable<T> work) throws Exception {
    try {
      return AsOwner.call(owner.uid(), owner.gid(), thread, work);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw (Error) e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while JGit worked on " + gitDir.path());
    }
  }

  @Override
  public void close() {
    if (repository != null) {
      repository.close();
    }
  }
}
