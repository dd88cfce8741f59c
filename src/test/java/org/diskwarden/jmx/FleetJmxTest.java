package org.diskwarden.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import org.diskwarden.Incident;
import org.diskwarden.agent.Fleet;
import org.diskwarden.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JMX over RMI of one agent with three watches: an Agent bean and policy beans per watch, and Agents. */
class FleetJmxTest {
  @TempDir
  Path dir;

  Path conf;
  Fleet fleet;
  FleetBeans beans;
  RmiConnector connector;
  MBeanServerConnection jmx;

  @BeforeEach
  void start() throws Exception {
    StringBuilder list = new StringBuilder();
    for (String w : new String[] {"scratch", "datasets", "home"}) {
      Path base = Files.createDirectories(dir.resolve(w));
      Incident.build(base);
      list.append("  - {name: ").append(w).append(", base_dir: ").append(base).append("}\n");
    }
    conf = Files.writeString(dir.resolve("diskwarden.yml"), """
        min_free: 0B
        min_free_percent: 0
        check_interval: 1h
        cleanup_mode: full
        policies:
          - {name: model-versions, path: models/versions, keep_latest: 2}
          - {name: logs, path: logs, max_age: 7d}
        watch:
        """ + list);
    fleet = new Fleet(ConfigLoader.loadWatches(conf, Optional.empty()), conf, Optional.empty(),
        dir.resolve("logs"), Clock.systemUTC());
    beans = FleetBeans.follow(fleet, ManagementFactory.getPlatformMBeanServer());
    fleet.start();
    connector = RmiConnector.open();
    jmx = connector.connection();
  }

  @AfterEach
  void stop() throws Exception {
    connector.close();
    fleet.stop();
    beans.close();
  }

  @Test
  void threeAgentBeans_theirPolicies_andAgentsListingThem() throws Exception {
    for (String w : new String[] {"scratch", "datasets", "home"}) {
      ObjectName agent = new ObjectName("org.diskwarden:type=Agent,watch=" + w);
      assertThat(jmx.isRegistered(agent)).as(w).isTrue();
      assertThat(jmx.getAttribute(agent, "BaseDir")).isEqualTo(dir.resolve(w).toRealPath().toString());
      assertThat(jmx.isRegistered(new ObjectName("org.diskwarden:type=Policy,watch=" + w + ",name=logs"))).isTrue();
      assertThat(jmx.isRegistered(new ObjectName("org.diskwarden:type=Policy,watch=" + w + ",name=model-versions")))
          .isTrue();
    }
    assertThat(jmx.isRegistered(new ObjectName(JmxExporter.AGENT))).as("no unnamed agent beside them").isFalse();
    ObjectName agents = new ObjectName(JmxExporter.AGENTS);
    assertThat((String[]) jmx.getAttribute(agents, "Watches")).containsExactly("scratch", "datasets", "home");
    assertThat((String[]) jmx.getAttribute(agents, "States")).hasSize(3)
        .allMatch(s -> s.matches("(scratch|datasets|home): DISKWARDEN OK - .*"));
  }

  @Test
  void runCleanupNow_ofOneWatch_sweepsOnlyThatOne() throws Exception {
    String answer = (String) jmx.invoke(new ObjectName(JmxExporter.AGENTS), "runCleanupNow",
        new Object[] {"datasets"}, new String[] {String.class.getName()});

    assertThat(answer).startsWith("datasets: Cleanup: freed").doesNotContain("in 0 removal(s)");
    assertThat(fleet.agent("datasets").orElseThrow().status().statistics().sweeps()).isEqualTo(1);
    assertThat(fleet.agent("scratch").orElseThrow().status().statistics().sweeps()).isZero();
    assertThat(fleet.agent("home").orElseThrow().status().statistics().sweeps()).isZero();
    // one audit log; each line names the watch it was written for
    assertThat(Files.readAllLines(dir.resolve("logs/audit.jsonl"))).isNotEmpty()
        .allMatch(line -> line.contains("\"watch\":\"datasets\""));
  }

  @Test
  void reload_removesAWatch_unregistersItsBeans_andAddsANewOne() throws Exception {
    Path extra = Files.createDirectories(dir.resolve("extra"));
    Files.writeString(conf, Files.readString(conf).replaceAll("  - \\{name: home.*\\n", "")
        .replace("{name: scratch,", "{name: scratch, min_free: 3GB,")
        + "  - {name: extra, base_dir: " + extra + "}\n");

    String answer = (String) jmx.invoke(new ObjectName("org.diskwarden:type=Agent,watch=scratch"), "reloadConfig",
        new Object[0], new String[0]);

    assertThat(answer).startsWith("Reloaded");
    await().until(() -> jmx.isRegistered(new ObjectName("org.diskwarden:type=Agent,watch=extra")));
    assertThat(jmx.isRegistered(new ObjectName("org.diskwarden:type=Agent,watch=home"))).isFalse();
    assertThat(jmx.isRegistered(new ObjectName("org.diskwarden:type=Policy,watch=home,name=logs"))).isFalse();
    // the removed watch's lock is released: another agent may take its base_dir now
    org.diskwarden.agent.BaseDirLock.acquire(dir.resolve("home").toRealPath(), (p, w) -> { }).close();
    assertThat((String[]) jmx.getAttribute(new ObjectName(JmxExporter.AGENTS), "Watches"))
        .containsExactly("scratch", "datasets", "extra");
    // a changed watch takes its new settings in place, the others keep theirs
    assertThat(jmx.getAttribute(new ObjectName("org.diskwarden:type=Agent,watch=scratch"), "MinFreeGb")).isEqualTo(3.0);
    assertThat(jmx.getAttribute(new ObjectName("org.diskwarden:type=Agent,watch=datasets"), "MinFreeGb")).isEqualTo(0.0);
  }
}
