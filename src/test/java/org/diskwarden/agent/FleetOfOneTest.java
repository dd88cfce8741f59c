package org.diskwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.diskwarden.Configs;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.Watches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config with one base_dir runs as a fleet of one: its reloads keep what a single-directory agent's
 * did (the command line's --base-dir applied again, a new base_dir refused, a changed notify: in force
 * at once), and going to watch: needs a restart.
 */
class FleetOfOneTest {
  @TempDir
  Path dir;

  Fleet fleet;
  HttpServer hooks;
  final List<String> received = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() {
    if (fleet != null) {
      fleet.stop();
    }
    if (hooks != null) {
      hooks.stop(0);
    }
  }

  private Fleet start(Path conf, Optional<Path> baseDirOverride) throws Exception {
    fleet = new Fleet(ConfigLoader.loadWatches(conf, baseDirOverride), conf, baseDirOverride, dir.resolve("logs"),
        Clock.systemUTC());
    fleet.start();
    return fleet;
  }

  private DiskWarden theWatch() {
    assertThat(fleet.names()).containsExactly(Watches.DEFAULT);
    return fleet.agent(Watches.DEFAULT).orElseThrow();
  }

  @Test
  void reload_ofOneBaseDir_appliesTheCommandLinesBaseDirAgain_andRefusesANewBaseDirOrWatches() throws Exception {
    Path inFile = Files.createDirectory(dir.resolve("in-file"));
    Path given = Files.createDirectory(dir.resolve("given")).toRealPath();
    Path conf = Files.writeString(dir.resolve("diskwarden.yml"), Configs.incident(inFile, "0B", "0B", "full"));
    start(conf, Optional.of(given));
    assertThat(fleet.listed()).isFalse();
    assertThat(theWatch().status().config().baseDir()).isEqualTo(given);

    Files.writeString(conf, Configs.incident(inFile, "0B", "0B", "until_target"));
    theWatch().reload();
    assertThat(theWatch().status().config().baseDir()).as("--base-dir still wins").isEqualTo(given);
    assertThat(theWatch().status().config().cleanupMode().key()).isEqualTo("until_target");

    fleet.stop();

    Files.writeString(conf, Configs.incident(inFile, "0B", "0B", "full"));
    start(conf, Optional.empty());
    Files.writeString(conf, Configs.incident(given, "0B", "0B", "full"));
    assertThatThrownBy(() -> theWatch().reload()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("base_dir changed from " + inFile.toRealPath() + " to " + given);
    Files.writeString(conf, "watch:\n  - {name: a, base_dir: " + inFile + "}\nmin_free: 0B\nmin_free_percent: 0\n");
    assertThatThrownBy(() -> theWatch().reload()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("now has watch:");
    assertThat(theWatch().status().config().baseDir()).isEqualTo(inFile.toRealPath());
    assertThat(fleet.names()).containsExactly(Watches.DEFAULT);
  }

  @Test
  void reload_thatChangesNotify_deliversThroughTheNewOutletsAtOnce() throws Exception {
    hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hooks.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(ex.getRequestURI().getPath() + " " + body.replaceAll("(?s).*\"type\":\"(\\w+)\".*", "$1"));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    hooks.start();
    Path base = Files.createDirectory(dir.resolve("base"));
    String url = "http://127.0.0.1:" + hooks.getAddress().getPort();
    String notify = """
        notify:
          templates: %s
          events: [started, stopped]
          webhooks:
            - {url: %s, format: json}
        """;
    Path conf = Files.writeString(dir.resolve("diskwarden.yml"), Configs.incident(base, "0B", "0B", "full")
        + notify.formatted(Path.of("notifications").toAbsolutePath(), url + "/before"));
    start(conf, Optional.empty());
    await().atMost(Duration.ofSeconds(30)).until(() -> received.contains("/before started"));

    Files.writeString(conf, Configs.incident(base, "0B", "0B", "full")
        + notify.formatted(Path.of("notifications").toAbsolutePath(), url + "/after"));
    theWatch().reload();
    fleet.stop();

    assertThat(received).containsExactly("/before started", "/after stopped");
  }
}
