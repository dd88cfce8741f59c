package org.diskwarden.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-thread filesystem credentials JGit's gc runs under (issue 27, git part). */
class AsOwnerTest {
  private static final int NOBODY = 65534;
  /** CAP_CHOWN (0), CAP_DAC_OVERRIDE (1), CAP_DAC_READ_SEARCH (2), CAP_FOWNER (3). */
  private static final long FILE_CAPS = 0xfL;

  @TempDir
  Path tmp;

  @BeforeEach
  void root() {
    assumeTrue(Dir.available(), "needs Linux on x86-64 or arm64");
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root: switches a thread's fsuid to nobody");
  }

  /** The Uid/Gid lines (real, effective, saved, fs), Groups and CapEff of the calling thread. */
  private static Map<String, String> status() throws Exception {
    return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
        .filter(l -> l.matches("(Uid|Gid|Groups|CapEff):.*"))
        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1).trim()));
  }

  @Test
  void theWorkThreadHasTheOwnersFsIds_withoutFileCapabilities_whileEveryOtherThreadStaysRoot() throws Exception {
    Map<String, String> before = status();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    CompletableFuture<Map<String, String>> other = CompletableFuture.supplyAsync(() -> {
      try {
        inside.await();
        return status();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        done.countDown();
      }
    });

    Map<String, String> during = AsOwner.call(NOBODY, NOBODY, "as-nobody", () -> {
      inside.countDown();
      done.await();
      return status();
    });

    assertThat(during.get("Uid")).as("real effective saved fs").isEqualTo("0\t0\t0\t" + NOBODY);
    assertThat(during.get("Gid")).isEqualTo("0\t0\t0\t" + NOBODY);
    assertThat(during.get("Groups")).isEqualTo(Integer.toString(NOBODY));
    assertThat(Long.parseUnsignedLong(during.get("CapEff"), 16) & FILE_CAPS).isZero();
    assertThat(other.join()).as("another thread, while the work ran").isEqualTo(before);
    assertThat(status()).as("the caller, afterwards").isEqualTo(before);
    assertThat(Long.parseUnsignedLong(before.get("CapEff"), 16) & FILE_CAPS).isEqualTo(FILE_CAPS);
  }

  @Test
  void pathsOpenedOnTheWorkThread_areCheckedWithTheOwnersRights_andWhatItMakesIsTheOwners() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path secret = Files.writeString(tmp.resolve("secret"), "root only");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Path theirs = Files.createDirectories(tmp.resolve("theirs"));
    Files.setAttribute(theirs, "unix:uid", NOBODY);
    Files.setAttribute(theirs, "unix:gid", NOBODY);

    ExecutionException denied = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> AsOwner.call(NOBODY, NOBODY, "as-nobody", () -> Files.readString(secret)));
    assertThat(denied).hasCauseInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> AsOwner.call(NOBODY, NOBODY, "as-nobody", () -> Files.writeString(tmp.resolve("x"), "")))
        .hasCauseInstanceOf(AccessDeniedException.class);

    Path made = AsOwner.call(NOBODY, NOBODY, "as-nobody", () -> Files.writeString(theirs.resolve("made"), "x"));
    assertThat(Files.getAttribute(made, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(NOBODY);
    assertThat(Files.getAttribute(made, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(NOBODY);
    assertThat(Files.readString(secret)).as("root again on this thread").isEqualTo("root only");
  }

  @Test
  void anAnchorOfAHeldDirectory_isReachableOnTheWorkThread_andStaysThatDirectoryWhenItsNameIsSwapped()
      throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(repo.resolve("HEAD"), "mine");
    Files.setAttribute(repo, "unix:uid", NOBODY);
    try (Dir held = Dir.open(repo)) {
      Files.move(repo, tmp.resolve("moved"));
      Path other = Files.createDirectories(tmp.resolve("repo"));
      Files.writeString(other.resolve("HEAD"), "someone else's");

      String read = AsOwner.call(NOBODY, NOBODY, "as-nobody", () -> Files.readString(held.anchor().resolve("HEAD")));

      assertThat(read).isEqualTo("mine");
    }
  }
}
