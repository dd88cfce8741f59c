package org.diskwarden;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code <base_dir>/.diskwarden.lock}, held with a file lock for as long as an agent works on
 * base_dir: two agents sweeping one tree would each count on space the other frees.
 */
final class BaseDirLock implements AutoCloseable {
  static final String NAME = ".diskwarden.lock";
  private final FileChannel channel;
  private final FileLock lock;

  private BaseDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @throws IllegalStateException when another agent holds the lock, or it cannot be created
   */
  static BaseDirLock acquire(Path baseDir) {
    Path file = baseDir.resolve(NAME);
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        String holder = Files.readString(file).trim();
        channel.close();
        throw new IllegalStateException("another diskwarden agent already watches " + baseDir
            + " (lock " + file + " held" + (holder.isEmpty() ? "" : " by pid " + holder) + ")");
      }
      writePid(channel);
      return new BaseDirLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new IllegalStateException("cannot create the lock file " + file + ": " + e.getMessage(), e);
    }
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
