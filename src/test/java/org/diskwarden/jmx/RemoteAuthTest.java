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

  private final Map<String, String> extraEnv = new java.util.HashMap<>();

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
    pb.environment().putAll(extraEnv);
    return pb;
  }

  private JMXConnector connect(String user, String password) throws IOException {
    Map<String, Object> env = user == null ? Map.of() : Map.of(JMXConnector.CREDENTIALS, new String[] {user, password});
    return JMXConnectorFactory.connect(RmiConnector.url(port), env);
  }

  /** Waits until the agent answers over remote JMX; returns its ObjectName. */
  private ObjectName awaitAgent() throws Exception {
    ObjectName agentName = new ObjectName(JmxExporter.AGENT);
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
      try (JMXConnector c = connect("controlRole", "cpw")) {
        return c.getMBeanServerConnection().isRegistered(agentName);
      }
    });
    return agentName;
  }

  @Test
  void credentialsAreChecked_andReadonlyCannotWriteOrClean() throws Exception {
    agent = bin("run", "--config", config.toString()).start();
    ObjectName agentName = awaitAgent();

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
      jmx.setAttribute(agentName, new Attribute("TargetFreeGb", 1.0));
      jmx.setAttribute(agentName, new Attribute("MinFreeGb", 0.5));
      assertThat(jmx.getAttribute(agentName, "MinFreeGb")).isEqualTo(0.5);
      assertThat((String) jmx.invoke(agentName, "runCleanupNow", null, null)).isNotBlank();
    }
  }

  @Test
  void controlRole_cannotReachTheJvmsFileWritingOrVmChangingOperations() throws Exception {
    agent = bin("run", "--config", config.toString()).start();
    ObjectName agentName = awaitAgent();
    Path victim = Files.writeString(dir.resolve("root-owned.conf"), "do not truncate");
    java.nio.file.attribute.FileTime stamp = Files.getLastModifiedTime(victim);
    Path dump = dir.resolve("heap.hprof");
    ObjectName dcmd = new ObjectName("com.sun.management:type=DiagnosticCommand");
    ObjectName hotspot = new ObjectName("com.sun.management:type=HotSpotDiagnostic");

    for (String[] user : new String[][] {{"controlRole", "cpw"}, {"monitorRole", "mpw"}}) {
      try (JMXConnector c = connect(user[0], user[1])) {
        MBeanServerConnection jmx = c.getMBeanServerConnection();
        // reading the platform MBeans stays allowed
        assertThat(jmx.getAttribute(new ObjectName("java.lang:type=Runtime"), "Uptime")).isNotNull();
        assertThatThrownBy(() -> jmx.invoke(dcmd, "vmLog", new Object[] {new String[] {"output=" + victim}},
            new String[] {String[].class.getName()})).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> jmx.invoke(hotspot, "dumpHeap", new Object[] {dump.toString(), true},
            new String[] {String.class.getName(), boolean.class.getName()})).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> jmx.invoke(hotspot, "setVMOption", new Object[] {"HeapDumpOnOutOfMemoryError",
            "true"}, new String[] {String.class.getName(), String.class.getName()}))
            .isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> jmx.setAttribute(new ObjectName("java.lang:type=Memory"),
            new Attribute("Verbose", true))).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> jmx.unregisterMBean(agentName)).isInstanceOf(SecurityException.class);
      }
    }
    assertThat(victim).hasContent("do not truncate");
    assertThat(Files.getLastModifiedTime(victim)).isEqualTo(stamp);
    assertThat(dump).doesNotExist();
  }

  @Test
  void templatePasswords_areRefusedAtStart() throws Exception {
    Files.writeString(confDir.resolve("jmxremote.password"), "monitorRole change-me-monitor\ncontrolRole cpw\n");

    Process p = bin("run", "--config", config.toString()).start();

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("agent.out"))).contains("monitorRole", "template");
  }

  @Test
  void aNonLoopbackAddressWithoutTls_isRefusedAtStart() throws Exception {
    extraEnv.put("DISKWARDEN_JMX_HOST", "0.0.0.0");

    Process p = bin("run", "--config", config.toString()).start();

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("agent.out"))).contains("0.0.0.0", "TLS", "DISKWARDEN_JMX_KEYSTORE");
  }

  @Test
  void aNonLoopbackAddressWithTls_servesAClientThatTrustsTheCertificate() throws Exception {
    Path truststore = BinAgent.tls(dir, confDir, extraEnv);

    agent = bin("run", "--config", config.toString()).start();

    // a separate JVM: the TLS trust store is read once per JVM
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Process client = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Djavax.net.ssl.trustStore=" + truststore, "-Djavax.net.ssl.trustStorePassword=trust-pass",
          "-cp", System.getProperty("java.class.path"), TlsClient.class.getName(), Integer.toString(port),
          "monitorRole", "mpw").redirectErrorStream(true).start();
      String out = new String(client.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return client.waitFor() == 0 && out.contains("State=OK");
    });
    // without TLS the same port answers nothing a plain client can use
    assertThatThrownBy(() -> connect("monitorRole", "mpw").close()).isInstanceOf(IOException.class);
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
