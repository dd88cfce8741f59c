package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.diskwarden.Tree;
import org.diskwarden.fs.Dir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hub cache repository's revisions as the cache policy ranks them ({@link HubRevisions}): last use and newest. */
class HubRevisionsTest {
  private static final Instant SNAPSHOTS = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant WRITTEN = Instant.parse("2026-01-05T00:00:00Z");
  private static final Instant READ = Instant.parse("2026-01-09T00:00:00Z");

  @TempDir
  Path repo;

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(repo.resolve("snapshots"));
  }

  private Path snapshot(String rev, String... linkedBlobs) throws Exception {
    Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(rev));
    for (String blob : linkedBlobs) {
      Path link = Files.createSymbolicLink(snapshot.resolve(blob + ".json"), Path.of("../../blobs/" + blob));
      Tree.setNoFollow(link, FileTime.from(SNAPSHOTS));
    }
    Tree.setNoFollow(snapshot, FileTime.from(SNAPSHOTS));
    return snapshot;
  }

  private List<HubRevisions.Revision> read() throws Exception {
    try (Dir d = Dir.open(repo)) {
      return HubRevisions.read(repo, d, Set.of());
    }
  }

  @Test
  void aRevisionWhoseBlobsAreAllShared_wasLastUsedWhenThoseWereRead_andIsAsNewAsThey() throws Exception {
    Path blob = Files.writeString(Files.createDirectories(repo.resolve("blobs")).resolve("cafe"), "{}");
    Files.getFileAttributeView(blob, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(FileTime.from(WRITTEN), FileTime.from(READ), null);
    snapshot("1111", "cafe");
    snapshot("2222", "cafe");

    assertThat(read()).hasSize(2).allSatisfy(r -> {
      assertThat(r.lastUse()).as(r.rev()).isEqualTo(READ);
      assertThat(r.newest()).as(r.rev()).isEqualTo(WRITTEN);
      assertThat(r.blobs()).containsExactly(repo.resolve("blobs/cafe"));
    });
  }

  @Test
  void aRevisionWithABlobOfItsOwn_wasLastUsedWhenThatWasRead_notWhenTheSharedOnesWere() throws Exception {
    Path blobs = Files.createDirectories(repo.resolve("blobs"));
    Path shared = Files.writeString(blobs.resolve("cafe"), "{}");
    Path own = Files.writeString(blobs.resolve("beef"), "weights");
    Files.getFileAttributeView(shared, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(FileTime.from(WRITTEN), FileTime.from(READ), null);
    Files.getFileAttributeView(own, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(FileTime.from(WRITTEN), FileTime.from(WRITTEN.plusSeconds(60)), null);
    snapshot("1111", "cafe", "beef");
    snapshot("2222", "cafe");

    assertThat(read()).filteredOn(r -> r.rev().equals("1111")).singleElement()
        .satisfies(r -> assertThat(r.lastUse()).isEqualTo(WRITTEN.plusSeconds(60)));
  }

  @Test
  void aRevisionWithoutBlobs_wasLastUsedWhenItsSnapshotWasWritten_evenWithNoBlobsFolder() throws Exception {
    snapshot("1111", "gone");

    assertThat(read()).singleElement().satisfies(r -> {
      assertThat(r.lastUse()).isEqualTo(SNAPSHOTS);
      assertThat(r.newest()).isEqualTo(SNAPSHOTS);
      assertThat(r.links()).containsExactly(repo.resolve("snapshots/1111/gone.json"));
    });
  }
}
