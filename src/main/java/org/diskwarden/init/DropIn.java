package org.diskwarden.init;

import java.nio.file.Path;
import java.util.List;

/**
 * The systemd drop-in that lets the hardened service write in the guarded directories: the unit makes
 * the whole system read-only ({@code ProtectSystem=strict}), this adds each watch's base_dir to
 * {@code ReadWritePaths=}, so the kernel itself refuses a write anywhere else.
 */
public final class DropIn {
  /** Where systemd reads drop-ins of diskwarden.service that the administrator owns. */
  public static final Path DEFAULT = Path.of("/etc/systemd/system/diskwarden.service.d/watches.conf");

  private DropIn() {}

  /**
   * The drop-in's text.
   *
   * @throws IllegalArgumentException for a path systemd cannot be given (a control character in it)
   */
  public static String text(List<Path> writable) {
    StringBuilder b = new StringBuilder();
    b.append("# Written by \"diskwarden init\": the directories diskwarden may write, every watch's base_dir.\n");
    b.append("# The rest of the system is read-only for it (ProtectSystem=strict in diskwarden.service). A watch\n");
    b.append("# added to the config by hand needs its base_dir here too; then: systemctl daemon-reload and\n");
    b.append("# systemctl restart diskwarden.\n");
    b.append("[Service]\n");
    for (Path p : writable) {
      b.append("ReadWritePaths=").append(quote(p.toString())).append('\n');
    }
    return b.toString();
  }

  /** A path as one word of a unit file: quoted, '\' and '"' escaped, '%' doubled (a specifier otherwise). */
  static String quote(String path) {
    if (path.codePoints().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("the directory '" + Yaml.shown(path) + "' has a control character in its "
          + "name; systemd's ReadWritePaths= cannot name it: rename it or guard another directory");
    }
    String escaped = path.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%");
    return escaped.equals(path) && path.chars().noneMatch(Character::isWhitespace) && !path.contains("'")
        ? path : "\"" + escaped + "\"";
  }
}
