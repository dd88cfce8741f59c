package org.diskwarden.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.diskwarden.ByteNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names as people read them: the same as {@code ls -b} on real files, and back to exactly one name. */
class NamesTest {
  static final String FORGED = "evil\n2026-01-01 00:00:00,000 INFO  [main] Sweeper - Cleanup complete: freed 999.0GB";

  @TempDir
  Path dir;

  @Test
  void escape_controlCharacters_asLsBDoes() {
    assertThat(Names.escape(FORGED)).isEqualTo(
        "evil\\n2026-01-01 00:00:00,000 INFO  [main] Sweeper - Cleanup complete: freed 999.0GB");
    assertThat(Names.escape("job\r\nBcc: x@example.com")).isEqualTo("job\\r\\nBcc: x@example.com");
    assertThat(Names.escape("esc\u001b[2J\u001b[31mred")).isEqualTo("esc\\033[2J\\033[31mred");
    assertThat(Names.escape("a\\n")).isEqualTo("a\\\\n");
    assertThat(Names.escape("tab\tbel\u0007bs\bvt\u000bff\fnul\0del\u007fc1\u0085"))
        .isEqualTo("tab\\tbel\\abs\\bvt\\vff\\fnul\\000del\\177c1\\302\\205");
    assertThat(Names.escape("café ü 😀 日本")).isEqualTo("café ü 😀 日本");
  }

  @Test
  void escape_lineSeparatorsAndBidiOverrides_asOctalBytes() {
    assertThat(Names.escape("a\u2028b\u2029c")).isEqualTo("a\\342\\200\\250b\\342\\200\\251c");
    // "Trojan source": U+202E shows what follows right to left
    assertThat(Names.escape("invoice\u202Efdp.exe")).isEqualTo("invoice\\342\\200\\256fdp.exe");
    assertThat(Names.escape("x\u2066y")).isEqualTo("x\\342\\201\\246y");
  }

  /** Names {@code ls -b} and we agree on (bidi overrides aside: ls leaves them; a space: see below). */
  static final List<byte[]> LIKE_LS = List.of(bytes(FORGED), bytes("job\r\nBcc: x@example.com"),
      bytes("esc\u001b[2J\u001b[31mred"), b("bad", 0xff, 'n', 'a', 'm', 'e', 0xc0), b("trunc", 0xe2, 0x80),
      b("over", 0xc0, 0xaf), b("surrogate", 0xed, 0xa0, 0x80), b("c1", 0xc2, 0x85), b("del", 0x7f),
      bytes("back\\slash"), bytes("tab\tvt\u000bff\f"), bytes("fffd\ufffd"), bytes("café"), bytes("ls\u2028x"),
      b("latin1-", 0xe9, 't', 0xe9));

  @Test
  void of_realFileNames_readAsLsBShowsThem() throws Exception {
    List<Path> made = ByteNames.files(dir, LIKE_LS);

    Set<String> ours = made.stream().map(p -> Names.of(p.getFileName())).collect(Collectors.toSet());
    ProcessBuilder lsB = new ProcessBuilder("ls", "-b", dir.toString());
    lsB.environment().put("LC_ALL", "C.UTF-8");
    Process ls = lsB.start();
    // ls escapes a space for a shell ("a\\ b"); a space cannot forge a line, and we leave it
    Set<String> theirs = new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
        .map(l -> l.replace("\\ ", " ")).collect(Collectors.toSet());
    assertThat(ls.waitFor()).isZero();
    assertThat(ours).isEqualTo(theirs).contains("bad\\377name\\300", "over\\300\\257", "latin1-\\351t\\351");
  }

  @Test
  void of_anyBytes_readsBackToExactlyThatName_andNeverHoldsALineBreak() throws Exception {
    Random random = new Random(27);
    List<byte[]> names = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] name = new byte[1 + random.nextInt(12)];
      for (int j = 0; j < name.length; j++) {
        do {
          name[j] = (byte) random.nextInt(256);
        } while (name[j] == 0 || name[j] == '/');
      }
      if (!Arrays.equals(name, bytes(".")) && !Arrays.equals(name, bytes(".."))
          && names.stream().noneMatch(n -> Arrays.equals(n, name))) {
        names.add(name);
      }
    }
    List<Path> made = ByteNames.files(dir, names);

    Set<String> written = names.stream().map(HexFormat.of()::formatHex).collect(Collectors.toSet());
    Set<String> readBack = made.stream().map(p -> Names.of(p.getFileName()))
        .peek(shown -> assertThat(shown).doesNotContain("\n", "\r", "\u001b", "\u0085", "\u2028"))
        .map(shown -> HexFormat.of().formatHex(unescape(shown))).collect(Collectors.toSet());
    assertThat(readBack).hasSize(names.size()).isEqualTo(written);
  }

  @Test
  void raw_keepsTheBytes_escapeShowsThem_andAPathWithoutThemIsShownAsTheJdkDecodedIt() throws Exception {
    Path bad = ByteNames.files(dir, List.of(b("a", 0xff, 'b'))).get(0);

    assertThat(bad.getFileName().toString()).isEqualTo("a\ufffdb");
    assertThat(Names.raw(bad.getFileName())).isEqualTo("a\udcffb");
    assertThat(Names.of(bad)).endsWith("/a\\377b");
    assertThat(Names.escape(Names.raw(bad))).isEqualTo(Names.of(bad));
    // the text the JDK decoded has lost the byte: shown as that text, still one line
    assertThat(Names.escape(bad.toString())).endsWith("/a\ufffdb");
  }

  /** Reads an escaped name back to its bytes: the escaping is one to one. */
  static byte[] unescape(String shown) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (c != '\\') {
        int cp = shown.codePointAt(i);
        out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp) - 1;
        continue;
      }
      char e = shown.charAt(++i);
      int simple = "\\abtnvfr".indexOf(e);
      if (simple >= 0) {
        out.write(new int[] {'\\', 7, '\b', '\t', '\n', 11, '\f', '\r'}[simple]);
      } else {
        out.write(Integer.parseInt(shown.substring(i, i + 3), 8));
        i += 2;
      }
    }
    return out.toByteArray();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] b(String prefix, int... rest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(bytes(prefix));
    for (int r : rest) {
      out.write(r);
    }
    return out.toByteArray();
  }
}
