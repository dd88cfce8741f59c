package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.diskwarden.archive.ArchiveFormat;
import org.diskwarden.archive.TreeSnapshot;
import org.diskwarden.config.Action;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.fs.Dir;
import org.diskwarden.policy.Candidate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one compress does with the numbers it is given and the trouble it meets on the way. */
class KeeperTest {
  @TempDir
  Path dir;

  private KeepFixture fixture(String base) throws Exception {
    return new KeepFixture(Files.createDirectories(dir.resolve(base)), dir.resolve("logs/audit.jsonl"));
  }

  private static Path archiveOf(Path entry) {
    return entry.resolveSibling(entry.getFileName() + ArchiveFormat.best().suffix());
  }

  private List<String> outcomes(KeepFixture f) throws Exception {
    return Files.readAllLines(f.audit.file()).stream().filter(l -> l.contains("\"event\":\"outcome\"")).toList();
  }

  @Test
  void anEstimateAtMinRatioGain_isArchived_withTheDataTime_andTeachesTheEstimates_andOneBelowIsNotEvenWritten()
      throws Exception {
    KeepFixture f = fixture("base");
    WardenConfig config = f.config("action: compress");
    Path poor = f.textBackup("a_20251101", 9);
    Path fair = f.textBackup("b_20251101", 9);

    Keeper.Result skipped = f.keep(config, f.candidate(poor, Action.COMPRESS, 1_000_000, 50_000));
    Candidate c = f.candidate(fair, Action.COMPRESS, 1_000_000, 100_000);
    Keeper.Result done = f.keep(config, c);

    assertThat(skipped.kind()).isEqualTo(Keeper.Kind.SKIPPED);
    assertThat(skipped.removal().error()).get().asString()
        .contains("estimated to save 5%").contains("min_ratio_gain 10.0%");
    assertThat(Files.readString(f.audit.file())).as("nothing written for the poor one").doesNotContain("a_20251101");
    assertThat(poor.resolve("train.log")).exists();

    assertThat(done.kind()).isEqualTo(Keeper.Kind.DONE);
    Path archive = archiveOf(fair);
    assertThat(fair).doesNotExist();
    assertThat(Files.getLastModifiedTime(archive).toInstant()).as("the data's time, not today")
        .isEqualTo(c.newest());
    assertThat(outcomes(f)).anySatisfy(l -> assertThat(l).contains(".b_20251101").contains("\"outcome\":\"renamed\""));
    assertThat(f.audit.unfinishedWrites()).isEmpty();
    try (Dir folder = Dir.open(fair.getParent())) {
      assertThat(f.estimates.ratio(folder, fair, c.newest(), ArchiveFormat.best(), KeepFixture.action(config)
          .compressLevel())).as("what the archive really saved").isEqualTo(Files.size(archive) / 1_000_000.0);
    }
  }

  @Test
  void anArchiveThatSavesExactlyMinRatioGain_isKept() throws Exception {
    // the same entry twice (cp -a: same names, bytes, modes and times): the first archive's size is the second's
    KeepFixture first = fixture("first");
    Path entry = first.textBackup("a_20251101", 9);
    KeepFixture second = fixture("second");
    run("cp", "-a", entry.toString(), second.base.resolve("models/backups").toString());
    Path twin = second.base.resolve("models/backups/a_20251101");
    assertThat(first.keep(first.config("action: compress"),
        first.candidate(entry, Action.COMPRESS, 1_000_000, 500_000)).kind()).isEqualTo(Keeper.Kind.DONE);
    long archive = Files.size(archiveOf(entry));

    // claimed twice the archive: it saves exactly 50 %, the least min_ratio_gain 50 accepts
    Keeper.Result r = second.keep(second.config("action: compress\nmin_ratio_gain: 50"),
        second.candidate(twin, Action.COMPRESS, 2 * archive, archive));

    assertThat(r.kind()).as("%s", r.removal().error()).isEqualTo(Keeper.Kind.DONE);
    assertThat(Files.size(archiveOf(twin))).isEqualTo(archive);
  }

  @Test
  void anArchiveNameTakenMeanwhile_failsTheKeep_keepsTheOriginalAndTheirFile_andLeavesNoPartial() throws Exception {
    KeepFixture f = fixture("base");
    Path entry = f.textBackup("a_20251101", 9);
    List<String> before = TreeSnapshot.of(entry);
    Path theirs = archiveOf(entry);
    f.beforeVerify(partial -> write(theirs, "someone else's"));

    Keeper.Result r = f.keep(f.config("action: compress"), f.candidate(entry, Action.COMPRESS, 1_000_000, 500_000));

    assertThat(r.kind()).isEqualTo(Keeper.Kind.FAILED);
    assertThat(r.removal().error()).get().asString()
        .contains("cannot write the archive, original kept: appeared meanwhile");
    assertThat(TreeSnapshot.of(entry)).isEqualTo(before);
    assertThat(Files.readString(theirs)).isEqualTo("someone else's");
    assertThat(f.audit.unfinishedWrites()).isEmpty();
    assertThat(outcomes(f)).singleElement().asString().contains("\"outcome\":\"discarded\"");
  }

