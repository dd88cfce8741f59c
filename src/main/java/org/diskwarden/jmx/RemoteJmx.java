package org.diskwarden.jmx;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The agent's own remote JMX connector, instead of the JDK's {@code -Dcom.sun.management.jmxremote.*}
 * agent: RMI registry and connector server on one port bound to one address, passwords checked by the
 * JDK's file authenticator, and every call authorized per role by a {@link RoleForwarder}. A
 * non-loopback address needs TLS (a keystore) unless explicitly made insecure; template passwords are
 * refused. bin/diskwarden passes the settings as {@code -Ddiskwarden.jmx.*} properties from the
 * {@code DISKWARDEN_JMX_*} variables.
 */
public final class RemoteJmx implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(RemoteJmx.class);
  private static final Set<String> TEMPLATE_PASSWORDS = Set.of("change-me-monitor", "change-me-control",
      "change-me-admin");

  /**
   * Remote JMX as configured.
   *
   * @param port registry and connector port
   * @param host the address to bind (127.0.0.1 unless set)
   * @param auth password authentication (off only for local testing)
   * @param passwordFile {@code role password} lines, readable by its owner only
   * @param accessFile {@code role readonly|readwrite|admin} lines
   * @param keystore a PKCS12/JKS keystore for TLS; its password is read from {@code keystorePasswordFile}
   * @param insecure allow a plain connector on a non-loopback address
   */
  public record Settings(int port, String host, boolean auth, Path passwordFile, Path accessFile,
      Optional<Path> keystore, Optional<Path> keystorePasswordFile, boolean insecure) {}

  private final Registry registry;
  private final JMXConnectorServer server;

  private RemoteJmx(Registry registry, JMXConnectorServer server) {
    this.registry = registry;
    this.server = server;
  }

  /** The settings bin/diskwarden passed, or empty when remote JMX is off (no port). */
  public static Optional<Settings> fromSystemProperties() {
    String port = System.getProperty("diskwarden.jmx.port");
    if (port == null || port.isBlank()) {
      return Optional.empty();
    }
    int p;
    try {
      p = Integer.parseInt(port.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("DISKWARDEN_JMX_PORT value was set to '" + port + "', must be a port 1-65535");
    }
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("DISKWARDEN_JMX_PORT value was set to '" + port + "', must be a port 1-65535");
    }
    return Optional.of(new Settings(p, System.getProperty("diskwarden.jmx.host", "127.0.0.1"),
        !"false".equals(System.getProperty("diskwarden.jmx.auth", "true")),
        Path.of(System.getProperty("diskwarden.jmx.password.file", "conf/jmxremote.password")),
        Path.of(System.getProperty("diskwarden.jmx.access.file", "conf/jmxremote.access")),
        Optional.ofNullable(System.getProperty("diskwarden.jmx.keystore")).filter(s -> !s.isBlank()).map(Path::of),
        Optional.ofNullable(System.getProperty("diskwarden.jmx.keystore.password.file")).filter(s -> !s.isBlank())
            .map(Path::of),
        "true".equals(System.getProperty("diskwarden.jmx.insecure", "false"))));
  }

  /** Remote JMX whose settings passed {@link #check}: ready to start once the agent runs. */
  public static final class Checked {
    private final Settings settings;
    private final Map<String, RoleForwarder.Access> roles;

    private Checked(Settings settings, Map<String, RoleForwarder.Access> roles) {
      this.settings = settings;
      this.roles = Map.copyOf(roles);
    }

    /**
     * Starts the connector over {@code mbeans}.
     *
     * @throws IOException when the port cannot be bound or TLS cannot be set up
     */
    public RemoteJmx start(MBeanServer mbeans) throws IOException {
      return RemoteJmx.start(settings, roles, mbeans);
    }
  }

  /**
   * Checks everything that can be checked before the agent starts: the address, TLS, the files,
   * their modes, roles and template passwords.
   *
   * @throws IllegalArgumentException naming what is wrong and how to fix it
   */
  public static Checked check(Settings s) {
    return new Checked(s, roles(s));
  }

  private static Map<String, RoleForwarder.Access> roles(Settings s) {
    InetAddress address;
    try {
      address = InetAddress.getByName(s.host());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("DISKWARDEN_JMX_HOST value was set to '" + s.host() + "', which does not resolve");
    }
    if (!address.isLoopbackAddress() && s.keystore().isEmpty() && !s.insecure()) {
      throw new IllegalArgumentException("DISKWARDEN_JMX_HOST " + s.host() + " is not a loopback address: remote JMX "
          + "there needs TLS (DISKWARDEN_JMX_KEYSTORE and DISKWARDEN_JMX_KEYSTORE_PASSWORD_FILE, see "
          + "conf/diskwarden-env.sh), or DISKWARDEN_JMX_INSECURE=true to send passwords in the clear on purpose");
    }
    if (s.keystore().isPresent() && s.keystorePasswordFile().isEmpty()) {
      throw new IllegalArgumentException("DISKWARDEN_JMX_KEYSTORE is set but DISKWARDEN_JMX_KEYSTORE_PASSWORD_FILE is not: "
          + "name a file (chmod 600) holding the keystore's password");
    }
    s.keystorePasswordFile().ifPresent(f -> ownerOnly(f, "DISKWARDEN_JMX_KEYSTORE_PASSWORD_FILE"));
    Map<String, RoleForwarder.Access> roles = new LinkedHashMap<>();
    if (!s.auth()) {
      return roles;
    }
    ownerOnly(s.passwordFile(), "the JMX password file");
    for (String[] line : lines(s.passwordFile())) {
      if (line.length >= 2 && TEMPLATE_PASSWORDS.contains(line[1])) {
        throw new IllegalArgumentException(s.passwordFile() + ": the password of " + line[0] + " is still the "
            + "template's (" + line[1] + "); set a password of your own");
      }
    }
    for (String[] line : lines(s.accessFile())) {
      if (line.length != 2) {
        throw new IllegalArgumentException(s.accessFile() + ": '" + String.join(" ", line)
            + "' must be '<role> readonly|readwrite|admin'");
      }
      try {
        roles.put(line[0], RoleForwarder.Access.fromKey(line[1]));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(s.accessFile() + ": role " + line[0] + ": " + e.getMessage(), e);
      }
    }
    return roles;
  }

  private static void ownerOnly(Path file, String what) {
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      mode.removeAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      if (!mode.isEmpty()) {
        throw new IllegalArgumentException(what + " " + file + " is readable by others; chmod 600 " + file);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e.getMessage());
    }
  }

  private static List<String[]> lines(Path file) {
    try {
      List<String[]> out = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          out.add(t.split("\\s+"));
        }
      }
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage());
    }
  }

  private static RemoteJmx start(Settings s, Map<String, RoleForwarder.Access> roles, MBeanServer mbeans)
      throws IOException {
    InetAddress address = InetAddress.getByName(s.host());
    if (!address.isAnyLocalAddress()) {
      // The stubs handed to clients name this address, not whatever the host name resolves to.
      System.setProperty("java.rmi.server.hostname", s.host());
    }
    RMIClientSocketFactory client = null;
    Bound serverSockets;
    if (s.keystore().isPresent()) {
      client = new SslRMIClientSocketFactory();
      serverSockets = new Bound(address, sslContext(s).getServerSocketFactory());
    } else {
      serverSockets = new Bound(address, javax.net.ServerSocketFactory.getDefault());
    }
    Registry registry = LocateRegistry.createRegistry(s.port(), client, serverSockets);
    Map<String, Object> env = new HashMap<>();
    if (s.auth()) {
      // The JDK's own file authenticator: plain or hashed lines, as the jmxremote agent reads them.
      env.put("jmx.remote.x.password.file", s.passwordFile().toAbsolutePath().toString());
    }
    // As the JDK's own agent does: the connector exported on the registry's port with the same socket
    // factories, its stub bound into the registry object here (no JNDI round trip over TLS to ourselves).
    RMIJRMPServerImpl exported = new RMIJRMPServerImpl(s.port(), client, serverSockets, env);
    JMXConnectorServer server;
    try {
      server = new RMIConnectorServer(new JMXServiceURL("service:jmx:rmi://" + s.host() + ":" + s.port()), env,
          exported, mbeans);
      server.setMBeanServerForwarder(RoleForwarder.of(roles,
          s.auth() ? RoleForwarder.Access.READONLY : RoleForwarder.Access.READWRITE));
      server.start();
      registry.bind("jmxrmi", exported.toStub());
    } catch (IOException | RuntimeException | java.rmi.AlreadyBoundException e) {
      UnicastRemoteObject.unexportObject(registry, true);
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
    LOG.info("Remote JMX on {}:{} ({}{})", s.host(), s.port(), s.keystore().isPresent() ? "TLS" : "no TLS",
        s.auth() ? ", password authentication, roles " + roles : ", NO authentication (testing only)");
    return new RemoteJmx(registry, server);
  }

  private static SSLContext sslContext(Settings s) throws IOException {
    char[] password = Files.readString(s.keystorePasswordFile().orElseThrow(), StandardCharsets.UTF_8).strip()
        .toCharArray();
    try (InputStream in = Files.newInputStream(s.keystore().orElseThrow())) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(in, password);
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use the keystore " + s.keystore().get() + ": " + e.getMessage(), e);
    } finally {
      java.util.Arrays.fill(password, '\0');
    }
  }

  /** Server sockets on one address; equal instances share one port between registry and connector. */
  private static final class Bound implements RMIServerSocketFactory {
    private final InetAddress address;
    private final javax.net.ServerSocketFactory sockets;

    Bound(InetAddress address, javax.net.ServerSocketFactory sockets) {
      this.address = address;
      this.sockets = sockets;
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return sockets.createServerSocket(port, 0, address);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bound b && b.address.equals(address) && b.sockets == sockets;
    }

    @Override
    public int hashCode() {
      return Objects.hash(address, System.identityHashCode(sockets));
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      LOG.warn("Stopping remote JMX: {}", e.getMessage());
    }
    try {
      UnicastRemoteObject.unexportObject(registry, true);
    } catch (NoSuchObjectException e) {
      // already gone
    }
  }
}
