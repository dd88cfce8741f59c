package org.diskwarden.jmx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The agent as bin/diskwarden starts it with remote JMX on: conf/ with the README's password and
 * access files (monitorRole mpw, controlRole cpw), a free port, optionally TLS with a fresh keystore.
 */
final class BinAgent implements AutoCloseable {
  final Path dir;
  final Path confDir;
  final int port;
  final Map<String, String> env = new HashMap<>();
  private Process process;

  BinAgent(Path dir) throws IOException {
    this.dir = dir;
    this.confDir = Files.createDirectories(dir.resolve("conf"));
    Path pw = Files.writeString(confDir.resolve("jmxremote.password"), "monitorRole mpw\ncontrolRole cpw\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(confDir.resolve("jmxremote.access"), "monitorRole readonly\ncontrolRole readwrite\n");
    port = RmiConnector.freePort();
  }

  /** Serves TLS on 0.0.0.0 with a new self-signed certificate; returns the client's trust store (password trust-pass). */
  Path withTls() throws Exception {
    return tls(dir, confDir, env);
  }

  /** A keystore in {@code dir}, its password file in {@code confDir}, the variables in {@code env}; returns the trust store. */
  static Path tls(Path dir, Path confDir, Map<String, String> env) throws Exception {
    Path keystore = dir.resolve("jmx.p12");
    Path truststore = dir.resolve("trust.p12");
    Path cert = dir.resolve("jmx.crt");
    keytool("-genkeypair", "-alias", "jmx", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass", "s3cret-store");
    keytool("-exportcert", "-alias", "jmx", "-keystore", keystore.toString(), "-storepass", "s3cret-store",
        "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "jmx", "-file", cert.toString(), "-keystore",
        truststore.toString(), "-storetype", "PKCS12", "-storepass", "trust-pass");
    Path pass = Files.writeString(confDir.resolve("keystore.pass"), "s3cret-store\n");
    Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
    env.put("DISKWARDEN_JMX_HOST", "0.0.0.0");
    env.put("DISKWARDEN_JMX_KEYSTORE", keystore.toString());
    env.put("DISKWARDEN_JMX_KEYSTORE_PASSWORD_FILE", pass.toString());
    return truststore;
  }

  /** {@code bin/diskwarden run --config CONFIG} in the background. */
  BinAgent run(Path config) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(Path.of("bin/diskwarden").toAbsolutePath().toString(), "run", "--config",
        config.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("agent.out").toFile());
    pb.environment().put("DISKWARDEN_CONF_DIR", confDir.toString());
    pb.environment().put("DISKWARDEN_JMX_PORT", Integer.toString(port));
    pb.environment().put("DISKWARDEN_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().put("DISKWARDEN_LOG_DIR", dir.resolve("logs").toString());
    pb.environment().putAll(env);
    process = pb.start();
    return this;
  }

  String output() throws IOException {
    return Files.readString(dir.resolve("agent.out"));
  }

  static void keytool(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
