package org.diskwarden.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.rmi.NotBoundException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.management.Attribute;
import javax.management.AttributeChangeNotification;
import javax.management.AttributeList;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerDelegate;
import javax.management.Notification;
import javax.management.NotificationBroadcaster;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.rmi.RMIConnector;
import javax.management.remote.rmi.RMIServer;
import javax.rmi.ssl.SslRMIClientSocketFactory;

/**
 * Replays what JConsole does against a remote process typed as {@code host:port} in its New
 * Connection dialog, call for call, mirroring the JDK's {@code jdk.jconsole} module:
 * {@code sun.tools.jconsole.ProxyClient} ({@code checkSslConfig}: registry over TLS first, plain
 * second; {@code tryConnect}: credentials in the environment, {@code new RMIConnector(stub, null)},
 * then {@code isRegistered} of Threading and HotSpotDiagnostic, Threading's operations, Compilation,
 * a RuntimeMXBean proxy; {@code getMBeans(null)}: {@code queryNames(null, null)} and
 * {@code getMBeanInfo} of each), {@code MBeansTab} (a listener on the MBean server delegate),
 * {@code XMBeanNotifications} (subscribe to a broadcaster, unsubscribe) and the Overview, Memory,
 * Threads, Classes and VM Summary tabs ({@code getAttributes} of the figures they chart).
 * Run in a JVM of its own for TLS (the trust store is read once per JVM):
 * {@code ConsoleSession PORT USER PASSWORD READWRITE} prints {@code replayed}.
 */
public final class ConsoleSession {
  private static final Map<String, String[]> CHARTED = Map.of(
      "java.lang:type=Memory", new String[] {"HeapMemoryUsage", "NonHeapMemoryUsage", "ObjectPendingFinalizationCount"},
      "java.lang:type=Threading", new String[] {"ThreadCount", "PeakThreadCount", "DaemonThreadCount",
          "TotalStartedThreadCount", "AllThreadIds"},
      "java.lang:type=ClassLoading", new String[] {"LoadedClassCount", "UnloadedClassCount", "TotalLoadedClassCount"},
      "java.lang:type=OperatingSystem", new String[] {"ProcessCpuTime", "ProcessCpuLoad", "AvailableProcessors",
          "CommittedVirtualMemorySize", "TotalPhysicalMemorySize", "FreePhysicalMemorySize", "Name", "Arch",
          "Version"},
      "java.lang:type=Runtime", new String[] {"Uptime", "VmName", "VmVendor", "VmVersion", "InputArguments",
          "ClassPath", "LibraryPath", "BootClassPathSupported", "SystemProperties"},
      "java.lang:type=Compilation", new String[] {"Name", "TotalCompilationTime"});

  private ConsoleSession() {}

  public static void main(String[] args) throws Exception {
    try (JMXConnector c = connect("127.0.0.1", Integer.parseInt(args[0]), args[1], args[2])) {
      replay(c.getMBeanServerConnection(), Boolean.parseBoolean(args[3]));
    }
    System.out.println("replayed");
  }

  /** As ProxyClient.checkSslConfig and tryConnect: the registry over TLS, else plain; then the stub itself. */
  static JMXConnector connect(String host, int port, String user, String password) throws IOException {
    RMIServer stub;
    try {
      stub = lookup(LocateRegistry.getRegistry(host, port, new SslRMIClientSocketFactory()));
    } catch (IOException e) {
      stub = lookup(LocateRegistry.getRegistry(host, port));
    }
    Map<String, Object> env = new HashMap<>();
    if (user != null) {
      env.put(JMXConnector.CREDENTIALS, new String[] {user, password});
    }
    RMIConnector connector = new RMIConnector(stub, null);
    connector.connect(env);
    return connector;
  }

