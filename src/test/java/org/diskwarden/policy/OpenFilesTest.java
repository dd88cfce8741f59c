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
}
