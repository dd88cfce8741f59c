package org.diskwarden.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import javax.management.Attribute;
import javax.management.AttributeChangeNotification;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.diskwarden.Configs;
import org.diskwarden.Incident;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.Watches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management surface, reached as JConsole reaches it: a JMX connector over RMI on localhost. */
class JmxTest {
  static final ObjectName AGENT = name(JmxExporter.AGENT);

  @TempDir
  Path dir;

  Path base;
  Path conf;
  DiskWarden warden;
  JmxExporter exporter;
  RmiConnector connector;
  MBeanServerConnection jmx;
  final BlockingQueue<Notification> received = new LinkedBlockingQueue<>();

  static ObjectName name(String s) {
    try {
      return new ObjectName(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @BeforeEach
  void start() throws Exception {
    base = Files.createDirectory(dir.resolve("base"));
    Incident.build(base);
    conf = Files.writeString(dir.resolve("diskwarden.yml"), Configs.incident(base, "0B", "0B", "full"));
    Watches single = ConfigLoader.loadWatches(conf, Optional.empty());
    warden = new DiskWarden(WatchSetup.of(single, single.watches().get(0), Optional.of(conf), Optional.empty(),
        dir.resolve("logs"), Clock.systemUTC()));
    warden.start();
    exporter = JmxExporter.register(warden, ManagementFactory.getPlatformMBeanServer());
    connector = RmiConnector.open();
    jmx = connector.connection();
    jmx.addNotificationListener(AGENT, (n, handback) -> received.add(n), null, null);
    await().until(() -> warden.status().lastCheck().isPresent());
  }

  @AfterEach
  void stop() throws Exception {
    connector.close();
    warden.stop();
    exporter.close();
  }

  private Notification next(String type) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (Instant.now().isBefore(deadline)) {
      Notification n = received.poll(1, java.util.concurrent.TimeUnit.SECONDS);
      if (n != null && n.getType().equals(type)) {
        return n;
      }
    }
    throw new AssertionError("no " + type + " notification within 20 s");
  }

  @Test
  void everyAttributeReadable_andDescribedForJConsole() throws Exception {
    MBeanInfo info = jmx.getMBeanInfo(AGENT);
    assertThat(info.getAttributes()).extracting(MBeanAttributeInfo::getName).contains(
        "MinFreeGb", "MinFreePercent", "TargetFreeGb", "TargetFreePercent", "CheckIntervalSeconds", "MinAgeMinutes",
        "CleanupMode", "DryRun", "Paused", "BaseDir", "State", "TotalGb", "FreeGb", "FreePercent", "LastCheckTime",
        "LastCleanup", "CleanupCount", "BytesFreedTotal", "RemovalFailures", "ConfigFile", "ConfigDiffersFromFile",
        "LastGitGc", "NotificationFailures", "SaveHeadroom", "EffectiveTriggerGb", "NextSaveGb", "FillRateGbPerHour",
        "HoursToTrigger", "HoursToFull");
    for (MBeanAttributeInfo a : info.getAttributes()) {
      jmx.getAttribute(AGENT, a.getName());
      assertThat(a.getDescription()).as(a.getName()).isNotBlank().doesNotContain("exposed for management");
    }
    assertThat(info.getOperations()).extracting(MBeanOperationInfo::getName).contains("checkNow", "previewCleanup",
        "previewCleanupTable", "runCleanupNow", "runGitGc", "reloadConfig", "resetStatistics");
    assertThat(info.getOperations()).allSatisfy(o -> assertThat(o.getDescription()).as(o.getName())
        .doesNotContain("exposed for management").isNotBlank());
    assertThat(info.getNotifications()).flatExtracting(n -> List.of(n.getNotifTypes())).contains(
        "jmx.attribute.change", "org.diskwarden.cleanup", "org.diskwarden.critical", "org.diskwarden.recovered",
        "org.diskwarden.failure");
    assertThat(jmx.getAttribute(AGENT, "BaseDir")).isEqualTo(base.toRealPath().toString());
    assertThat(jmx.getAttribute(AGENT, "State")).isEqualTo("OK");
    assertThat((double) jmx.getAttribute(AGENT, "TotalGb")).isPositive();
    // derived figures are rounded for display: two decimals at most
    for (String figure : new String[] {"TotalGb", "FreeGb", "FreePercent", "EffectiveTriggerGb", "NextSaveGb"}) {
      double v = (double) jmx.getAttribute(AGENT, figure);
      assertThat(v * 100).as(figure).isCloseTo(Math.rint(v * 100), org.assertj.core.api.Assertions.within(1e-6));
    }
    assertThat(jmx.getAttribute(AGENT, "ConfigFile")).isEqualTo(conf.toString());

    ObjectName versions = JmxExporter.policyName("model-versions");
    assertThat(jmx.queryNames(name("org.diskwarden:type=Policy,*"), null)).containsExactlyInAnyOrder(
        versions, JmxExporter.policyName("backups"), JmxExporter.policyName("logs"));
    assertThat(jmx.getAttribute(versions, "KeepLatest")).isEqualTo(2);
    assertThat(jmx.getAttribute(versions, "Path")).isEqualTo("models/versions");
    assertThat(jmx.getAttribute(versions, "Action")).isEqualTo("delete");
    assertThat(jmx.getAttribute(JmxExporter.policyName("logs"), "MaxAgeDays")).isEqualTo(7.0);
    assertThat(jmx.getMBeanInfo(versions).getAttributes()).allSatisfy(a -> assertThat(a.getDescription())
        .doesNotContain("exposed for management"));
  }

  @Test
  void raisingMinFreePercent_makesTheNextCheckClean_andAnnouncesTheChange() throws Exception {
    double free = (double) jmx.getAttribute(AGENT, "FreePercent");
    assertThat(base.resolve("models/versions/v001")).exists();

    jmx.setAttribute(AGENT, new Attribute("TargetFreePercent", 100.0));
    jmx.setAttribute(AGENT, new Attribute("MinFreePercent", Math.min(100.0, free + 5)));
    AttributeChangeNotification change = (AttributeChangeNotification) next("jmx.attribute.change");
    assertThat(change.getAttributeName()).isEqualTo("TargetFreePercent");
    change = (AttributeChangeNotification) next("jmx.attribute.change");
    assertThat(change.getAttributeName()).isEqualTo("MinFreePercent");
    assertThat(change.getOldValue()).isEqualTo(0.0);
    assertThat(change.getNewValue()).isEqualTo(Math.min(100.0, free + 5));
    assertThat(jmx.getAttribute(AGENT, "ConfigDiffersFromFile")).isEqualTo(true);

    warden.triggerCheck();

    await().atMost(Duration.ofSeconds(20)).until(() -> warden.status().statistics().sweeps() == 1);
    assertThat(base.resolve("models/versions/v001")).doesNotExist();
    assertThat(base.resolve("models/versions/v005")).exists();
    assertThat((CompositeData) jmx.getAttribute(AGENT, "LastCleanup")).satisfies(c ->
        assertThat((int) c.get("removed")).isEqualTo(8));
  }

  @Test
  void badWrite_isRefused_namesAttributeAndValue_andChangesNothing() throws Exception {
    assertThatThrownBy(() -> jmx.setAttribute(AGENT, new Attribute("MinFreePercent", 150.0)))
        .isInstanceOf(RuntimeMBeanException.class)
        .cause().hasMessageContaining("MinFreePercent").hasMessageContaining("150.0").hasMessageContaining("100");
    assertThatThrownBy(() -> jmx.setAttribute(AGENT, new Attribute("MinFreeGb", 5.0)))
        .cause().hasMessageContaining("MinFreeGb").hasMessageContaining("target_free");
    assertThatThrownBy(() -> jmx.setAttribute(AGENT, new Attribute("CleanupMode", "sometimes")))
        .cause().hasMessageContaining("CleanupMode").hasMessageContaining("sometimes").hasMessageContaining("full");
    assertThatThrownBy(() -> jmx.setAttribute(AGENT, new Attribute("SaveHeadroom", -0.5)))
        .cause().hasMessageContaining("SaveHeadroom").hasMessageContaining("-0.5");
    assertThatThrownBy(() -> jmx.setAttribute(AGENT, new Attribute("CheckIntervalSeconds", 0L)))
        .cause().hasMessageContaining("CheckIntervalSeconds").hasMessageContaining("from 1s to 1d");
    assertThatThrownBy(() -> jmx.setAttribute(JmxExporter.policyName("model-versions"), new Attribute("KeepLatest", 0)))
        .cause().hasMessageContaining("KeepLatest").hasMessageContaining(">= 1");

    assertThat(jmx.getAttribute(AGENT, "MinFreePercent")).isEqualTo(0.0);
    assertThat(jmx.getAttribute(AGENT, "MinFreeGb")).isEqualTo(0.0);
    assertThat(jmx.getAttribute(AGENT, "CleanupMode")).isEqualTo("full");
    assertThat(jmx.getAttribute(JmxExporter.policyName("model-versions"), "KeepLatest")).isEqualTo(2);
    assertThat(jmx.getAttribute(AGENT, "ConfigDiffersFromFile")).isEqualTo(false);
    // notifications arrive asynchronously over RMI: none may arrive for a while, not just at this instant
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
        .until(() -> received.stream().noneMatch(n -> n instanceof AttributeChangeNotification));
  }

  @Test
  void thinningKeys_showPerPolicy_andAreWrittenAsTheConfigWouldBe() throws Exception {
    ObjectName versions = JmxExporter.policyName("model-versions");
    jmx.addNotificationListener(versions, (n, handback) -> received.add(n), null, null);
    assertThat(jmx.getAttribute(versions, "KeepDaily")).isEqualTo(0);
    assertThat(jmx.getAttribute(versions, "KeepEverySteps")).isEqualTo(0L);

    jmx.setAttribute(versions, new Attribute("KeepDaily", 7));

    AttributeChangeNotification change = (AttributeChangeNotification) next("jmx.attribute.change");
    assertThat(change.getAttributeName()).isEqualTo("KeepDaily");
    assertThat(change.getNewValue()).isEqualTo(7);
    assertThat(jmx.getAttribute(versions, "KeepDaily")).isEqualTo(7);
    assertThat(jmx.getAttribute(versions, "KeepLatest")).isEqualTo(2);
    assertThat(warden.status().config().policies().get(0).retention().reason())
        .isEqualTo("beyond the newest 2, and not kept by daily 7");
    // keep_latest written afterwards keeps the thinning
    jmx.setAttribute(versions, new Attribute("KeepLatest", 3));
    assertThat(jmx.getAttribute(versions, "KeepDaily")).isEqualTo(7);
    assertThatThrownBy(() -> jmx.setAttribute(versions, new Attribute("KeepWeekly", -1)))
        .cause().hasMessageContaining("KeepWeekly").hasMessageContaining("-1").hasMessageContaining(">= 0");
    assertThatThrownBy(() -> jmx.setAttribute(versions, new Attribute("KeepEverySteps", 1000L)))
        .cause().hasMessageContaining("KeepEverySteps").hasMessageContaining("layout plain");
    assertThat(jmx.getAttribute(versions, "KeepEverySteps")).isEqualTo(0L);
    assertThat(jmx.getAttribute(versions, "KeepWeekly")).isEqualTo(0);
  }

  @Test
  void checkInterval_reschedulesTheQuartzTrigger() throws Exception {
    Instant before = Instant.now();
    jmx.setAttribute(AGENT, new Attribute("CheckIntervalSeconds", 7200L));

    var schedule = warden.schedule().orElseThrow();
    assertThat(schedule.interval()).contains(Duration.ofHours(2));
    assertThat(schedule.nextFire().orElseThrow())
        .isBetween(before.plus(Duration.ofHours(2)).minusSeconds(1), Instant.now().plus(Duration.ofHours(2)));
    assertThat(jmx.getAttribute(AGENT, "CheckIntervalSeconds")).isEqualTo(7200L);
  }

  @Test
  void previewRemovesNothing_runCleanupNowRemovesWhatItPreviewed_andAnnouncesIt() throws Exception {
    String preview = (String) jmx.invoke(AGENT, "previewCleanup", null, null);
    TabularData table = (TabularData) jmx.invoke(AGENT, "previewCleanupTable", null, null);
    List<String> previewed = table.values().stream().map(v -> (String) ((CompositeData) v).get("path")).toList();
    long previewedBytes = table.values().stream().mapToLong(v -> (long) ((CompositeData) v).get("bytes")).sum();
    assertThat(previewed).hasSize(8).allSatisfy(p -> assertThat(Path.of(p)).exists());
    assertThat(table.values()).allSatisfy(v -> {
      assertThat(((CompositeData) v).get("action")).isEqualTo("delete");
      assertThat(((CompositeData) v).get("gain")).isEqualTo(((CompositeData) v).get("bytes"));
    });
    assertThat(preview).contains("models/versions/v001").contains("8 candidate(s)");
    assertThat(jmx.getAttribute(JmxExporter.policyName("model-versions"), "CandidateCount")).isEqualTo(3);

    String result = (String) jmx.invoke(AGENT, "runCleanupNow", null, null);

    assertThat(result).contains("8 removal(s)");
    assertThat(previewed).allSatisfy(p -> assertThat(Path.of(p)).doesNotExist());
    Notification cleanup = next("org.diskwarden.cleanup");
    assertThat(cleanup.getMessage()).startsWith("diskwarden on ").contains(warden.status().config().baseDir()
        .toString(), "freed", "in 8 removal(s), 0 failed", "free after", "state ").endsWith(".");
    CompositeData data = (CompositeData) cleanup.getUserData();
    assertThat(data.get("removed")).isEqualTo(8);
    assertThat(data.get("failed")).isEqualTo(0);
    assertThat(data.get("bytesFreed")).isEqualTo(previewedBytes);
    assertThat(jmx.getAttribute(AGENT, "CleanupCount")).isEqualTo(1L);
    assertThat(jmx.getAttribute(AGENT, "BytesFreedTotal")).isEqualTo(previewedBytes);

    jmx.invoke(AGENT, "resetStatistics", null, null);
    assertThat(jmx.getAttribute(AGENT, "CleanupCount")).isEqualTo(0L);
    assertThat(jmx.getAttribute(AGENT, "LastCleanup")).isNull();
  }

  @Test
  void reloadConfig_withABrokenFile_keepsTheOldValues_andReturnsTheError() throws Exception {
    jmx.setAttribute(AGENT, new Attribute("MinAgeMinutes", 90L));
    Files.writeString(conf, Configs.incident(base, "0B", "0B", "full").replace("min_age: 30m", "min_age: soon"));

    String answer = (String) jmx.invoke(AGENT, "reloadConfig", null, null);

    assertThat(answer).contains("old config stays").contains("min_age").contains("soon");
    assertThat(jmx.getAttribute(AGENT, "MinAgeMinutes")).isEqualTo(90L);
    Notification failure = next("org.diskwarden.failure");
    assertThat(failure.getMessage()).contains("reload", "diskwarden on ", " free (").endsWith(".");
    assertThat(((CompositeData) failure.getUserData()).get("baseDir"))
        .isEqualTo(warden.status().config().baseDir().toString());

    Files.writeString(conf, Configs.incident(base, "0B", "0B", "until_target").replace("min_age: 30m", "min_age: 2h"));
    assertThat((String) jmx.invoke(AGENT, "reloadConfig", null, null)).contains("in force");
    assertThat(jmx.getAttribute(AGENT, "MinAgeMinutes")).isEqualTo(120L);
    assertThat(jmx.getAttribute(AGENT, "CleanupMode")).isEqualTo("until_target");
    assertThat(jmx.getAttribute(AGENT, "ConfigDiffersFromFile")).isEqualTo(false);
  }

  @Test
  void secondAgentInOneJvm_failsWithAClearMessage() throws Exception {
    Path other = Files.createDirectory(dir.resolve("other"));
    DiskWarden second = new DiskWarden(WatchSetup.of(Configs.parse(Configs.incident(other, "0B", "0B", "full")),
        dir.resolve("logs2"), Clock.systemUTC()));
    assertThatThrownBy(() -> JmxExporter.register(second, ManagementFactory.getPlatformMBeanServer()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("org.diskwarden:type=Agent")
        .hasMessageContaining("already registered");
    assertThat(jmx.getAttribute(AGENT, "BaseDir")).isEqualTo(base.toRealPath().toString());
  }

  @Test
  void unregisteredOnClose() throws Exception {
    exporter.close();
    assertThat(jmx.queryNames(name("org.diskwarden:*"), null)).isEmpty();
    exporter = JmxExporter.register(warden, ManagementFactory.getPlatformMBeanServer());
  }

  @Test
  void unknownForecasts_areNaN_notMinusOne() throws Exception {
    // right after start there is one sample (the first check's; the sampler's first tick is 5 s on): no rate
    assertThat(warden.status().forecastKnown()).isFalse();
    assertThat((Double) jmx.getAttribute(AGENT, "FillRateGbPerHour")).isNaN();
    assertThat((Double) jmx.getAttribute(AGENT, "HoursToFull")).isNaN();
    assertThat((Double) jmx.getAttribute(AGENT, "HoursToTrigger")).isNaN();
    assertThat(jmx.getMBeanInfo(AGENT).getAttributes()).filteredOn(a -> a.getName().startsWith("HoursTo"))
        .allSatisfy(a -> assertThat(a.getDescription()).contains("NaN"));
  }

  @Test
  void aTargetNeverSetOnItsOwn_followsItsTrigger_soRaisingTheTriggerFirstIsNotRefused() throws Exception {
    Files.writeString(conf, Files.readString(conf).replaceAll("(?m)^target_free.*\n", ""));
    jmx.invoke(AGENT, "reloadConfig", null, null);
    assertThat(jmx.getAttribute(AGENT, "TargetFreeGb")).isEqualTo(0.0);

    jmx.setAttribute(AGENT, new Attribute("MinFreeGb", 5.0));
    jmx.setAttribute(AGENT, new Attribute("MinFreePercent", 20.0));

    assertThat((double) jmx.getAttribute(AGENT, "TargetFreeGb")).isEqualTo(6.0);
    assertThat((double) jmx.getAttribute(AGENT, "TargetFreePercent")).isEqualTo(24.0);
    // once set on its own, it stays where it was put
    jmx.setAttribute(AGENT, new Attribute("TargetFreeGb", 8.0));
    jmx.setAttribute(AGENT, new Attribute("MinFreeGb", 6.0));
    assertThat((double) jmx.getAttribute(AGENT, "TargetFreeGb")).isEqualTo(8.0);
  }
}
