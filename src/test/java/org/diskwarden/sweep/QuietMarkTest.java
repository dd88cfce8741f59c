package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quiet mark is only a hint: a reader starts at it when it fits the file, else at byte 0. */
class QuietMarkTest {
  @TempDir
  Path dir;

  private Path audit(int bytes) throws Exception {
    return Files.write(dir.resolve("audit.jsonl"), new byte[bytes]);
  }

  private long ino(Path p) throws Exception {
    return (Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
  }

  private void mark(String text) throws Exception {
    Files.writeString(dir.resolve("audit.quiet"), text);
  }

  @Test
  void aMarkOfThisFile_isWhereTheReaderStarts_upToItsVeryEnd() throws Exception {
    Path audit = audit(100);
    QuietMark quiet = new QuietMark(audit);

    quiet.record(audit, 40);
    assertThat(quiet.start(audit)).isEqualTo(40);
    mark(ino(audit) + " 100\n");
    assertThat(quiet.start(audit)).as("a mark at the end: nothing to read").isEqualTo(100);
  }

  @Test
  void aMarkOfAnotherFile_pastTheEnd_negative_malformedOrMissing_meansFromTheStart() throws Exception {
    Path audit = audit(100);
    QuietMark quiet = new QuietMark(audit);
    assertThat(quiet.start(audit)).as("no mark").isZero();

    mark((ino(audit) + 1) + " 40\n");
    assertThat(quiet.start(audit)).as("another inode: rotated since").isZero();
    mark(ino(audit) + " 101\n");
    assertThat(quiet.start(audit)).as("past the end").isZero();
    mark(ino(audit) + " -5\n");
    assertThat(quiet.start(audit)).as("negative").isZero();
    mark(ino(audit) + " 40 7\n");
    assertThat(quiet.start(audit)).as("three fields").isZero();
    mark(ino(audit) + " forty\n");
    assertThat(quiet.start(audit)).as("not a number").isZero();
  }
}
