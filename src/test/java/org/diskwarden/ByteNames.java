package org.diskwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files and folders whose names are any bytes (not UTF-8, control characters), made by Python: a Java
 * String cannot hold a byte that is not valid in {@code sun.jnu.encoding}, so java.nio cannot make them.
 */
public final class ByteNames {
  private static final String MAKE = "import os, sys\n"
      + "kind, parent = sys.argv[1], os.fsencode(sys.argv[2])\n"
      + "for h in sys.argv[3:]:\n"
      + "    p = os.path.join(parent, bytes.fromhex(h))\n"
      + "    os.mkdir(p) if kind == 'dir' else open(p, 'wb').close()\n";

  private ByteNames() {}

  /** Makes a folder named {@code name} in {@code parent}; returns its path as a directory listing gives it. */
  public static Path mkdir(Path parent, byte[] name) throws IOException, InterruptedException {
    return make("dir", parent, List.of(name)).get(0);
  }

  /** Makes empty files with these names in {@code parent}; returns the new entries as a listing gives them. */
  public static List<Path> files(Path parent, List<byte[]> names) throws IOException, InterruptedException {
    return make("file", parent, names);
  }

  private static List<Path> make(String kind, Path parent, List<byte[]> names) throws IOException, InterruptedException {
    Set<Path> before = new HashSet<>(list(parent));
    List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3", "-c", MAKE, kind, parent.toString()));
    names.forEach(n -> command.add(HexFormat.of().formatHex(n)));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("python3 could not make the names: " + out);
    }
    List<Path> made = list(parent).stream().filter(e -> !before.contains(e)).toList();
    if (made.size() != names.size()) {
      throw new IOException("made " + made.size() + " of " + names.size() + " names in " + parent);
    }
    return made;
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
