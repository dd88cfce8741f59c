package org.diskwarden.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code watch:}: every top-level key a default each watch may override; watches may not nest. */
class WatchesConfigTest {
  @TempDir
  Path dir;

  private Watches parse(String yaml) throws ConfigException {
    return ConfigLoader.parseWatches(yaml, "w.yml", Optional.empty(), dir);
  }

  private Path mkdir(String name) throws Exception {
    return Files.createDirectories(dir.resolve(name)).toRealPath();
  }

  @Test
  void eachWatch_takesTheTopLevelAsDefault_andItsOwnKeysOnTop() throws Exception {
    Path scratch = mkdir("scratch");
    Path home = mkdir("home");
    Watches w = parse("""
        check_interval: 5m
        min_free: 10GB
        protect: []
        policies:
          - {name: versions, path: models/versions, keep_latest: 2}
        notify: {events: [critical]}
        watch:
          - name: scratch
            base_dir: %s
            min_free: 200GB
            protect: [current_model]
          - name: home
            base_dir: %s
            check_interval: 1m
            policies:
              - {name: hub-cache, path: .cache/huggingface/hub, layout: hf_cache, max_age: 30d}
        """.formatted(scratch, home));

    assertThat(w.listed()).isTrue();
    assertThat(w.names()).containsExactly("scratch", "home");
    WardenConfig s = w.named("scratch").orElseThrow().config();
    WardenConfig h = w.named("home").orElseThrow().config();
    assertThat(s.baseDir()).isEqualTo(scratch);
    assertThat(s.thresholds().minFree()).isEqualTo(200 * Size.GB);
    assertThat(s.protect()).containsExactly("current_model");
    assertThat(s.checkInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.policies()).extracting(PolicyConfig::name).containsExactly("versions");
    assertThat(h.thresholds().minFree()).isEqualTo(10 * Size.GB);
    assertThat(h.protect()).isEmpty();
    assertThat(h.checkInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(h.policies()).extracting(PolicyConfig::name).containsExactly("hub-cache");
    assertThat(s.notifications()).isEqualTo(h.notifications());
    assertThat(s.notifications().events()).containsExactly("critical");
  }

  @Test
  void withoutWatch_theOneBaseDirIsTheWatchNamedDefault() throws Exception {
    Path base = mkdir("base");
    Watches w = parse("base_dir: " + base + "\n");
    assertThat(w.listed()).isFalse();
    assertThat(w.names()).containsExactly(Watches.DEFAULT);
    assertThat(w.shared().baseDir()).isEqualTo(base);
  }

  @Test
  void nestedWatches_areRefused_namingBoth() throws Exception {
    Path outer = mkdir("data");
    Path inner = mkdir("data/training");
    assertThatThrownBy(() -> parse("""
        watch:
          - {name: all, base_dir: %s}
          - {name: training, base_dir: %s}
        """.formatted(outer, inner)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("watch.training.base_dir").hasMessageContaining("inside")
        .hasMessageContaining("watch.all.base_dir").hasMessageContaining(outer.toString());
  }

  @Test
  void badWatches_areRefused_withTheWatchNamed() throws Exception {
    Path a = mkdir("a");
    Path b = mkdir("b");
    assertThatThrownBy(() -> parse("watch:\n  - {name: a, base_dir: %s}\n  - {name: a, base_dir: %s}\n"
        .formatted(a, b))).hasMessageContaining("watch[1].name").hasMessageContaining("unique");
    assertThatThrownBy(() -> parse("watch:\n  - {name: 'bad name', base_dir: %s}\n".formatted(a)))
        .hasMessageContaining("watch[0].name").hasMessageContaining("bad name");
    assertThatThrownBy(() -> parse("watch:\n  - {name: a, base_dir: %s, notify: {events: []}}\n".formatted(a)))
        .hasMessageContaining("unknown key watch.a.notify");
    assertThatThrownBy(() -> parse("watch:\n  - {name: a, base_dir: %s, min_free: lots}\n  - {name: b, base_dir: %s}\n"
        .formatted(a, b))).hasMessageContaining("watch.a: min_free value was set to 'lots'");
    assertThatThrownBy(() -> parse("base_dir: %s\nwatch:\n  - {name: b, base_dir: %s}\n".formatted(a, b)))
        .hasMessageContaining("base_dir is set beside watch:");
    assertThatThrownBy(() -> parse("watch:\n  - {name: a, base_dir: %s}\n  - {name: b, base_dir: %s}\n"
        .formatted(a, a))).hasMessageContaining("watches may not nest");
    assertThatThrownBy(() -> parse("watch: []\n")).hasMessageContaining("watch must be a list");
    assertThatThrownBy(() -> ConfigLoader.parseWatches("watch:\n  - {name: a, base_dir: %s}\n".formatted(a),
        "w.yml", Optional.of(b), dir)).hasMessageContaining("--base-dir");
  }

  @Test
  void aCommandTakingOneConfig_refusesWatch_sayingWhy() throws Exception {
    Path a = mkdir("a");
    assertThatThrownBy(() -> ConfigLoader.parse("watch:\n  - {name: a, base_dir: %s}\n".formatted(a), "w.yml",
        Optional.empty())).hasMessageContaining("watch:");
  }
}
