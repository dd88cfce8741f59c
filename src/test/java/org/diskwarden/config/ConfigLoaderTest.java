package org.diskwarden.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.diskwarden.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  @TempDir
  Path base;

  @Test
  void fullExample_bindsEveryKey() throws Exception {
    WardenConfig c = Configs.parse(Configs.incident(base, "50GB", "60GB", "full"));

    assertThat(c.baseDir()).isEqualTo(base.toRealPath());
    assertThat(c.thresholds()).isEqualTo(new Thresholds(50 * Size.GB, 0, 60 * Size.GB, 0));
    assertThat(c.cleanupMode()).isEqualTo(CleanupMode.FULL);
    assertThat(c.minAge()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.protect()).containsExactly("current_model");
    assertThat(c.policies()).extracting(PolicyConfig::name).containsExactly("model-versions", "backups", "logs");
    PolicyConfig versions = c.policies().get(0);
    assertThat(versions.keepLatest()).isEqualTo(2);
    assertThat(versions.completeMarker()).contains("config.json");
    assertThat(c.policies().get(1).groupBy()).contains("^(.+?)_\\d{8}");
    assertThat(c.policies().get(2).maxAge()).isEqualTo(Duration.ofDays(7));
    assertThat(c.policies().get(2).hasKeepLatest()).isFalse();
  }

  @Test
  void foresightKeys_bindWithTheirDefaults() throws Exception {
    WardenConfig d = Configs.parse("base_dir: " + base + "\n");
    assertThat(d.foresight()).isEqualTo(new Foresight(1.5, Duration.ofSeconds(5), Duration.ofHours(4)));
    WardenConfig c = Configs.parse("base_dir: %s\nsave_headroom: 0\nsample_interval: 0\npredict_horizon: 2h\n"
        .formatted(base));
    assertThat(c.foresight()).isEqualTo(new Foresight(0, Duration.ZERO, Duration.ofHours(2)));
  }

  @Test
  void saveHeadroom_raisesTheTriggerAndKeepsTheGapToTheTarget() {
    Thresholds t = new Thresholds(50 * Size.GB, 0, 60 * Size.GB, 0);
    assertThat(t.withFloor(80 * Size.GB).triggerBytes(1000 * Size.GB)).isEqualTo(80 * Size.GB);
    assertThat(t.withFloor(80 * Size.GB).targetBytes(1000 * Size.GB)).isEqualTo(90 * Size.GB);
    assertThat(t.withFloor(10 * Size.GB).triggerBytes(1000 * Size.GB)).isEqualTo(50 * Size.GB);
    assertThat(t.withFloor(10 * Size.GB).targetBytes(1000 * Size.GB)).isEqualTo(60 * Size.GB);
  }

  @Test
  void shippedConfig_isValid() throws Exception {
    Path shipped = Path.of("conf/diskwarden.yml");
    WardenConfig c = ConfigLoader.load(shipped, Optional.of(base));
    assertThat(c.policies()).hasSize(3);
    assertThat(c.thresholds().targetFree()).isEqualTo(60 * Size.GB);
    assertThat(c.thresholds().targetFreePercent()).isEqualTo(12.0);
  }

  @Test
  void compactForm_ofTheFirstScript_givesItsThreePolicies() throws Exception {
    WardenConfig c = Configs.parse("""
        base_dir: %s
        min_free_gb: 50
        min_free_percent: 10
        keep_versions: 3
        check_interval: 300
        """.formatted(base));

    assertThat(c.thresholds().minFree()).isEqualTo(50 * Size.GB);
    assertThat(c.checkInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.protect()).containsExactly("current_model");
    assertThat(c.policies()).extracting(PolicyConfig::path).containsExactly("models/versions", "models/backups", "logs");
    assertThat(c.policies().get(0).keepLatest()).isEqualTo(3);
    assertThat(c.policies().get(1).groupBy()).isPresent();
    assertThat(c.policies().get(2).maxAge()).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void baseDirOverride_winsOverTheFile() throws Exception {
    Path other = Files.createDirectory(base.resolve("other"));
    WardenConfig c = ConfigLoader.parse("base_dir: /nonexistent\n", "t", Optional.of(other));
    assertThat(c.baseDir()).isEqualTo(other.toRealPath());
  }

  @Test
  void baseDirThroughSymlink_isWatchedAsTheRealDirectory() throws Exception {
    Path real = Files.createDirectory(base.resolve("real"));
    Path link = Files.createSymbolicLink(base.resolve("link"), real);
    assertThat(Configs.parse("base_dir: " + link + "\n").baseDir()).isEqualTo(real.toRealPath());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown key            | colour: blue                         | colour",
      "negative size          | min_free: -5GB                       | min_free",
      "non-numeric size       | min_free: lots                       | min_free",
      "bad unit               | min_free: 5XB                        | min_free",
      "percent above 100      | min_free_percent: 150                | min_free_percent",
      "negative percent       | min_free_percent: -1                 | min_free_percent",
      "target below trigger   | 'min_free: 50GB\ntarget_free: 40GB'    | target_free",
      "target pct below       | 'min_free_percent: 20\ntarget_free_percent: 10' | target_free_percent",
      "bad mode               | cleanup_mode: sometimes              | cleanup_mode",
      "bad duration           | min_age: soon                        | min_age",
      "bad dry_run            | dry_run: maybe                       | dry_run",
      "keep_latest zero       | 'policies:\n  - {name: v, path: v, keep_latest: 0}' | keep_latest",
      "keep_latest text       | 'policies:\n  - {name: v, path: v, keep_latest: two}' | keep_latest",
      "no rule                | 'policies:\n  - {name: v, path: v}'   | needs keep_latest, max_age or both",
      "path escapes           | 'policies:\n  - {name: v, path: ../x, keep_latest: 1}' | policies.v.path",
      "absolute path          | 'policies:\n  - {name: v, path: /etc, keep_latest: 1}' | policies.v.path",
      "bad regex              | 'policies:\n  - {name: v, path: v, keep_latest: 1, group_by: \"(\"}' | group_by",
      "bad glob               | 'policies:\n  - {name: v, path: v, keep_latest: 1, match: \"[a\"}' | match",
      "unknown policy key     | 'policies:\n  - {name: v, path: v, keep_latest: 1, keep: 3}' | keep",
      "duplicate policy name  | 'policies:\n  - {name: v, path: v, keep_latest: 1}\n  - {name: v, path: w, keep_latest: 1}' | used twice",
      "protect escapes        | 'protect: [../../etc]'               | protect",
      "bad order_by           | 'policies:\n  - {name: v, path: v, keep_latest: 1, order_by: size}' | order_by",
  })
  void badConfig_namesTheKeyAndTheValue(String what, String yaml, String key) {
    String text = "base_dir: " + base + "\n" + yaml.replace("\\n", "\n") + "\n";
    assertThatThrownBy(() -> Configs.parse(text))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key);
  }

  @Test
  void missingBaseDir_isNamed() {
    assertThatThrownBy(() -> Configs.parse("min_free: 1GB\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("base_dir is required");
    assertThatThrownBy(() -> Configs.parse("base_dir: " + base.resolve("nope") + "\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("base_dir value").hasMessageContaining("nope");
  }

  @Test
  void everyProblem_isReportedInOnePass() {
    assertThatThrownBy(() -> Configs.parse("base_dir: %s\nmin_free: lots\nmin_age: soon\ncolour: blue\n".formatted(base)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3))
        .hasMessageContaining("'lots'").hasMessageContaining("'soon'");
  }

  @Test
  void sizesAreBinary_andDurationsTakeUnits() {
    assertThat(Size.parse("1GB")).isEqualTo(1L << 30);
    assertThat(Size.parse("1GiB")).isEqualTo(1L << 30);
    assertThat(Size.parse("1.5 TB")).isEqualTo(3L << 39);
    assertThat(Size.parse("512")).isEqualTo(512);
    assertThat(Size.human((2L << 30) - 1, 1)).isEqualTo("2.0GB");
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("90")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.format(Duration.ofMinutes(30))).isEqualTo("30m");
  }
}
