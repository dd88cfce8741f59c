package org.diskwarden.archive;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import com.github.luben.zstd.util.Native;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.logging.log4j.LogManager;

/** The compressed tar formats an archive is written in, chosen by what the platform can load. */
public enum ArchiveFormat {
  /** zstd through zstd-jni's native library, with a content checksum in every frame. */
  ZSTD(".tar.zst"),
  /** The JDK's deflate: the fallback where zstd's native library cannot load (e.g. a noexec /tmp). */
  GZIP(".tar.gz");

  private static volatile Boolean zstdLoads;

  private final String suffix;

  ArchiveFormat(String suffix) {
    this.suffix = suffix;
  }

  public String suffix() {
    return suffix;
  }

  /** zstd when its native library loads here, else gzip. */
  public static ArchiveFormat best() {
    Boolean loads = zstdLoads;
    if (loads == null) {
      try {
        Native.load();
        loads = true;
      } catch (LinkageError | RuntimeException e) {
        LogManager.getLogger(ArchiveFormat.class)
            .warn("zstd's native library cannot load ({}); archives are written as .tar.gz", e.toString());
        loads = false;
      }
      zstdLoads = loads;
    }
    return loads ? ZSTD : GZIP;
  }

  /** The format a file name says, or empty when it names no archive. */
  public static Optional<ArchiveFormat> of(Path file) {
    String name = file.getFileName().toString();
    for (ArchiveFormat f : values()) {
      if (name.endsWith(f.suffix) && name.length() > f.suffix.length()) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** The entry name an archive of this format holds: {@code v3.tar.zst} gives {@code v3}. */
  public String entryName(Path archive) {
    String name = archive.getFileName().toString();
    return name.substring(0, name.length() - suffix.length());
  }

  OutputStream compress(OutputStream out, int level) throws IOException {
    if (this == ZSTD) {
      ZstdOutputStream z = new ZstdOutputStream(out, level);
      z.setChecksum(true);
      // Two cores on the boxes we run on: one compresses while the tar walk reads.
      z.setWorkers(Math.min(2, Runtime.getRuntime().availableProcessors()));
      return z;
    }
    int deflate = Math.max(Deflater.BEST_SPEED, Math.min(Deflater.BEST_COMPRESSION, (level + 1) / 2));
    return new GZIPOutputStream(out, 1 << 16) {
      {
        def.setLevel(deflate);
      }
    };
  }

  InputStream decompress(InputStream in) throws IOException {
    return this == ZSTD ? new ZstdInputStream(in) : new GZIPInputStream(in, 1 << 16);
  }
}
