package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.diskwarden.Tree;
import org.diskwarden.archive.ArchiveFormat;
import org.diskwarden.archive.TreeSnapshot;
import org.diskwarden.config.Action;
import org.diskwarden.config.WardenConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An archive already in place when a compress begins (a run killed after the rename, before the
 * removal): the original goes only when the archive holds exactly what the entry holds.
 */
class KeepEarlierRunTest {
  @TempDir
  Path dir;

  private KeepFixture f;
  private WardenConfig config;
  private Path entry;
  private Path archive;

  /** The entry archived and removed as a killed run left it, then the entry back (from a copy made before). */
  private void archivedThenBack(boolean changed) throws Exception {
    f = new KeepFixture(Files.createDirectories(dir.resolve("base")), dir.resolve("logs/audit.jsonl"));
    config = f.config("action: compress");
    entry = f.textBackup("a_20251101", 9);
    Path spare = f.base.resolve("spare");
    KeeperTest.run("cp", "-a", entry.toString(), spare.toString());
    assertThat(f.keep(config, f.candidate(entry, Action.COMPRESS, 1_000_000, 500_000)).kind())
        .isEqualTo(Keeper.Kind.DONE);
    archive = entry.resolveSibling("a_20251101" + ArchiveFormat.best().suffix());
    if (changed) {
      Files.writeString(spare.resolve("train.log"), "one more step\n", StandardOpenOption.APPEND);
    }
    Files.move(spare, entry);
    // the times textBackup gave (a move or a write may touch them): what differs is the contents alone
    f.tree.age(entry, Tree.days(9));
  }

  @Test
  void anArchiveThatHoldsTheEntry_letsTheOriginalGo() throws Exception {
    archivedThenBack(false);
    byte[] archived = Files.readAllBytes(archive);

    Keeper.Result r = f.keep(config, f.candidate(entry, Action.COMPRESS, 1_000_000, 500_000));

    assertThat(r.kind()).isEqualTo(Keeper.Kind.DONE);
    assertThat(entry).doesNotExist();
    assertThat(Files.readAllBytes(archive)).isEqualTo(archived);
  }

  @Test
  void anArchiveThatDiffersFromTheEntry_leavesBothAlone() throws Exception {
    archivedThenBack(true);
    List<String> before = TreeSnapshot.of(entry);

    Keeper.Result r = f.keep(config, f.candidate(entry, Action.COMPRESS, 1_000_000, 500_000));

    assertThat(r.kind()).isEqualTo(Keeper.Kind.SKIPPED);
    assertThat(r.removal().error()).get().asString().contains("already exists and differs from the entry")
        .endsWith("both are left alone");
    assertThat(TreeSnapshot.of(entry)).isEqualTo(before);
    assertThat(archive).isRegularFile();
  }
}
