package org.diskwarden.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.management.Attribute;
import javax.management.AttributeChangeNotification;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.openmbean.CompositeData;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.diskwarden.Configs;
import org.diskwarden.Incident;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JConsole session ({@link ConsoleSession}) against the agent as bin/diskwarden starts it, for
 * each role, with TLS and without, for one agent and for a two-watch agent.
 */
class ConsoleSessionTest {
  @TempDir
  Path dir;

  BinAgent agent;

  @BeforeEach
  void setUp() throws Exception {
    agent = new BinAgent(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    agent.close();
  }

  private Path oneWatch() throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    Incident.build(base);
    return Files.writeString(dir.resolve("diskwarden.yml"), Configs.incident(base, "0B", "0B", "full"));
  }

  private Path twoWatches() throws Exception {
    StringBuilder list = new StringBuilder();
    for (String w : new String[] {"scratch", "datasets"}) {
      Path base = Files.createDirectories(dir.resolve(w));
      Incident.build(base);
      list.append("  - {name: ").append(w).append(", base_dir: ").append(base).append("}\n");
    }
    return Files.writeString(dir.resolve("diskwarden.yml"), """
        min_free: 0B
        min_free_percent: 0
        check_interval: 1h
        cleanup_mode: full
        policies:
          - {name: model-versions, path: models/versions, keep_latest: 2}
          - {name: logs, path: logs, max_age: 7d}
        watch:
        """ + list);
  }

  private void awaitAgent(String user, String password) {
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
      try (JMXConnector c = ConsoleSession.connect("127.0.0.1", agent.port, user, password)) {
        return !c.getMBeanServerConnection().queryNames(new ObjectName("org.diskwarden:type=Agent,*"), null)
            .isEmpty();
      }
    });
  }

  private void replay(String user, String password, boolean readWrite) throws Exception {
    try (JMXConnector c = ConsoleSession.connect("127.0.0.1", agent.port, user, password)) {
      ConsoleSession.replay(c.getMBeanServerConnection(), readWrite);
    }
  }

  @Test
  void consoleSession_worksForEachRole_withoutTls() throws Exception {
    agent.run(oneWatch());
    awaitAgent("monitorRole", "mpw");

    replay("monitorRole", "mpw", false);
    replay("controlRole", "cpw", true);
  }

  @Test
  void consoleSession_worksForEachRole_onATwoWatchAgent() throws Exception {
    agent.run(twoWatches());
    awaitAgent("monitorRole", "mpw");

    replay("monitorRole", "mpw", false);
    replay("controlRole", "cpw", true);
  }

  @Test
  void controlRole_setsMinFreeAsText_seesTheChange_runsACleanup_andReceivesItsNotification() throws Exception {
    agent.run(oneWatch());
    awaitAgent("controlRole", "cpw");
    ObjectName name = new ObjectName(JmxExporter.AGENT);

    try (JMXConnector c = ConsoleSession.connect("127.0.0.1", agent.port, "controlRole", "cpw")) {
      MBeanServerConnection jmx = c.getMBeanServerConnection();
      ConsoleSession.Queue events = new ConsoleSession.Queue();
      jmx.addNotificationListener(name, events, null, null);

      jmx.setAttribute(name, new Attribute("TargetFree", "20GB"));
      jmx.setAttribute(name, new Attribute("MinFree", "10GB"));

      AttributeChangeNotification change = (AttributeChangeNotification) await().atMost(Duration.ofSeconds(30))
          .until(() -> events.received.stream().filter(n -> n instanceof AttributeChangeNotification a
              && a.getAttributeName().equals("MinFree")).findFirst(), Optional::isPresent).orElseThrow();
      assertThat(change.getOldValue()).isEqualTo("0B");
      assertThat(change.getNewValue()).isEqualTo("10GB");
      assertThat(jmx.getAttribute(name, "MinFree")).isEqualTo("10GB");
      assertThat(jmx.getAttribute(name, "MinFreeGb")).isEqualTo(10.0);

      assertThat((String) jmx.invoke(name, "runCleanupNow", null, null)).contains("removal(s)");

      Notification cleanup = await().atMost(Duration.ofSeconds(30)).until(() -> events.received.stream()
          .filter(n -> n.getType().equals(JmxExporter.CLEANUP)).findFirst(), Optional::isPresent).orElseThrow();
      assertThat(cleanup.getUserData()).isInstanceOf(CompositeData.class);
      jmx.removeNotificationListener(name, events, null, null);
    }
  }

  @Test
  void consoleSession_worksWithAuthenticationOff() throws Exception {
    agent.env.put("DISKWARDEN_JMX_AUTH", "false");
    agent.run(oneWatch());
    awaitAgent(null, null);

    replay(null, null, true);
  }

  @Test
  void consoleSession_worksForEachRole_overTls_onATwoWatchAgent() throws Exception {
    Path truststore = agent.withTls();
    agent.run(twoWatches());

    for (String[] role : new String[][] {{"monitorRole", "mpw", "false"}, {"controlRole", "cpw", "true"}}) {
      // a JVM of its own: the TLS trust store is read once per JVM
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        Process client = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djavax.net.ssl.trustStore=" + truststore, "-Djavax.net.ssl.trustStorePassword=trust-pass",
            "-cp", System.getProperty("java.class.path"), ConsoleSession.class.getName(),
            Integer.toString(agent.port), role[0], role[1], role[2]).redirectErrorStream(true).start();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ok = client.waitFor() == 0 && out.contains("replayed");
        // the agent not up yet is the only failure worth retrying
        assertThat(ok || out.contains("Connection refused") || out.contains("ConnectException")).as(out).isTrue();
        return ok;
      });
    }
  }
}
