package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.diskwarden.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Broken configs and command lines: exit 2, the key named, nothing removed, no stack trace. */
class BadInputTest {
  @TempDir
  Path dir;

  Path base;
  Console console;

  @BeforeEach
  void setUp() {
    base = dir.resolve("base");
    Incident.build(base);
    console = new Console(dir.resolve("logs"));
  }

  @AfterEach
  void tearDown() {
    console.close();
  }

  static Stream<Arguments> configs() {
    return Stream.of(
        // top-level keys: wrong type, out of range, unknown, missing
        bad("min_free: -1GB", "min_free"),
        bad("min_free: 50PB", "min_free"),
        bad("min_free: [1, 2]", "min_free"),
        bad("min_free: ''", "min_free"),
        bad("min_free_gb: -3", "min_free_gb"),
        bad("min_free_gb: lots", "min_free_gb"),
        bad("min_free: 1GB\nmin_free_gb: 1", "min_free_gb"),
        bad("min_free_percent: 101", "min_free_percent"),
        bad("min_free_percent: -0.5", "min_free_percent"),
        bad("min_free_percent: ten", "min_free_percent"),
        bad("target_free: 1KB", "target_free"),
        bad("target_free_percent: 5", "target_free_percent"),
        bad("target_free_percent: 300", "target_free_percent"),
        bad("check_interval: 0", "check_interval"),
        bad("check_interval: often", "check_interval"),
        bad("check_interval: -5m", "check_interval"),
        bad("min_age: 3 weeks", "min_age"),
        bad("cleanup_mode: everything", "cleanup_mode"),
        bad("dry_run: yes please", "dry_run"),
        bad("paused: 1", "paused"),
        bad("colour: red", "colour"),
        bad("keep_versions: 0", "keep_versions"),
        bad("keep_versions: two", "keep_versions"),
        bad("versions_dir: /etc", "versions_dir"),
        bad("logs_dir: ../../var/log", "logs_dir"),
        bad("protect: [/etc/passwd]", "protect"),
        bad("protect: ['../*']", "protect"),
        bad("protect: ['[']", "protect"),
        // policies
        bad("policies: {name: v}", "policies"),
        bad("policies:\n  - {path: v, keep_latest: 1}", "name"),
        // an empty value is not "not given": keep_latest would silently be off beside max_age
        bad("policies:\n  - {name: v, path: v, keep_latest: null, max_age: 7d}", "keep_latest"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 2, compress_level: null, action: compress}", "compress_level"),
        bad("policies:\n  - {name: 'bad name!', path: v, keep_latest: 1}", "name"),
        bad("policies:\n  - {name: v, keep_latest: 1}", "path"),
        bad("policies:\n  - {name: v, path: /data, keep_latest: 1}", "path"),
        bad("policies:\n  - {name: v, path: a/../../b, keep_latest: 1}", "path"),
        bad("policies:\n  - {name: v, path: v, keep_latest: -2}", "keep_latest"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1.5}", "keep_latest"),
        bad("policies:\n  - {name: v, path: v, max_age: 0d}", "max_age"),
        bad("policies:\n  - {name: v, path: v, max_age: forever}", "max_age"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, group_by: '[a-'}", "group_by"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, group_by: 'no-group'}", "group_by"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, complete_marker: '{a'}", "complete_marker"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, enabled: maybe}", "enabled"),
        // thinning keys (issue 34): steps only where entries have them, counts >= 0, known periods only
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, keep_every_steps: 1000}",
            "policies.v.keep_every_steps value was set to 1000 with layout plain, whose entries have no training step"),
        bad("policies:\n  - {name: v, path: v, layout: huggingface, keep_every_steps: 1000}",
            "keep_every_steps alone would let the newest entry go"),
        bad("policies:\n  - {name: v, path: v, layout: orbax, keep_latest: 1, keep_every_steps: 0}",
            "policies.v.keep_every_steps value was set to '0', must be a whole number >= 1"),
        bad("policies:\n  - {name: v, path: v, keep_daily: -1}",
            "policies.v.keep_daily value was set to '-1', must be a whole number >= 0"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, keep_weekly: 2.5}", "policies.v.keep_weekly"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, keep_fortnightly: 2}",
            "unknown key policies[0].keep_fortnightly"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, keep_dayly: 2}",
            "unknown key policies[0].keep_dayly (did you mean policies[0].keep_daily?)"),
        bad("policies:\n  - {name: v, path: v, layout: hf_cache, keep_latest: 1, keep_every_steps: 3}",
            "policies.v.keep_every_steps value was set to 3 with layout hf_cache, whose entries have no training step"),
        // policy actions (compress / move)
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, action: shred}", "policies.v.action"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, action: compress, compress_level: 0}",
            "policies.v.compress_level"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, action: compress, compress_level: 25}",
            "policies.v.compress_level"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, action: compress, compress_level: high}",
            "policies.v.compress_level"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, compress_level: 3}", "policies.v.compress_level"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, action: compress, compress_to: /mnt/x}",
            "policies.v.compress_to"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, action: compress, min_ratio_gain: 150}",
            "policies.v.min_ratio_gain"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, action: compress, fallback: shrug}",
            "policies.v.fallback"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, action: compress, archives_max_age: 0d}",
            "policies.v.archives_max_age"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, archives_max_age: 30d}", "policies.v.archives_max_age"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, action: move}", "policies.v.move_to"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, action: move, move_to: archive/v}",
            "policies.v.move_to"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, action: move, move_to: /nonexistent/archive}",
            "policies.v.move_to"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, action: compress, move_to: /mnt}",
            "policies.v.move_to"),
        // git and notify
        bad("git:\n  repos: [/srv/repo]", "git.repos"),
        bad("git:\n  gc: sometimes", "git.gc"),
        bad("git:\n  prune_expire: now", "git.prune_expire"),
        bad("git:\n  prune_expire: 0.days.ago", "git.prune_expire"),
        bad("git:\n  schedule: 'every sunday'", "git.schedule"),
        bad("git:\n  repack: true", "git.repack"),
        bad("notify:\n  events: [explosion]", "notify.events"),
        bad("notify:\n  email: {port: 25, from: a@b, to: [c@d]}", "notify.email.host"),
        bad("notify:\n  email: {host: h, port: 99999, from: a@b, to: [c@d]}", "notify.email.port"),
        bad("notify:\n  email: {host: h, transport: pigeon, from: a@b, to: [c@d]}", "notify.email.transport"),
        bad("notify:\n  email: {host: h, from: a@b}", "notify.email.to"),
        bad("notify:\n  webhooks: [{url: 'ftp://x/y'}]", "notify.webhooks[0].url"),
        bad("notify:\n  webhooks: [{url: 'http://x/y', format: xml}]", "notify.webhooks[0].format"),
        bad("notify:\n  retries: 0", "notify.retries"),
        bad("notify:\n  min_interval: soon", "notify.min_interval"),
        bad("save_headroom: -1", "save_headroom"),
        bad("save_headroom: lots", "save_headroom"),
        bad("sample_interval: 10ms", "sample_interval"),
        bad("sample_interval: often", "sample_interval"),
        bad("predict_horizon: tomorrow", "predict_horizon"),
        // a config that would silently mean something else
        bad("protect: [current_model]\nprotect: []", "protect is given twice"),
        bad("base_dir: /tmp", "base_dir is given twice"),
        bad("policies:\n  - {name: v, path: v, keep_latest: 1, keep_latest: 5}", "policies[0].keep_latest is given twice"),
        bad("policies:\n  - &p {name: v, path: v, keep_latest: 1}\n  - {<<: *p, name: w}", "merge key"),
        bad("policies:\n  - {name: v, path: &p v, keep_latest: 1}\n  - {name: w, path: *p, keep_latest: 1}", "alias *p"),
        bad("protect: ['models/../../etc']", "protect"),
        bad("protect: ['./../x/']", "protect"),
        bad("keep_versions: 0\npolicies:\n  - {name: v, path: v, keep_latest: 1}", "keep_versions"),
        bad("versions_dir: models/v\npolicies:\n  - {name: v, path: v, keep_latest: 1}", "versions_dir"),
        bad("policies:", "policies"),
        bad("policies: []", "policies"),
        bad("check_interval: 99999999999d", "check_interval"),
        bad("check_interval: 2d", "check_interval"),
        bad("min_free: 2000TB", "min_free"),
        bad("min_free_gb: 9999999", "min_free_gb"),
        bad("min_age: 400d", "min_age"),
        bad("sample_interval: 10m", "sample_interval"),
        bad("predict_horizon: 60d", "predict_horizon"),
        bad("policies:\n  - {name: v, path: v, max_age: 99999999d}", "policies.v.max_age"),
        bad("notify:\n  min_interval: 99999999999d", "notify.min_interval"),
        bad("audit: {max_size: 1KB}", "audit.max_size"),
        bad("audit: {keep: 0}", "audit.keep"),
        bad("audit: {keep: 2.5}", "audit.keep"),
        bad("audit: {rotate: daily}", "audit.rotate"));
  }

  @org.junit.jupiter.api.Test
  void aRelativeBaseDir_isRefused_notResolvedAgainstTheCallersDirectory() throws Exception {
    Path conf = Files.writeString(dir.resolve("dot.yml"), Configs.incident(base, "1000TB", "1000TB", "full")
        .replace("base_dir: " + base, "base_dir: ."));
    List<Path> before = tree();

    int status = Main.execute("clean", "--force", "--config", conf.toString());

    assertThat(status).as(console.err()).isEqualTo(2);
    assertThat(console.err()).contains("base_dir value was set to '.'", "absolute");
    assertThat(tree()).isEqualTo(before);
  }

  private static Arguments bad(String yaml, String key) {
    return Arguments.of(yaml, key);
  }

  private List<Path> tree() throws IOException {
    try (Stream<Path> s = Files.walk(base)) {
      return s.filter(p -> !p.endsWith(".diskwarden.lock")).sorted().toList();
    }
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("configs")
  void brokenConfig_exits2_namesTheKey_removesNothing_noStackTrace(String yaml, String key) throws Exception {
    String text = Configs.incident(base, "1000TB", "1000TB", "full")
        .replaceAll("(?m)^(min_free|min_free_percent|target_free|target_free_percent|cleanup_mode|min_age"
            + "|check_interval|protect|policies):.*\\n(  .*\\n)*", "")
        + yaml + "\n";
    Path conf = Files.writeString(dir.resolve("d.yml"), text);
    List<Path> before = tree();

    int status = Main.execute("clean", "--force", "--config", conf.toString());

    assertThat(status).as(console.err()).isEqualTo(2);
    assertThat(console.err()).contains(key).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(tree()).isEqualTo(before);
  }

  /** The mistakes people make: each gets exactly one message, the right one, with a hint. */
  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of("min_fre: 50GB\ntarget_free: 20GB", "unknown key min_fre (did you mean min_free?)"),
        Arguments.of("min_free: 50", "min_free value was set to '50', needs a unit: did you mean 50GB?"),
        Arguments.of("min_free: 50\ntarget_free: 20GB", "min_free value was set to '50', needs a unit: did you mean 50GB?"),
        Arguments.of("target_free: 2.5", "target_free value was set to '2.5', needs a unit: did you mean 2.5GB?"),
        Arguments.of("chek_interval: 5m", "unknown key chek_interval (did you mean check_interval?)"),
        Arguments.of("audit: {max_sise: 1GB}", "unknown key audit.max_sise (did you mean audit.max_size?)"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("mistakes")
  void typicalMistake_oneClearMessage_noFollowOnError(String yaml, String message) throws Exception {
    Path conf = Files.writeString(dir.resolve("m.yml"), "base_dir: " + base + "\n" + yaml
        + "\npolicies:\n  - {name: v, path: models/versions, keep_latest: 2}\n");
    List<Path> before = tree();

    int status = Main.execute("check", "--config", conf.toString());

    assertThat(status).as(console.err()).isEqualTo(2);
    assertThat(console.err().lines().filter(l -> l.startsWith("  - ")).toList()).as(console.err())
        .singleElement().asString().contains(message);
    assertThat(tree()).isEqualTo(before);
  }

  @org.junit.jupiter.api.Test
  void aBareZeroSize_isAllowed() throws Exception {
    Path conf = Files.writeString(dir.resolve("z.yml"), "base_dir: " + base + "\nmin_free: 0\nmin_free_percent: 0"
        + "\npolicies:\n  - {name: v, path: models/versions, keep_latest: 2}\n");
    assertThat(Main.execute("check", "--config", conf.toString())).as(console.err()).isZero();
  }

  static Stream<Arguments> commandLines() {
    return Stream.of(
        Arguments.of(List.of("clean", "--frobnicate"), "--frobnicate"),
        Arguments.of(List.of("plan", "--all", "extra"), "extra"),
        Arguments.of(List.of("check", "--config"), "--config"),
        Arguments.of(List.of("explode"), "explode"),
        Arguments.of(List.of("notify-test", "--event", "party"), "party"),
        Arguments.of(List.of("check", "--config", "/nonexistent/diskwarden.yml"), "/nonexistent/diskwarden.yml"),
        Arguments.of(List.of("clean", "--base-dir", "/nonexistent/base"), "/nonexistent/base"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("commandLines")
  void brokenCommandLine_exits2_namesTheProblem_removesNothing(List<String> args, String named) throws Exception {
    List<Path> before = tree();

    int status = Main.execute(args.toArray(String[]::new));

    assertThat(status).as(console.err()).isEqualTo(2);
    assertThat(console.err()).contains(named).doesNotContain("\tat ");
    assertThat(tree()).isEqualTo(before);
  }
}