  private static RMIServer lookup(Registry registry) throws IOException {
    try {
      return (RMIServer) registry.lookup("jmxrmi");
    } catch (NotBoundException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * One console session on {@code mbsc}: everything a console reads and subscribes to works; a
   * read-only role's writes are refused, a read-write role's writes in org.diskwarden go through and
   * are announced to the subscribed console.
   */
  static void replay(MBeanServerConnection mbsc, boolean readWrite) throws Exception {
    ObjectName threading = new ObjectName(ManagementFactory.THREAD_MXBEAN_NAME);
    assertThat(mbsc.isRegistered(threading)).isTrue();
    mbsc.isRegistered(new ObjectName("com.sun.management:type=HotSpotDiagnostic"));
    assertThat(mbsc.getMBeanInfo(threading).getOperations()).isNotEmpty();
    mbsc.isRegistered(new ObjectName(ManagementFactory.COMPILATION_MXBEAN_NAME));
    RuntimeMXBean runtime = ManagementFactory.newPlatformMXBeanProxy(mbsc, ManagementFactory.RUNTIME_MXBEAN_NAME,
        RuntimeMXBean.class);
    assertThat(runtime.getUptime()).isPositive();

    Queue events = new Queue();
    mbsc.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, events, null, null);
    Set<ObjectName> names = mbsc.queryNames(null, null);
    assertThat(names).contains(threading, MBeanServerDelegate.DELEGATE_NAME);
    List<ObjectName> ours = new ArrayList<>();
    for (ObjectName name : names) {
      assertThat(mbsc.getMBeanInfo(name)).as(name.toString()).isNotNull();
      if (name.getDomain().equals(RoleForwarder.DOMAIN)
          && mbsc.isInstanceOf(name, NotificationBroadcaster.class.getName())) {
        ours.add(name);
      }
    }
    assertThat(ours).isNotEmpty();
    readCharts(mbsc, names);

    for (ObjectName name : ours) {
      mbsc.addNotificationListener(name, events, null, null);
    }
    List<ObjectName> agents = ours.stream().filter(n -> "Agent".equals(n.getKeyProperty("type"))).toList();
    assertThat(agents).isNotEmpty();
    for (ObjectName agent : agents) {
      Attribute dryRun = new Attribute("DryRun", true);
      if (readWrite) {
        mbsc.setAttribute(agent, dryRun);
        await().atMost(Duration.ofSeconds(30)).until(() -> events.received.stream().anyMatch(
            n -> n instanceof AttributeChangeNotification a && agent.equals(a.getSource())
                && "DryRun".equals(a.getAttributeName())));
        assertThat((String) mbsc.invoke(agent, "checkNow", null, null)).isNotBlank();
      } else {
        assertThatThrownBy(() -> mbsc.setAttribute(agent, dryRun)).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> mbsc.invoke(agent, "checkNow", null, null)).isInstanceOf(SecurityException.class);
      }
    }
    for (ObjectName name : ours) {
      mbsc.removeNotificationListener(name, events, null, null);
    }
    mbsc.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, events, null, null);
  }

  /** The figures the Overview, Memory, Threads, Classes and VM Summary tabs chart, as they poll them. */
  private static void readCharts(MBeanServerConnection mbsc, Set<ObjectName> names) throws Exception {
    for (Map.Entry<String, String[]> e : CHARTED.entrySet()) {
      AttributeList values = mbsc.getAttributes(new ObjectName(e.getKey()), e.getValue());
      assertThat(values.asList()).as(e.getKey()).hasSize(e.getValue().length);
    }
    List<ObjectName> collectors = names.stream().filter(n -> n.getDomain().equals("java.lang")
        && "GarbageCollector".equals(n.getKeyProperty("type"))).toList();
    assertThat(collectors).isNotEmpty();
    for (ObjectName gc : collectors) {
      assertThat(mbsc.getAttributes(gc, new String[] {"CollectionCount", "CollectionTime"}).asList()).hasSize(2);
    }
    for (ObjectName pool : mbsc.queryNames(new ObjectName("java.lang:type=MemoryPool,*"), null)) {
      mbsc.getAttributes(pool, new String[] {"Usage", "PeakUsage", "CollectionUsage"});
    }
  }

  /** What a console's notification tab holds. */
  static final class Queue implements NotificationListener {
    final ConcurrentLinkedQueue<Notification> received = new ConcurrentLinkedQueue<>();

    @Override
    public void handleNotification(Notification n, Object handback) {
      received.add(n);
    }
  }
}
