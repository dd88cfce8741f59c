package org.diskwarden.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code <base_dir>/.diskwarden.lock}, held with a file lock for as long as an agent works on
 * base_dir: two agents sweeping one tree would each count on space the other frees.
 *
 * <p>base_dir is writable by others, so the lock's name may hold anything when the agent starts. It
 * is only ever opened no-follow, and only a regular file with one link owned by the agent's own user
 * is used as it is; anything else (a link planted there, a hard link, a fifo, someone else's file) is
 * unlinked as a name (its target untouched), reported, and the lock created new.
 */
public final class BaseDirLock implements AutoCloseable {
  static final String NAME = ".diskwarden.lock";
  private static final Logger LOG = LogManager.getLogger(BaseDirLock.class);
  private final FileChannel channel;
  private final FileLock lock;

  private BaseDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @param replaced told the path and what was at it, when something not ours had to go first
   * @throws IllegalStateException when another agent holds the lock, or it cannot be created
   */
  public static BaseDirLock acquire(Path baseDir, BiConsumer<Path, String> replaced) {
    Path file = baseDir.resolve(NAME);
    FileChannel channel = null;
    try {
      String foreign = foreign(file);
      if (foreign != null) {
        unlink(baseDir, file);
        LOG.warn("Removed {} before taking the lock: it was {}, not the agent's lock file (left untouched)",
            file, foreign);
        replaced.accept(file, foreign);
      }
      channel = open(file);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        ByteBuffer pid = ByteBuffer.allocate(32);
        channel.read(pid, 0);
        String holder = new String(pid.array(), 0, pid.position(), StandardCharsets.US_ASCII).trim();
        channel.close();
        throw new IllegalStateException("another diskwarden agent already watches " + baseDir
            + " (lock " + file + " held" + (holder.isEmpty() ? "" : " by pid " + holder) + ")");
      }
      writePid(channel);
      return new BaseDirLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new IllegalStateException("cannot create the lock file " + file + " (it is opened only as a regular "
          + "file of the agent's own, never through a link): " + e, e);
    }
  }

  /** What is at {@code file} when it is not a lock file of ours, or null (nothing there, or ours). */
  private static String foreign(Path file) throws IOException {
    Map<String, Object> a;
    try {
      a = Files.readAttributes(file, "unix:mode,nlink,uid", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    int type = (Integer) a.get("mode") & 0170000;
    if (type == 0120000) {
      return "a symbolic link to " + Files.readSymbolicLink(file);
    }
    if (type != 0100000) {
      return "not a regular file (mode " + Integer.toOctalString((Integer) a.get("mode")) + ")";
    }
    if ((Integer) a.get("nlink") != 1) {
      return "a file with " + a.get("nlink") + " hard links";
    }
    if (!a.get("uid").equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
      return "a file owned by uid " + a.get("uid");
    }
    return null;
  }

  /** Unlinks the name in base_dir (unlinkat: a link goes as a link). */
  private static void unlink(Path baseDir, Path file) throws IOException {
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(baseDir)) {
      if (dir instanceof SecureDirectoryStream<Path> secure) {
        secure.deleteFile(file.getFileName());
      } else {
        Files.delete(file);
      }
    } catch (NoSuchFileException e) {
      // gone meanwhile
    }
  }

  private static FileChannel open(Path file) throws IOException {
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    return FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
  }

  private static void writePid(FileChannel channel) {
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    } catch (IOException e) {
      // A full disk (the very moment we are needed) cannot take the pid; the lock holds without it.
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      // held by this very JVM: a second agent in one process is a second agent all the same
      return null;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing more to release
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
  }
}
