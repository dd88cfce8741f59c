package org.diskwarden.init;

/**
 * Text that goes into the proposed config: every name in a user's tree is attacker-chosen, so a
 * value is quoted (a line break, a quote or a {@code #} in it stays inside the value) and a name in a
 * comment has every line break and control character written as an escape (it cannot end the
 * comment and start a key).
 */
final class Yaml {
  private Yaml() {}

  /** A YAML scalar holding exactly {@code s}: single-quoted when plain, else double-quoted with escapes. */
  static String quote(String s) {
    boolean plain = s.codePoints().allMatch(c -> c >= 0x20 && c < 0x7f && c != '\'');
    if (plain) {
      return "'" + s + "'";
    }
    StringBuilder b = new StringBuilder("\"");
    s.codePoints().forEach(c -> {
      if (c == '"' || c == '\\') {
        b.append('\\').appendCodePoint(c);
      } else if (unsafe(c)) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.append('"').toString();
  }

  /** A name or link target as a comment may show it: line breaks and control characters escaped. */
  static String shown(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(c -> {
      if (c == '\\') {
        b.append("\\\\");
      } else if (unsafe(c)) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.toString();
  }

  /**
   * Characters YAML (1.1, as the reader parses it) may take as a line break, and other invisible
   * ones: C0 and C1 controls, DEL, NEL, the line and paragraph separators, the byte order mark.
   */
  private static boolean unsafe(int c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0xfeff;
  }
}
