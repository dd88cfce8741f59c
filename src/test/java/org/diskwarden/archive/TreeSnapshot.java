package org.diskwarden.archive;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Everything about a tree that a faithful copy must keep, one line per item: relative name, type,
 * permissions, mtime, link target, and the file's bytes (base64), so two snapshots compare byte for byte.
 */
public final class TreeSnapshot {
  private TreeSnapshot() {}

  public static List<String> of(Path root) throws IOException {
    List<String> lines = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        lines.add(line(root, dir, attrs, "d", ""));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isSymbolicLink()) {
          lines.add(line(root, file, attrs, "l", Files.readSymbolicLink(file).toString()));
        } else {
          lines.add(line(root, file, attrs, "f", Base64.getEncoder().encodeToString(Files.readAllBytes(file))));
        }
        return FileVisitResult.CONTINUE;
      }
    });
    lines.sort(null);
    return lines;
  }

  private static String line(Path root, Path p, BasicFileAttributes attrs, String type, String content) {
    String perms = attrs instanceof PosixFileAttributes posix && !attrs.isSymbolicLink()
        ? PosixFilePermissions.toString(posix.permissions()) : "";
    String time = attrs.isSymbolicLink() ? "" : attrs.lastModifiedTime().toMillis() / 1000 + "";
    return root.relativize(p) + " " + type + " " + perms + " " + time + " " + content;
  }

  /**
   * What an attacker's victim must keep, by relative name: mode, owner, mtime (as the file system
   * has it), a file's text and a link's target. The attack tests take it of everything outside
   * base_dir before and after each round.
   */
  public static java.util.Map<String, String> withOwners(Path root) throws IOException {
    java.util.Map<String, String> state = new java.util.TreeMap<>();
    try (java.util.stream.Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        java.util.Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime",
            java.nio.file.LinkOption.NOFOLLOW_LINKS);
        String content = Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Files.readString(p)
            : Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p) : "";
        state.put(root.relativize(p).toString(), Integer.toOctalString((Integer) a.get("mode")) + " " + a.get("uid")
            + ":" + a.get("gid") + " " + a.get("lastModifiedTime") + " " + content);
      }
    }
    return state;
  }
}
