package org.diskwarden.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ARCHITECTURE.md's glossary is the file a newcomer greps first: one line per class of
 * {@code src/main/java}, under its package, and no line for a class that is gone.
 */
class GlossaryTest {
  private static final Pattern LINE = Pattern.compile("^- `(\\w+)`: \\S.*$", Pattern.MULTILINE);

  @Test
  void everyClassHasItsLine_andEveryLineItsClass() throws IOException {
    String doc = Files.readString(Path.of("ARCHITECTURE.md"));
    int at = doc.indexOf("\n## Glossary");
    assertThat(at).as("ARCHITECTURE.md has a ## Glossary section").isPositive();
    int end = doc.indexOf("\n## ", at + 1);
    String glossary = doc.substring(at, end < 0 ? doc.length() : end);
    // "pkg.Class" for each line, under the **pkg** heading it follows
    Set<String> named = new java.util.TreeSet<>();
    long lines = 0;
    String pkg = "";
    for (String line : glossary.split("\n")) {
      Matcher heading = Pattern.compile("^\\*\\*(\\w+)\\*\\*$").matcher(line);
      Matcher entry = LINE.matcher(line);
      if (heading.matches()) {
        pkg = heading.group(1);
      } else if (entry.matches()) {
        named.add(pkg + "." + entry.group(1));
        lines++;
      }
    }
    Path main = Path.of("src/main/java/org/diskwarden");
    List<String> classes;
    try (Stream<Path> files = Files.walk(main)) {
      classes = files.filter(p -> p.getFileName().toString().endsWith(".java"))
          .filter(p -> !p.getFileName().toString().equals("package-info.java"))
          .map(p -> main.relativize(p).toString().replace('/', '.').replaceAll("\\.java$", "")).sorted().toList();
    }
    assertThat(classes).as("classes without a glossary line").allMatch(named::contains);
    assertThat(named).as("glossary lines without a class").allMatch(classes::contains);
    assertThat(lines).as("one line per class").isEqualTo(named.size());
  }
}
