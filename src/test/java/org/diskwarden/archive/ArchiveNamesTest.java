package org.diskwarden.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which files are archives the agent made, what entry each holds, and the name a file has until it is complete. */
class ArchiveNamesTest {

  @Test
  void aSuffixAloneIsNoArchive_aNameBeforeItIs() {
    assertThat(ArchiveFormat.of(Path.of("/data/ckpt/v3.tar.zst"))).contains(ArchiveFormat.ZSTD);
    assertThat(ArchiveFormat.of(Path.of("/data/ckpt/v3.tar.gz"))).contains(ArchiveFormat.GZIP);
    assertThat(ArchiveFormat.of(Path.of("/data/ckpt/.tar.zst"))).isEmpty();
    assertThat(ArchiveFormat.of(Path.of("/data/ckpt/v3.zip"))).isEmpty();
    assertThat(ArchiveFormat.ZSTD.entryName(Path.of("/data/ckpt/v3.tar.zst"))).isEqualTo("v3");
  }

  @Test
  void partialNames_areHiddenBesideTheFinalOne_andRecognised() {
    Path partial = Partial.of(Path.of("/data/ckpt/v3.tar.zst"));

    assertThat(partial).isEqualTo(Path.of("/data/ckpt/.v3.tar.zst.diskwarden-partial"));
    assertThat(Partial.name("v3")).isEqualTo(".v3.diskwarden-partial");
    assertThat(Partial.is(partial)).isTrue();
    assertThat(Partial.is(Path.of("/data/ckpt/v3.tar.zst"))).isFalse();
    assertThat(Partial.is(Path.of("/"))).as("the root has no name").isFalse();
  }

  @Test
  void best_isZstdWhereItsLibraryLoads() {
    assertThat(ArchiveFormat.best()).isEqualTo(ArchiveFormat.ZSTD);
    assertThat(ArchiveFormat.best()).as("asked again: the same answer").isEqualTo(ArchiveFormat.ZSTD);
  }
}
