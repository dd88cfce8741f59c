package org.diskwarden.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.diskwarden.Configs;
import org.diskwarden.Shell;
import org.diskwarden.Tree;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets planted where operators put them (a Slack-style webhook path, URL userinfo, a header
 * value, a header from the environment, the SMTP password) appear in no command's output, no log
 * file, no audit line and no run-dir file, whatever bin/diskwarden is asked.
 */
class SecretsIT {
  @TempDir
  Path dir;

  Receiver hooks;
  Shell shell;
  final String bin = Path.of("bin/diskwarden").toAbsolutePath().toString();

  @AfterEach
  void tearDown() throws Exception {
    if (shell != null) {
      shell.run(bin, "stop");
    }
    if (hooks != null) {
      hooks.close();
    }
  }

  @Test
  void plantedSecrets_appearInNoOutputLogAuditOrStateFile() throws Exception {
    hooks = new Receiver();
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Path base = Files.createDirectory(dir.resolve("base"));
    new Tree(base).version("models/versions/v001", 100, Tree.days(9));
    new Tree(base).version("models/versions/v002", 100, Tree.days(8));
    new Tree(base).version("models/versions/v003", 100, Tree.days(7));
    String hook = hooks.url("/services/T000/B000/s3cr3t-path").replace("http://", "http://user:s3cr3t-userinfo@");
    Path conf = Files.writeString(dir.resolve("d.yml"), Configs.incident(base, "1000TB", "1000TB", "full") + """
        notify:
          templates: %s
          retries: 1
          email:
            host: 127.0.0.1
            port: %d
            username: alerts
            password_env: SMTP_PW
            from: diskwarden@example.com
            to: [oncall@example.com]
            timeout: 2s
          webhooks:
            - url: %s
              headers:
                Authorization: Bearer s3cr3t-header
                X-Token: ${HOOK_TOKEN}
        """.formatted(Path.of("notifications").toAbsolutePath(), closed, hook));
    Path logs = dir.resolve("logs");
    Path run = dir.resolve("run");
    int jmxPort;
    try (ServerSocket s = new ServerSocket(0)) {
      jmxPort = s.getLocalPort();
    }
    shell = new Shell().env("DISKWARDEN_RUN_DIR", run.toString()).env("DISKWARDEN_LOG_DIR", logs.toString())
        .env("SMTP_PW", "s3cr3t-smtp").env("HOOK_TOKEN", "s3cr3t-env").cwd(dir)
        .env("DISKWARDEN_JMX_PORT", Integer.toString(jmxPort)).env("DISKWARDEN_JMX_AUTH", "false");
    List<Shell.Result> results = new ArrayList<>();
    results.add(shell.run(bin, "notify-test", "--config", conf.toString()));
    results.add(shell.run(bin, "check", "--config", conf.toString()));
    results.add(shell.run(bin, "plan", "--config", conf.toString()));
    results.add(shell.run(bin, "clean", "--force", "--config", conf.toString()));
    results.add(shell.run(bin, "start", "--config", conf.toString()));
    results.add(shell.run(bin, "status"));
    StringBuilder jmx = new StringBuilder();
    try (javax.management.remote.JMXConnector c = javax.management.remote.JMXConnectorFactory.connect(
        new javax.management.remote.JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"))) {
      javax.management.MBeanServerConnection server = c.getMBeanServerConnection();
      for (javax.management.ObjectName name : server.queryNames(new javax.management.ObjectName("org.diskwarden:*"),
          null)) {
        for (javax.management.MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
          Object value = server.getAttribute(name, a.getName());
          jmx.append(name).append(' ').append(a.getName()).append('=')
              .append(value instanceof Object[] array ? java.util.Arrays.deepToString(array) : value).append('\n');
        }
      }
    }
    assertThat(jmx).contains("State=");
    assertThat(jmx.toString()).doesNotContain("s3cr3t");
    results.add(shell.run(bin, "stop"));

    // the secrets did travel: otherwise the test proves nothing
    assertThat(hooks.at("/services/T000/B000/s3cr3t-path")).isNotEmpty()
        .allSatisfy(r -> assertThat(r.header("X-Token")).isEqualTo("s3cr3t-env"));
    assertThat(results.get(3).output()).contains("v001");
    for (Shell.Result r : results) {
      assertThat(r.output()).doesNotContain("s3cr3t");
    }
    List<Path> files = new ArrayList<>();
    for (Path d : List.of(logs, run)) {
      try (Stream<Path> s = Files.walk(d)) {
        s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(files::add);
      }
    }
    assertThat(files).extracting(p -> p.getFileName().toString()).contains("diskwarden.log", "audit.jsonl");
    for (Path f : files) {
      assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
          .doesNotContain("s3cr3t");
    }
  }
}
