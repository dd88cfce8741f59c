package org.diskwarden.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.diskwarden.config.EventType;
import org.diskwarden.config.NotifyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateTest {
  @Test
  void fieldsAndRemovalLoop_areFilled() {
    Template t = Template.parse("${host} freed ${bytes_freed}:\n${#removals}- ${path} ${size}\n${/removals}end", "t");
    String out = t.render(Map.of("host", "box", "bytes_freed", "2.0 GB"),
        List.of(Map.of("path", "/a", "size", "1.0 GB"), Map.of("path", "/b", "size", "1.0 GB")), UnaryOperator.identity());
    assertThat(out).isEqualTo("box freed 2.0 GB:\n- /a 1.0 GB\n- /b 1.0 GB\nend");
  }

  @Test
  void holdersLoop_isFilledWithItsOwnRows_besideTheRemovals() {
    Template t = Template.parse("${#removals}-${path}\n${/removals}${#holders}${size} ${path} ${why}\n${/holders}"
        + "${holding_other}", "t");
    String out = t.render(Map.of("holding_other", "other: 1.0 MB in 2 places"),
        Map.of(Template.LOOP, List.of(Map.of("path", "/gone")), Template.HOLDERS,
            List.of(Map.of("size", "110.0 MB", "path", "/data/big.bin", "why", "no policy covers it"))),
        UnaryOperator.identity());
    assertThat(out).isEqualTo("-/gone\n110.0 MB /data/big.bin no policy covers it\nother: 1.0 MB in 2 places");
    assertThatThrownBy(() -> Template.parse("${#holders}${kept_at}${/holders}", "h.txt"))
        .hasMessageContaining("h.txt:1").hasMessageContaining("inside ${#holders}");
    assertThatThrownBy(() -> Template.parse("${#holders}${path}\n${/removals}", "h.txt"))
        .hasMessageContaining("h.txt:2").hasMessageContaining("does not close the open ${#holders}");
  }

  @Test
  void unknownPlaceholder_namesFileAndLine() {
    assertThatThrownBy(() -> Template.parse("line one\nline two\nfreed ${bytes_freeed}\n", "cleanup.txt"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cleanup.txt:3")
        .hasMessageContaining("${bytes_freeed}");
    assertThatThrownBy(() -> Template.parse("${#removals}${host}${/removals}", "x.txt"))
        .hasMessageContaining("x.txt:1").hasMessageContaining("inside ${#removals}");
    assertThatThrownBy(() -> Template.parse("a\n${#removals}${path}", "y.txt")).hasMessageContaining("y.txt:2")
        .hasMessageContaining("never closed");
  }

  @Test
  void shippedTemplates_allLoad_andRenderValidSlackJson(@TempDir Path dir) {
    Templates templates = Templates.load(Path.of("notifications"), NotifyConfig.EVENTS);
    for (EventType type : EventType.values()) {
      Templates.Message m = templates.render(Dispatcher.sample(type, Instant.now()), "");
      assertThat(m.subject()).startsWith("[diskwarden] sample-host: ").doesNotContain("${");
      assertThat(m.text()).doesNotContain("${");
      assertThat(m.html()).startsWith("<!DOCTYPE html>");
    }
  }

  @Test
  void oneWatchOfSeveral_isNamedInEverySubject_andInTheEventDocument() {
    Templates templates = Templates.load(Path.of("notifications"), NotifyConfig.EVENTS);
    for (EventType type : EventType.values()) {
      Event e = Dispatcher.sample(type, Instant.now());
      Event scratch = new Event(e.type(), e.time(), e.host(), e.baseDir(), e.state(), e.usage(), e.thresholds(),
          e.report(), e.message(), e.holders(), java.util.Optional.of("scratch"));
      assertThat(templates.render(scratch, "").subject()).startsWith("[diskwarden] sample-host/scratch: ");
      assertThat(EventDocument.of(scratch, "id", "")).contains("\"watch\":\"scratch\"")
          .contains("\"host\":\"sample-host\"");
    }
  }

  @Test
  void htmlAndJsonValues_areEscaped() throws Exception {
    Template t = Template.parse("<p>${message}</p>", "t.html");
    assertThat(t.render(Map.of("message", "<b>&\"x\""), List.of(), s -> s.replace("<", "&lt;")))
        .isEqualTo("<p>&lt;b>&\"x\"</p>");
  }

  @Test
  void brokenTemplateInAFolder_stopsTheDispatcherAtStart(@TempDir Path dir) throws Exception {
    try (var files = Files.list(Path.of("notifications"))) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Files.writeString(dir.resolve("recovered.html"), "<p>\n${free}\n${fre}</p>");
    NotifyConfig config = new NotifyConfig(NotifyConfig.DEFAULT_EVENTS, java.time.Duration.ZERO,
        java.time.Duration.ZERO, 1, java.time.Duration.ofMillis(10), dir, java.util.Optional.empty(), List.of(),
        java.util.Optional.of("/bin/true"));

    assertThatThrownBy(() -> Dispatcher.start(config, java.time.Clock.systemUTC(), System::getenv))
        .hasMessageContaining(dir.resolve("recovered.html") + ":3").hasMessageContaining("${fre}");
  }
}