  @Test
  void anEntryWithAHardLinkedFile_isNotArchived_andStaysAsItIs() throws Exception {
    KeepFixture f = fixture("base");
    Path entry = f.textBackup("a_20251101", 9);
    Files.createLink(f.base.resolve("elsewhere"), entry.resolve("train.log"));
    List<String> before = TreeSnapshot.of(entry);

    Keeper.Result r = f.keep(f.config("action: compress"), f.candidate(entry, Action.COMPRESS, 1_000_000, 500_000));

    assertThat(r.kind()).isEqualTo(Keeper.Kind.SKIPPED);
    assertThat(r.removal().error()).get().asString().contains("not kept as an archive").contains("links")
        .contains("the entry stays as it is");
    assertThat(TreeSnapshot.of(entry)).isEqualTo(before);
    assertThat(archiveOf(entry)).doesNotExist();
    assertThat(f.audit.unfinishedWrites()).isEmpty();
  }

  @Test
  void anEntryReplacedWhileItWasArchived_keepsTheArchive_butItsRemovalFails_andIsReportedFailed() throws Exception {
    KeepFixture f = fixture("base");
    f.textBackup("a_20251101", 9);
    f.textBackup("a_20251103", 7);
    WardenConfig config = f.config("action: compress");
    Candidate c = f.planned(config).get(0);
    Path moved = f.base.resolve("moved");
    f.beforeVerify(partial -> {
      try {
        Files.move(c.path(), moved);
        Files.createDirectory(c.path());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    Keeper.Result r = f.keep(config, c);

    assertThat(r.kind()).isEqualTo(Keeper.Kind.FAILED);
    assertThat(r.removal().freed()).isZero();
    assertThat(moved.resolve("train.log")).exists();
    assertThat(c.path()).isEmptyDirectory();
    assertThat(archiveOf(c.path())).exists();
  }

  @Test
  void anEntryInAFolderOthersMayReplace_isNotArchived() throws Exception {
    KeepFixture f = fixture("base");
    Path entry = f.textBackup("a_20251101", 9);
    Files.setPosixFilePermissions(entry.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));

    Keeper.Result r = f.keep(f.config("action: compress"), f.candidate(entry, Action.COMPRESS, 1_000_000, 500_000));

    assertThat(r.kind()).isEqualTo(Keeper.Kind.SKIPPED);
    assertThat(r.removal().error()).get().asString().startsWith("not kept as an archive: ")
        .endsWith("; the entry stays as it is");
    assertThat(entry.resolve("train.log")).exists();
    assertThat(archiveOf(entry)).doesNotExist();
  }

  @Test
  void anAuditLogThatCannotBeWritten_failsTheKeep_beforeAByteIsWritten() throws Exception {
    Path notAFolder = Files.writeString(dir.resolve("logs-file"), "x");
    KeepFixture f = new KeepFixture(Files.createDirectories(dir.resolve("base")), notAFolder.resolve("audit.jsonl"));
    Path entry = f.textBackup("a_20251101", 9);

    Keeper.Result r = f.keep(f.config("action: compress"), f.candidate(entry, Action.COMPRESS, 1_000_000, 500_000));

    assertThat(r.kind()).isEqualTo(Keeper.Kind.FAILED);
    assertThat(r.removal().error()).get().asString().startsWith("cannot record the archive in the audit log");
    assertThat(entry.resolve("train.log")).exists();
    assertThat(names(entry.getParent())).containsExactly("a_20251101");
  }

  @Test
  void compressTo_makesItsFoldersInsideBaseDir_andTheArchiveLandsThere_butNotThroughAFile() throws Exception {
    KeepFixture f = fixture("base");
    Path a = f.textBackup("a_20251101", 9);
    Path b = f.textBackup("b_20251101", 9);
    WardenConfig config = f.config("action: compress\ncompress_to: archive/backups");

    Keeper.Result made = f.keep(config, f.candidate(a, Action.COMPRESS, 1_000_000, 500_000));
    assertThat(made.kind()).isEqualTo(Keeper.Kind.DONE);
    assertThat(f.base.resolve("archive/backups/a_20251101" + ArchiveFormat.best().suffix())).isRegularFile();
    assertThat(a).doesNotExist();

    Files.delete(f.base.resolve("archive/backups/a_20251101" + ArchiveFormat.best().suffix()));
    Files.delete(f.base.resolve("archive/backups"));
    Files.writeString(f.base.resolve("archive/backups"), "a file");
    Keeper.Result refused = f.keep(config, f.candidate(b, Action.COMPRESS, 1_000_000, 500_000));
    assertThat(refused.kind()).isEqualTo(Keeper.Kind.FAILED);
    assertThat(refused.removal().error()).get().asString().startsWith("cannot prepare the archive: ")
        .contains("where a folder of compress_to goes");
    assertThat(b.resolve("train.log")).exists();
  }

  private static List<String> names(Path folder) throws java.io.IOException {
    try (var s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void write(Path p, String text) {
    try {
      Files.writeString(p, text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
  }
}
