package org.diskwarden.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import org.diskwarden.Configs;
import org.diskwarden.Incident;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent started by bin/diskwarden with remote JMX on, password authentication from conf/. */
class RemoteAuthTest {
  @TempDir
  Path dir;

  Path confDir;
  Path config;
  Process agent;
  int port;

  @BeforeEach
  void setUp() throws IOException {
    Path base = Files.createDirectory(dir.resolve("base"));
    Incident.build(base);
    confDir = Files.createDirectory(dir.resolve("conf"));
    config = Files.writeString(confDir.resolve("diskwarden.yml"), Configs.incident(base, "0B", "0B", "full"));
    Path pw = Files.writeString(confDir.resolve("jmxremote.password"), "monitorRole mpw\ncontrolRole cpw\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(confDir.resolve("jmxremote.access"), "monitorRole readonly\ncontrolRole readwrite\n");
    port = RmiConnector.freePort();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (agent != null) {
      agent.destroy();
      agent.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private ProcessBuilder bin(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = Path.of("bin/diskwarden").toAbsolutePath().toString();
    System.arraycopy(args, 0, command, 1, args.length);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("agent.out").toFile());
    pb.environment().put("DISKWARDEN_CONF_DIR", confDir.toString());
    pb.environment().put("DISKWARDEN_JMX_PORT", Integer.toString(port));
    pb.environment().put("DISKWARDEN_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().put("DISKWARDEN_LOG_DIR", dir.resolve("logs").toString());
    return pb;
  }

  private JMXConnector connect(String user, String password) throws IOException {
    Map<String, Object> env = user == null ? Map.of() : Map.of(JMXConnector.CREDENTIALS, new String[] {user, password});
    return JMXConnectorFactory.connect(RmiConnector.url(port), env);
  }

  @Test
  void credentialsAreChecked_andReadonlyCannotWriteOrClean() throws Exception {
    agent = bin("run", "--config", config.toString()).start();
    ObjectName agentName = new ObjectName(JmxExporter.AGENT);
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
      try (JMXConnector c = connect("controlRole", "cpw")) {
        return c.getMBeanServerConnection().isRegistered(agentName);
      }
    });

    assertThatThrownBy(() -> connect(null, null).close()).isInstanceOf(SecurityException.class);
    assertThatThrownBy(() -> connect("controlRole", "wrong").close()).isInstanceOf(SecurityException.class);

    try (JMXConnector monitor = connect("monitorRole", "mpw")) {
      MBeanServerConnection jmx = monitor.getMBeanServerConnection();
      assertThat(jmx.getAttribute(agentName, "State")).isEqualTo("OK");
      assertThatThrownBy(() -> jmx.setAttribute(agentName, new Attribute("MinFreePercent", 50.0)))
          .isInstanceOf(SecurityException.class);
      assertThatThrownBy(() -> jmx.invoke(agentName, "runCleanupNow", null, null))
          .isInstanceOf(SecurityException.class);
    }
    try (JMXConnector control = connect("controlRole", "cpw")) {
      MBeanServerConnection jmx = control.getMBeanServerConnection();
      assertThat(jmx.getAttribute(agentName, "MinFreePercent")).isEqualTo(0.0);
      jmx.setAttribute(agentName, new Attribute("DryRun", true));
      assertThat(jmx.getAttribute(agentName, "DryRun")).isEqualTo(true);
    }
  }

  @Test
  void passwordFileReadableByOthers_isRefusedAtStart() throws Exception {
    Files.setPosixFilePermissions(confDir.resolve("jmxremote.password"), PosixFilePermissions.fromString("rw-r--r--"));

    Process p = bin("run", "--config", config.toString()).start();

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("agent.out"))).contains("chmod 600").contains("jmxremote.password");
  }
}
