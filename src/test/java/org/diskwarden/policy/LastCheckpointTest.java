package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.diskwarden.fs.Dir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The best_model_path a Lightning {@code last.ckpt} names ({@link LastCheckpoint}), from the zip as
 * torch.save writes it and as zip writers may lay it out: past 4 GiB (zip64), with a comment, with
 * other members first, with a large data.pkl. Each file is also read by Python's zipfile, the real
 * neighbour, so the layouts are zips and not this reader's idea of one.
 */
class LastCheckpointTest {
  private static final String BEST = "/runs/ckpt/epoch=3-step=400.ckpt";
  private static final String MEMBER = "last/data.pkl";

  @TempDir
  Path dir;

  byte[] pickle;

  @BeforeEach
  void setUp() throws Exception {
    Path fixture = dir.resolve("fixture.ckpt");
    python(Path.of("src/test/resources/fixtures/lightning_last_ckpt.py").toAbsolutePath().toString(),
        fixture.toString(), BEST);
    try (ZipFile z = new ZipFile(fixture.toFile())) {
      pickle = z.getInputStream(z.getEntry("fixture/data.pkl")).readAllBytes();
    }
  }

  private static String python(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("python3"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(command + " failed: " + out);
    }
    return out;
  }

  /** What Python's zipfile reads as {@code member} of {@code zip}. */
  private static byte[] pythonReads(Path zip, String member) throws Exception {
    Path out = zip.resolveSibling(zip.getFileName() + ".member");
    python("-c", "import sys, zipfile; open(sys.argv[3], 'wb').write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))",
        zip.toString(), member, out.toString());
    return Files.readAllBytes(out);
  }

  private Optional<List<String>> bestOf(Path file) throws IOException {
    try (Dir folder = Dir.open(file.getParent())) {
      return LastCheckpoint.bestModelPaths(folder, file.getFileName().toString());
    }
  }

  @Test
  void aLastCkptWithTheLongestZipComment_stillNamesItsBest() throws Exception {
    Path last = dir.resolve("last.ckpt");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(last))) {
      stored(z, MEMBER, pickle);
      z.setComment("c".repeat(65_535));
    }

    assertThat(pythonReads(last, MEMBER)).isEqualTo(pickle);
    assertThat(bestOf(last)).contains(List.of(BEST));
  }

  @Test
  void aDataPklAfterOtherMembers_withExtrasAndComments_stillNamesItsBest() throws Exception {
    Path last = dir.resolve("last.ckpt");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(last))) {
      for (String name : List.of("last/byteorder", "last/.format_version")) {
        ZipEntry e = entry(name, "little".getBytes(StandardCharsets.US_ASCII));
        e.setExtra(new byte[] {(byte) 0xfe, (byte) 0xca, 3, 0, 'a', 'b', 'c'});
        e.setComment("written before data.pkl");
        z.putNextEntry(e);
        z.write("little".getBytes(StandardCharsets.US_ASCII));
      }
      stored(z, MEMBER, pickle);
    }

    assertThat(pythonReads(last, MEMBER)).isEqualTo(pickle);
    assertThat(bestOf(last)).contains(List.of(BEST));
  }

  @Test
  void aDataPklOfExactlyTheCap_isRead_oneByteMoreIsNot() throws Exception {
    Path atCap = dir.resolve("last.ckpt");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(atCap))) {
      stored(z, MEMBER, padded(LastCheckpoint.PICKLE_CAP));
    }
    Path over = dir.resolve("over.ckpt");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(over))) {
      stored(z, MEMBER, padded(LastCheckpoint.PICKLE_CAP + 1));
    }

    assertThat(pythonReads(atCap, MEMBER)).hasSize(LastCheckpoint.PICKLE_CAP);
    assertThat(bestOf(atCap)).contains(List.of(BEST));
    assertThat(bestOf(over)).isEmpty();
    // read in 64 KiB pieces: a last piece shorter than that ends where the member ends
    Path uneven = dir.resolve("uneven.ckpt");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(uneven))) {
      stored(z, MEMBER, padded(100_000));
    }
    assertThat(bestOf(uneven)).contains(List.of(BEST));
  }

  @Test
  void aLastCkptPast4GiB_inZip64_stillNamesItsBest() throws Exception {
    Path last = zip64(dir.resolve("last.ckpt"), 0);
    // the end record's comment puts the zip64 locator first in the last 64 KiB the reader looks at
    Path commented = zip64(dir.resolve("commented.ckpt"), 65_515);

    assertThat(Files.size(last)).isGreaterThan(1L << 32);
    assertThat(pythonReads(last, MEMBER)).isEqualTo(pickle);
    assertThat(bestOf(last)).contains(List.of(BEST));
    assertThat(pythonReads(commented, MEMBER)).isEqualTo(pickle);
    assertThat(bestOf(commented)).contains(List.of(BEST));
  }

  /** The fixture's pickle, {@code size} bytes long: a string pushed and popped before its own opcodes. */
  private byte[] padded(int size) {
    int pad = size - pickle.length - 6;
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.put(pickle, 0, 2); // PROTO 2
    b.put((byte) 'X').putInt(pad);
    for (int i = 0; i < pad; i++) {
      b.put((byte) 'p');
    }
    b.put((byte) '0'); // POP
    b.put(pickle, 2, pickle.length - 2);
    return b.array();
  }

  private static ZipEntry entry(String name, byte[] data) {
    ZipEntry e = new ZipEntry(name);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    e.setCrc(crc.getValue());
    return e;
  }

  private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
    z.putNextEntry(entry(name, data));
    z.write(data);
    z.closeEntry();
  }

  /**
   * A zip64 {@code last.ckpt} as torch writes one past 4 GiB (miniz): data.pkl stored at an offset
   * past 4 GiB (a hole before it), every size and offset in the central record 0xffffffff with the
   * values in the zip64 extra field (after an extended-timestamp field), and the zip64 end record
   * with its locator before the end record.
   */
  private Path zip64(Path out, int commentLength) throws IOException {
    byte[] name = MEMBER.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(pickle);
    long local = (1L << 32) + 4096;
    ByteBuffer b = ByteBuffer.allocate(pickle.length + 1024 + commentLength).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) 0).putInt(0x00210000)
        .putInt((int) crc.getValue()).putInt(-1).putInt(-1).putShort((short) name.length).putShort((short) 20)
        .put(name).putShort((short) 1).putShort((short) 16).putLong(pickle.length).putLong(pickle.length)
        .put(pickle);
    long central = local + b.position();
    int centralStart = b.position();
    b.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0).putShort((short) 0)
        .putInt(0x00210000).putInt((int) crc.getValue()).putInt(-1).putInt(-1).putShort((short) name.length)
        .putShort((short) (9 + 28)).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(-1)
        .put(name)
        .putShort((short) 0x5455).putShort((short) 5).put((byte) 1).putInt(0)
        .putShort((short) 1).putShort((short) 24).putLong(pickle.length).putLong(pickle.length).putLong(local);
    long centralSize = b.position() - centralStart;
    long end64 = central + centralSize;
    b.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
        .putLong(1).putLong(1).putLong(centralSize).putLong(central);
    b.putInt(0x07064b50).putInt(0).putLong(end64).putInt(1);
    b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) -1).putShort((short) -1)
        .putInt(-1).putInt(-1).putShort((short) commentLength);
    for (int i = 0; i < commentLength; i++) {
      b.put((byte) 'c');
    }
    b.flip();
    try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(b, local);
    }
    return out;
  }

}
