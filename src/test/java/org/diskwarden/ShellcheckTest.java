package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every shell script the project ships or runs (bin, the Debian maintainer scripts, the bench, CI)
 * passes shellcheck, following what each one sources ({@code -x}). .ci/run installs shellcheck; on a
 * machine without it the test says so and is skipped.
 */
class ShellcheckTest {
  private static final List<String> FOLDERS = List.of("bin", "bench", "src/deb", ".ci");

  @Test
  void everyScriptPassesShellcheck() throws Exception {
    assumeTrue(new Shell().run("sh", "-c", "command -v shellcheck").exit() == 0, "shellcheck is not installed here (apt-get install shellcheck; .ci/run installs it)");
    List<String> scripts = scripts();
    assertThat(scripts).contains("bin/diskwarden", "src/deb/control/postinst", "bench/run.sh", ".ci/run");
    List<String> command = new ArrayList<>(List.of("shellcheck", "-x"));
    command.addAll(scripts);
    Shell.Result r = new Shell().run(command.toArray(String[]::new));
    assertThat(r.output()).as("shellcheck -x %s", String.join(" ", scripts)).isEmpty();
    assertThat(r.exit()).isZero();
  }

  /** Files under the script folders that are shell: a .sh name, or a first line naming sh or bash. */
  static List<String> scripts() throws IOException {
    List<String> found = new ArrayList<>();
    for (String folder : FOLDERS) {
      try (Stream<Path> files = Files.walk(Path.of(folder))) {
        for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
          if (p.toString().endsWith(".sh") || isShell(firstLine(p))) {
            found.add(p.toString());
          }
        }
      }
    }
    return found;
  }

  private static boolean isShell(String line) {
    return line.startsWith("#!") && line.matches("#!\\S*(/|env )(ba)?sh\\b.*");
  }

  private static String firstLine(Path p) throws IOException {
    byte[] head = new byte[128];
    int n;
    try (var in = Files.newInputStream(p)) {
      n = Math.max(0, in.read(head));
    }
    String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }
}
