package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.diskwarden.fs.Dir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hub cache repository's own files say ({@link HubFiles}): the revisions its refs name, and
 * whether a download into it is in progress.
 */
class HubFilesTest {
  private static final String MAIN = "a".repeat(40);
  private static final String PR = "b".repeat(40);

  @TempDir
  Path cache;

  Path repo;

  @BeforeEach
  void setUp() throws Exception {
    repo = Files.createDirectories(cache.resolve("models--org--model"));
  }

  private Optional<Held> refs(Map<String, List<String>> named) throws Exception {
    try (Dir d = Dir.open(repo)) {
      return new HubFiles(repo, d, "hub").refs(named);
    }
  }

  private Optional<Held> downloading(Set<Long> locked, Instant settledBefore, List<String> stale) throws Exception {
    try (Dir d = Dir.open(repo)) {
      return new HubFiles(repo, d, "hub").downloading(cache, locked, settledBefore, stale);
    }
  }

  @Test
  void everyRef_evenInAFolder_namesItsRevision() throws Exception {
    Files.createDirectories(repo.resolve("refs/pr"));
    Files.writeString(repo.resolve("refs/main"), MAIN + "\n");
    Files.writeString(repo.resolve("refs/pr/1"), PR);
    Files.writeString(repo.resolve("refs/pr/2"), PR);
    Map<String, List<String>> named = new LinkedHashMap<>();

    assertThat(refs(named)).isEmpty();

    assertThat(named).containsOnlyKeys(MAIN, PR);
    assertThat(named.get(MAIN)).containsExactly("refs/main");
    assertThat(named.get(PR)).containsExactlyInAnyOrder("refs/pr/1", "refs/pr/2");
  }

  @Test
  void aRepositoryWithoutRefs_namesNothing_andIsNotHeld() throws Exception {
    Map<String, List<String>> named = new LinkedHashMap<>();

    assertThat(refs(named)).isEmpty();
    assertThat(named).isEmpty();
  }

  @Test
  void aRefThatCannotBeRead_holdsTheRepository_sayingWhy() throws Exception {
    Files.createDirectories(repo.resolve("refs"));
    Files.writeString(repo.resolve("refs/main"), MAIN);
    Files.createSymbolicLink(repo.resolve("refs/pr"), repo.resolve("refs/main"));

    Optional<Held> held = refs(new LinkedHashMap<>());

    assertThat(held).hasValueSatisfying(h -> {
      assertThat(h.path()).isEqualTo(repo);
      assertThat(h.why()).isEqualTo(Held.Why.UNREADABLE);
      assertThat(h.reason()).startsWith("skipped: a ref cannot be read (").endsWith("); which revision it keeps is unknown");
    });
  }

  @Test
  void refsSixteenFoldersDeep_areRead_seventeenHoldTheRepository() throws Exception {
    Path sixteen = Files.createDirectories(repo.resolve("refs/" + "d/".repeat(16)));
    Files.writeString(sixteen.resolve("deep"), MAIN);
    Map<String, List<String>> named = new LinkedHashMap<>();

    assertThat(refs(named)).isEmpty();
    assertThat(named.get(MAIN)).containsExactly("refs/" + "d/".repeat(16) + "deep");

    Files.createDirectories(sixteen.resolve("d"));
    Files.writeString(sixteen.resolve("d/deeper"), PR);
    assertThat(refs(new LinkedHashMap<>())).hasValueSatisfying(h ->
        assertThat(h.reason()).contains("lies deeper than 16 folders"));
  }

  @Test
  void aYoungIncompleteBlob_isADownloadInProgress_anOldOneIsStale() throws Exception {
    Path blobs = Files.createDirectories(repo.resolve("blobs"));
    Instant settled = Instant.parse("2026-01-10T00:00:00Z");
    Path old = Files.writeString(blobs.resolve("old.incomplete"), "x");
    Files.setLastModifiedTime(old, FileTime.from(settled.minusSeconds(1)));
    Files.writeString(blobs.resolve("complete-blob"), "x");
    List<String> stale = new ArrayList<>();

    assertThat(downloading(Set.of(), settled, stale)).isEmpty();
    assertThat(stale).containsExactly("old.incomplete");

    Path young = Files.writeString(blobs.resolve("young.incomplete"), "x");
    Files.setLastModifiedTime(young, FileTime.from(settled.plusSeconds(1)));
    assertThat(downloading(Set.of(), settled, new ArrayList<>())).hasValueSatisfying(h -> {
      assertThat(h.why()).isEqualTo(Held.Why.IN_USE);
      assertThat(h.reason()).isEqualTo("skipped: a download is in progress (young.incomplete)");
    });
  }

  @Test
  void aBlobsFolderThatCannotBeListed_holdsTheRepository() throws Exception {
    Files.writeString(repo.resolve("blobs"), "not a folder");

    assertThat(downloading(Set.of(), Instant.now(), new ArrayList<>())).hasValueSatisfying(h -> {
      assertThat(h.why()).isEqualTo(Held.Why.UNREADABLE);
      assertThat(h.reason()).startsWith("skipped: its blobs cannot be listed (");
    });
  }

  @Test
  void aLockAProcessHolds_isADownloadInProgress_anUnheldLockIsNot() throws Exception {
    Path locks = Files.createDirectories(cache.resolve(".locks/models--org--model"));
    Path lock = Files.writeString(locks.resolve("0123abcd.lock"), "");

    assertThat(downloading(HubFiles.lockedInodes(), Instant.now(), new ArrayList<>())).isEmpty();

    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE); FileLock held = ch.lock()) {
      Set<Long> locked = HubFiles.lockedInodes();
      assertThat(locked).as("/proc/locks lists our lock").contains((Long) Files.getAttribute(lock, "unix:ino"));

      assertThat(downloading(locked, Instant.now(), new ArrayList<>())).hasValueSatisfying(h -> {
        assertThat(h.why()).isEqualTo(Held.Why.IN_USE);
        assertThat(h.reason()).isEqualTo("skipped: a process holds the lock .locks/models--org--model/0123abcd.lock");
      });
    }
  }
}
