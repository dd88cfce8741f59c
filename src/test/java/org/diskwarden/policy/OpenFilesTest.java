package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenFilesTest {
  @TempDir Path dir;

  @Test
  void fileOpenInAnotherProcess_isInUse() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
    Path file = Files.writeString(dir.resolve("weights.bin"), "w");
    Process holder = new ProcessBuilder("sleep", "60").redirectInput(file.toFile()).start();
    try {
      assertThat(OpenFiles.snapshot().openUnder(dir)).contains(file.toString());
    } finally {
      holder.destroy();
    }
  }

  @Test
  void ourOwnOpenFile_isInUse_ourOwnOpenDirectory_isNot() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
    Path walked = Files.createDirectory(dir.resolve("walked"));
    Path written = Files.createDirectory(dir.resolve("written"));
    Path file = Files.writeString(written.resolve("log.txt"), "l");
    try (DirectoryStream<Path> walking = Files.newDirectoryStream(walked);
        RandomAccessFile writing = new RandomAccessFile(file.toFile(), "r")) {
      OpenFiles open = OpenFiles.snapshot();

      assertThat(open.openUnder(written)).contains(file.toString());
      assertThat(open.openUnder(walked)).isEmpty();
    }
  }

  @Test
  void directoriesOurWalkOpensAndCloses_neverCountAsInUse() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
    Path walked = Files.createDirectory(dir.resolve("walked"));
    for (int i = 0; i < 50; i++) {
      Files.createDirectory(walked.resolve("d" + i));
    }
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    Thread walker = new Thread(() -> {
      // as the sizing walk does: descriptors of directories opened and closed all the time
      while (!done.get()) {
        for (int i = 0; i < 50; i++) {
          try (DirectoryStream<Path> d = Files.newDirectoryStream(walked.resolve("d" + i))) {
            d.iterator().hasNext();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
    });
    walker.start();
    try {
      for (int i = 0; i < 300; i++) {
        assertThat(OpenFiles.snapshot().openUnder(walked)).as("snapshot " + i).isEmpty();
      }
    } finally {
      done.set(true);
      walker.join();
    }
  }

  /** A /proc of {@code processes} processes, each holding {@code /data/p<pid>/f<n>} open on descriptors 3 to 7. */
  private Path proc(int processes) throws Exception {
    Path proc = Files.createDirectory(dir.resolve("proc"));
    for (int pid = 100; pid < 100 + processes; pid++) {
      Path fd = Files.createDirectories(proc.resolve(pid + "/fd"));
      for (int n = 3; n < 8; n++) {
        Files.createSymbolicLink(fd.resolve(Integer.toString(n)), Path.of("/data/p" + pid + "/f" + n));
      }
    }
    return proc;
  }

  @Test
  void theFilesOfEveryProcess_areInUse_whicheverThreadReadsThem() throws Exception {
    OpenFiles open = OpenFiles.snapshot(proc(400));

    for (int pid = 100; pid < 500; pid++) {
      assertThat(open.openUnder(Path.of("/data/p" + pid))).as("process " + pid).contains("/data/p" + pid + "/f3");
    }
    assertThat(open.openUnder(Path.of("/data/p1000"))).isEmpty();
  }

  @Test
  void anEntryThatIsItselfAnOpenFile_isInUse() throws Exception {
    OpenFiles open = OpenFiles.snapshot(proc(2));

    assertThat(open.openUnder(Path.of("/data/p101/f3"))).contains("/data/p101/f3");
    // a sibling whose name only starts the same is not under it
    assertThat(open.openUnder(Path.of("/data/p10"))).isEmpty();
  }

  @Test
  void aProcThatCannotBeRead_knowsNoOpenFile_andAnswersEveryQuestion() {
    OpenFiles open = OpenFiles.snapshot(dir.resolve("no-proc"));

    assertThat(open.openUnder(dir)).isEmpty();
  }
}
