package org.diskwarden.jmx;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;

/** A JMX connector server over RMI on localhost, and a client connected to it as JConsole connects. */
final class RmiConnector implements AutoCloseable {
  private final Registry registry;
  private final JMXConnectorServer server;
  private final JMXConnector client;

  private RmiConnector(Registry registry, JMXConnectorServer server, JMXConnector client) {
    this.registry = registry;
    this.server = server;
    this.client = client;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static JMXServiceURL url(int port) throws IOException {
    return new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
  }

  static RmiConnector open() throws IOException {
    int port = freePort();
    System.setProperty("java.rmi.server.hostname", "127.0.0.1");
    Registry registry = LocateRegistry.createRegistry(port);
    JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(url(port), Map.of(),
        ManagementFactory.getPlatformMBeanServer());
    server.start();
    return new RmiConnector(registry, server, JMXConnectorFactory.connect(url(port)));
  }

  MBeanServerConnection connection() throws IOException {
    return client.getMBeanServerConnection();
  }

  @Override
  public void close() throws IOException {
    client.close();
    server.stop();
    UnicastRemoteObject.unexportObject(registry, true);
  }
}
