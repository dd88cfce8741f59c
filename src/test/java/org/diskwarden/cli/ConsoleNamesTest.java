package org.diskwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diskwarden.Tree.days;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.diskwarden.ByteNames;
import org.diskwarden.Configs;
import org.diskwarden.ShippedLog;
import org.diskwarden.Tree;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/diskwarden} as an operator runs it, under a UTF-8 locale and under none ({@code LANG}
 * unset: the JDK's file name and console charset is then ASCII): names read as {@code ls -b} shows
 * them in that locale, in the command's output and in {@code diskwarden.log}; none is a "?" and none
 * makes a line.
 */
class ConsoleNamesTest {
  static final String FORGED_LINE = "2026-01-01 00:00:00,000 INFO  [main] Sweeper - Cleanup complete: freed 999.0GB";

  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource({"C.UTF-8, jobs/café", "'', jobs/caf\\303\\251"})
  void planAndDryRun_showEveryName_asLsBDoesInTheLocale(String locale, String cafe) throws Exception {
    Path base = Files.createDirectories(dir.resolve("base"));
    Path jobs = Files.createDirectories(base.resolve("jobs"));
    Tree t = new Tree(base);
    for (Path entry : List.of(Files.createDirectory(jobs.resolve("café")), Files.createDirectory(jobs.resolve(
        "evil\n" + FORGED_LINE)), ByteNames.mkdir(jobs, new byte[] {'b', 'a', 'd', (byte) 0xff, 'n', 'a', 'm', 'e'}))) {
      Files.writeString(entry.resolve("f"), "x");
      t.age(entry, days(10));
    }
    Path conf = Files.writeString(dir.resolve("diskwarden.yml"),
        Configs.alwaysLow(base, "min_age: 1h", "- name: jobs\n  path: jobs\n  max_age: 1d"));

    String plan = bin(locale, "plan", "--config", conf.toString());
    String dryRun = bin(locale, "clean", "--dry-run", "--no-notify", "--config", conf.toString());

    List<String> shown = List.of(cafe, "jobs/bad\\377name", "jobs/evil\\n" + FORGED_LINE);
    assertThat(plan).contains(shown);
    assertThat(dryRun).contains(shown);
    for (String output : List.of(plan, dryRun)) {
      assertThat(output.lines()).noneMatch(l -> l.startsWith(FORGED_LINE)).noneMatch(l -> l.contains("?"));
    }
    // the log is UTF-8 whatever the locale, laid out by the shipped pattern
    List<String> log = Files.readAllLines(dir.resolve("logs/diskwarden.log"), StandardCharsets.UTF_8);
    assertThat(log).allMatch(l -> ShippedLog.EVENT_LINE.matcher(l).find() || ShippedLog.TRACE_LINE.matcher(l).find());
    assertThat(String.join("\n", log)).contains("would delete old job: evil\\n" + FORGED_LINE)
        .contains("would delete old job: bad\\377name").doesNotContain("\ufffd");
  }

  private String bin(String locale, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(Path.of("bin/diskwarden").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
    if (!locale.isEmpty()) {
      env.put("LC_ALL", locale);
    }
    env.put("DISKWARDEN_CLASSPATH", System.getProperty("java.class.path"));
    env.put("DISKWARDEN_LOG_DIR", dir.resolve("logs").toString());
    env.put("DISKWARDEN_RUN_DIR", dir.resolve("run").toString());
    env.put("DISKWARDEN_CONF_DIR", dir.resolve("conf").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    // ISO-8859-1 keeps each byte: the UTF-8 of "é" is decoded again below, a '?' stays a '?'
    return new String(out.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
