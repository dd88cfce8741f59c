package org.diskwarden.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;

class DirTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void linux() {
    Assumptions.assumeTrue(Dir.available(), "needs Linux on x86-64 or arm64: descriptor-relative calls");
  }

  @Test
  void rawList_givesANameThatIsNotText_whichStatsOpensAndShowsByItsBytes() throws Exception {
    byte[] bad = {'b', 'a', 'd', (byte) 0xff};
    Path made = org.diskwarden.ByteNames.mkdir(tmp, bad);
    Files.writeString(tmp.resolve("plain"), "x");
    try (Dir d = Dir.open(tmp)) {
      assertThatThrownBy(d::list).hasMessageContaining("not valid");
      assertThat(d.rawList()).hasSize(2).anySatisfy(n -> assertThat(n).isEqualTo(bad));
      assertThat(d.stat(bad)).hasValueSatisfying(a -> assertThat(a.isDirectory()).isTrue());
      try (Dir sub = d.dir(bad)) {
        assertThat(sub.self().sameFileAs(d.stat(bad).orElseThrow())).isTrue();
        assertThat(sub.path()).isEqualTo(made);
      }
      assertThat(Names.child(tmp, bad)).isEqualTo(made);
      assertThat(Names.of(Names.child(tmp, bad))).endsWith("/bad\\377");
      assertThatThrownBy(() -> d.stat("..".getBytes(StandardCharsets.US_ASCII)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void rawList_inBatches_givesWhatReaddirGives_acrossManyBatches() throws Exception {
    for (int i = 0; i < 3000; i++) {
      Files.createFile(tmp.resolve(String.format("%04d-", i) + "n".repeat(200)));
    }
    org.diskwarden.ByteNames.mkdir(tmp, new byte[] {'x', (byte) 0xfe});
    try (Dir d = Dir.open(tmp)) {
      java.util.List<String> batched = d.rawList().stream().map(java.util.HexFormat.of()::formatHex).sorted().toList();
      java.util.List<String> one = d.readdirNames().stream().map(java.util.HexFormat.of()::formatHex).sorted().toList();
      assertThat(batched).hasSize(3001).isEqualTo(one);
    }
  }

  @Test
  void rawListOnce_readsItsOwnDescriptorOnce_andEveryLaterListingIsWhole() throws Exception {
    for (int i = 0; i < 2000; i++) {
      Files.createFile(tmp.resolve(String.format("%04d-", i) + "n".repeat(100)));
    }
    try (Dir d = Dir.open(tmp)) {
      java.util.List<String> all = d.rawList().stream().map(java.util.HexFormat.of()::formatHex).sorted().toList();
      assertThat(d.rawListOnce().stream().map(java.util.HexFormat.of()::formatHex).sorted().toList())
          .hasSize(2000).isEqualTo(all);
      // its own position is at the end now: later listings take a descriptor of their own
      assertThat(d.rawListOnce()).hasSize(2000);
      assertThat(d.rawList()).hasSize(2000);
      assertThat(d.list()).hasSize(2000);
    }
    try (Dir d = Dir.open(tmp)) {
      assertThat(d.list()).hasSize(2000);
      assertThat(d.rawListOnce()).as("after a readdir through a dup, which moved the shared position").hasSize(2000);
    }
  }

  @Test
  void unlinkAndRmdir_byBytes_removeANameThatIsNotText_andNameItWhenTheyCannot() throws Exception {
    byte[] badDir = {'d', (byte) 0xff};
    byte[] badFile = {'f', '\n', (byte) 0xfe};
    Path dir = org.diskwarden.ByteNames.mkdir(tmp, badDir);
    org.diskwarden.ByteNames.files(tmp, java.util.List.of(badFile));
    Files.writeString(dir.resolve("inside"), "x");
    try (Dir d = Dir.open(tmp)) {
      assertThatThrownBy(() -> d.rmdir(badDir)).isInstanceOf(FileSystemException.class)
          .hasMessageStartingWith(dir.toString());
      d.unlink(badFile);
      assertThat(d.stat(badFile)).isEmpty();
      assertThatThrownBy(() -> d.unlink(badFile)).isInstanceOf(NoSuchFileException.class);
      Files.delete(dir.resolve("inside"));
      d.rmdir(badDir);
      assertThat(d.rawList()).isEmpty();
    }
  }

  @Test
  void read_fifoInPlaceOfControlFile_isUnreadableAndDoesNotBlock() throws Exception {
    Path fifo = tmp.resolve("gc.pid");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(p.waitFor()).isZero();
    try (Dir d = Dir.open(tmp)) {
      ControlFile read = CompletableFuture.supplyAsync(() -> d.read("gc.pid", 4096)).get(5, TimeUnit.SECONDS);
      assertThat(read).isInstanceOf(ControlFile.Unreadable.class);
      assertThat(((ControlFile.Unreadable) read).why()).contains("FIFO");
    }
  }

  @Test
  void read_socketAndSparseHugeFile_areUnreadable() throws Exception {
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(tmp.resolve("latest")));
      try (RandomAccessFile f = new RandomAccessFile(tmp.resolve("trainer_state.json").toFile(), "rw")) {
        f.setLength(2L << 30);
      }
      try (Dir d = Dir.open(tmp)) {
        assertThat(d.read("latest", 4096)).isInstanceOf(ControlFile.Unreadable.class);
        assertThat(((ControlFile.Unreadable) d.read("latest", 4096)).why()).endsWith("latest: a socket, not a regular file");
        assertThat(((ControlFile.Unreadable) d.read("trainer_state.json", 1 << 20)).why()).contains("2147483648 bytes");
      }
    }
  }

  @Test
  void read_linkToFile_isNotFollowed() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret"), "root only");
    Files.createSymbolicLink(tmp.resolve("latest"), secret);
    try (Dir d = Dir.open(tmp)) {
      assertThat(d.read("latest", 4096)).isInstanceOf(ControlFile.Unreadable.class);
      assertThat(((ControlFile.Content) d.read("secret", 4096)).text()).isEqualTo("root only");
      assertThat(d.read("absent", 4096)).isInstanceOf(ControlFile.Missing.class);
    }
  }

  @Test
  void dir_throughALink_isRefused() throws Exception {
    Files.createDirectory(tmp.resolve("real"));
    Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("real"));
    try (Dir d = Dir.open(tmp)) {
      assertThatThrownBy(() -> d.dir("link")).isInstanceOf(FileSystemException.class);
      assertThatThrownBy(() -> d.dir("a/b")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> d.dir("..")).isInstanceOf(IllegalArgumentException.class);
      try (Dir real = d.dir("real")) {
        assertThat(real.self().isDirectory()).isTrue();
        assertThat(real.self().inode()).isEqualTo(Files.getAttribute(tmp.resolve("real"), "unix:ino"));
      }
    }
  }

  @Test
  void createFile_isExclusiveAndDoesNotFollowALink() throws Exception {
    Path victim = Files.writeString(tmp.resolve("victim"), "keep");
    Files.createSymbolicLink(tmp.resolve("out"), victim);
    try (Dir d = Dir.open(tmp)) {
      assertThatThrownBy(() -> d.createFile("out", 0600)).isInstanceOf(FileAlreadyExistsException.class);
      try (Handle h = d.createFile("new", 0600)) {
        h.out().write("data".getBytes(StandardCharsets.UTF_8));
        h.chmod(0640);
        Instant t = Instant.parse("2020-01-02T03:04:05.123456789Z");
        h.setModified(t);
        assertThat(h.attrs().permissions()).isEqualTo(0640);
        assertThat(h.attrs().mtime()).isEqualTo(t);
      }
      assertThat(Files.readString(tmp.resolve("new"))).isEqualTo("data");
      assertThat(Files.readString(victim)).isEqualTo("keep");
    }
  }

  @Test
  void mkdirRenameList_actOnHeldDirectories() throws Exception {
    try (Dir d = Dir.open(tmp); Dir made = d.mkdir("work", 0700)) {
      assertThat(made.self().permissions()).isEqualTo(0700);
      try (Handle h = made.createFile("f", 0600)) {
        h.sync();
      }
      Files.createDirectory(tmp.resolve("dest"));
      try (Dir dest = d.dir("dest")) {
        made.rename("f", dest, "g");
        assertThat(dest.list()).containsExactly("g");
        Files.writeString(tmp.resolve("work/h"), "x");
        assertThatThrownBy(() -> made.rename("h", dest, "g")).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(made.list()).containsExactly("h");
        assertThat(made.list()).containsExactly("h");
      }
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("work"))))
          .isEqualTo("rwx------");
      assertThatThrownBy(() -> d.mkdir("work", 0700)).isInstanceOf(FileAlreadyExistsException.class);
      d.symlink("l", "/etc/shadow");
      assertThat(d.readLink("l")).isEqualTo("/etc/shadow");
      assertThat(d.stat("l").orElseThrow().isSymbolicLink()).isTrue();
      assertThat(d.stat("nothing")).isEmpty();
      d.setModifiedNoFollow("l", Instant.ofEpochSecond(1000));
      assertThat(Files.getLastModifiedTime(tmp.resolve("l"), LinkOption.NOFOLLOW_LINKS).toInstant())
          .isEqualTo(Instant.ofEpochSecond(1000));
      d.unlink("l");
      assertThatThrownBy(() -> d.unlink("l")).isInstanceOf(NoSuchFileException.class);
    }
  }

  @Test
  void attrs_matchWhatTheJdkReads() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "12345");
    Files.createLink(tmp.resolve("f2"), f);
    try (Dir d = Dir.open(tmp)) {
      Attrs a = d.stat("f").orElseThrow();
      assertThat(a.size()).isEqualTo(5);
      assertThat(a.links()).isEqualTo(2);
      assertThat(a.isRegularFile()).isTrue();
      assertThat(a.inode()).isEqualTo(Files.getAttribute(f, "unix:ino"));
      assertThat(a.uid()).isEqualTo(Files.getAttribute(f, "unix:uid"));
      assertThat(a.permissions()).isEqualTo(Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS) instanceof Integer m ? m & 07777 : -1);
      assertThat(a.mtime()).isEqualTo(Files.getLastModifiedTime(f).toInstant());
      assertThat(Duration.between(a.mtime(), Instant.now()).abs()).isLessThan(Duration.ofMinutes(5));
    }
  }

  @Test
  void descend_goesANameAtATime_andRefusesALinkAnywhereOnTheWay() throws Exception {
    Files.createDirectories(tmp.resolve("a/b/c"));
    Files.writeString(tmp.resolve("a/b/c/f"), "deep");
    Files.createDirectories(tmp.resolve("elsewhere/c"));
    Files.createSymbolicLink(tmp.resolve("a/l"), tmp.resolve("elsewhere"));
    try (Dir d = Dir.open(tmp)) {
      try (Dir c = d.descend(Path.of("a/b/c"))) {
        assertThat(((ControlFile.Content) c.read("f", 16)).text()).isEqualTo("deep");
        assertThat(c.path()).isEqualTo(tmp.resolve("a/b/c"));
      }
      try (Dir same = d.descend(Path.of(""))) {
        assertThat(same.self().sameFileAs(d.self())).isTrue();
      }
      assertThatThrownBy(() -> d.descend(Path.of("a/l/c"))).isInstanceOf(FileSystemException.class)
          .hasMessageContaining("a/l");
      assertThatThrownBy(() -> d.descend(Path.of("a/b/c/f"))).isInstanceOf(FileSystemException.class);
      assertThatThrownBy(() -> d.descend(Path.of("a/../elsewhere"))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> d.descend(tmp)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void readAt_readsFromAPosition_andLeavesTheOffsetAlone() throws Exception {
    Files.writeString(tmp.resolve("f"), "0123456789");
    try (Dir d = Dir.open(tmp); Handle h = d.openFile("f")) {
      byte[] b = new byte[4];
      assertThat(h.readAt(b, 4, 6)).isEqualTo(4);
      assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("6789");
      assertThat(h.readAt(b, 4, 10)).isEqualTo(-1);
      assertThat(h.read(b, 4)).isEqualTo(4);
      assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("0123");
    }
  }

  @Test
  void openFile_onADirectoryOrMissing_isRefused() throws IOException {
    Files.createDirectory(tmp.resolve("d"));
    try (Dir d = Dir.open(tmp)) {
      assertThatThrownBy(() -> d.openFile("d")).isInstanceOf(FileSystemException.class).hasMessageContaining("directory");
      assertThatThrownBy(() -> d.openFile("none")).isInstanceOf(NoSuchFileException.class);
    }
  }
}
