package org.diskwarden.jmx;

import java.util.Map;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.rmi.ssl.SslRMIClientSocketFactory;

/**
 * A JMX client over TLS as JConsole is one ({@code -Djavax.net.ssl.trustStore=...}), run in a JVM of
 * its own by RemoteAuthTest: {@code TlsClient PORT USER PASSWORD} prints {@code State=...}.
 */
public final class TlsClient {
  private TlsClient() {}

  public static void main(String[] args) throws Exception {
    JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + args[0] + "/jmxrmi");
    Map<String, Object> env = Map.of(JMXConnector.CREDENTIALS, new String[] {args[1], args[2]},
        "com.sun.jndi.rmi.factory.socket", new SslRMIClientSocketFactory());
    try (JMXConnector c = JMXConnectorFactory.connect(url, env)) {
      System.out.println("State=" + c.getMBeanServerConnection().getAttribute(
          new ObjectName("org.diskwarden:type=Agent"), "State"));
    }
  }
}
