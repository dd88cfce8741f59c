package org.diskwarden.jmx;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.AttributeChangeNotification;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.agent.Agent;
import org.diskwarden.agent.Fleet;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.notify.Event;
import org.diskwarden.notify.Notifier;

/**
 * Registers the agent MXBean ({@code org.diskwarden:type=Agent}) and one MXBean per policy
 * ({@code org.diskwarden:type=Policy,name=<name>}), and turns the agent's events into JMX notifications.
 */
public final class JmxExporter implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(JmxExporter.class);
  public static final String AGENT = "org.diskwarden:type=Agent";
  public static final String CLEANUP = "org.diskwarden.cleanup";
  public static final String CRITICAL = "org.diskwarden.critical";
  public static final String RECOVERED = "org.diskwarden.recovered";
  public static final String FAILURE = "org.diskwarden.failure";

  private final Agent warden;
  private final MBeanServer server;
  private final Optional<String> watch;
  private final ObjectName agentName;
  private final NotificationBroadcasterSupport emitter;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, ObjectName> policies = new LinkedHashMap<>();
  private final Notifier notifier = this::publish;

  private JmxExporter(Agent warden, MBeanServer server, Optional<String> watch) {
    this.warden = warden;
    this.server = server;
    this.watch = watch;
    this.agentName = agentName(watch);
    this.emitter = new NotificationBroadcasterSupport(
        new MBeanNotificationInfo(new String[] {AttributeChangeNotification.ATTRIBUTE_CHANGE},
            AttributeChangeNotification.class.getName(), "A JMX write changed a setting (old and new value)"),
        new MBeanNotificationInfo(new String[] {CLEANUP}, Notification.class.getName(),
            "A sweep ended; user data is the LastCleanup CompositeData plus holding (what still holds the space)"),
        new MBeanNotificationInfo(new String[] {CRITICAL}, Notification.class.getName(),
            "The state became CRITICAL: the policies cannot bring free space back above the trigger; user data "
                + "is holding (the largest places, why each stays, the rest)"),
        new MBeanNotificationInfo(new String[] {RECOVERED}, Notification.class.getName(),
            "Free space is back at or above the trigger"),
        new MBeanNotificationInfo(new String[] {FAILURE}, Notification.class.getName(),
            "A removal, check, git gc or config reload failed"));
  }

  /** The ObjectName of a policy's MXBean. */
  public static ObjectName policyName(String policy) {
    return name("org.diskwarden:type=Policy,name=" + policy);
  }

  /** The name of the bean listing the watches of one agent ({@code watch:}). */
  public static final String AGENTS = "org.diskwarden:type=Agents";

  /**
   * Registers {@value #AGENTS} for {@code fleet}; close the returned handle to unregister it.
   *
   * @throws IllegalStateException when it cannot be registered
   */
  public static AutoCloseable registerAgents(Fleet fleet, MBeanServer server) {
    ObjectName name = name(AGENTS);
    try {
      server.registerMBean(new DescribedMBean<>(new AgentsControl(fleet), AgentsMXBean.class, true,
          new NotificationBroadcasterSupport()), name);
    } catch (JMException e) {
      throw new IllegalStateException("cannot register " + AGENTS + ": " + e.getMessage(), e);
    }
    return () -> {
      try {
        server.unregisterMBean(name);
      } catch (JMException e) {
        LOG.warn("Cannot unregister {}: {}", name, e.getMessage());
      }
    };
  }

  /** The ObjectName of the agent MXBean of {@code watch} (one of several), or of the one agent. */
  public static ObjectName agentName(Optional<String> watch) {
    return name(watch.map(w -> AGENT + ",watch=" + w).orElse(AGENT));
  }

  /** The ObjectName of a policy's MXBean in {@code watch} (one of several), or of the one agent. */
  public static ObjectName policyName(Optional<String> watch, String policy) {
    return watch.map(w -> name("org.diskwarden:type=Policy,watch=" + w + ",name=" + policy))
        .orElseGet(() -> policyName(policy));
  }

  private static ObjectName name(String text) {
    try {
      return new ObjectName(text);
    } catch (MalformedObjectNameException e) {
      throw new IllegalArgumentException("not an ObjectName: " + text, e);
    }
  }

  /**
   * Registers the agent's MXBeans in {@code server}.
   *
   * @throws IllegalStateException when another agent in this JVM already registered them
   */
  public static JmxExporter register(Agent warden, MBeanServer server) {
    return register(warden, server, Optional.empty());
  }

  /**
   * Registers the MXBeans of one watch of several ({@code type=Agent,watch=NAME} and its policies), or
   * of the one agent when {@code watch} is empty.
   *
   * @throws IllegalStateException when they are registered already
   */
  public static JmxExporter register(Agent warden, MBeanServer server, Optional<String> watch) {
    JmxExporter exporter = new JmxExporter(warden, server, watch);
    AgentControl agent = new AgentControl(warden,
        new Announcer(exporter.emitter, exporter.agentName, exporter.sequence), exporter::refreshPolicies);
    try {
      server.registerMBean(new DescribedMBean<>(agent, DiskWardenMXBean.class, false, exporter.emitter), exporter.agentName);
    } catch (InstanceAlreadyExistsException e) {
      throw new IllegalStateException("an MBean named " + exporter.agentName + " is already registered in this JVM: "
          + "is another diskwarden agent running here? One agent per JVM can be managed over JMX", e);
    } catch (JMException e) {
      throw new IllegalStateException("cannot register " + exporter.agentName + ": " + e.getMessage(), e);
    }
    exporter.refreshPolicies();
    warden.addNotifier(exporter.notifier);
    return exporter;
  }

  /** Registers an MXBean for every configured policy and unregisters those no longer configured. */
  public synchronized void refreshPolicies() {
    Set<String> configured = warden.status().config().policies().stream().map(PolicyConfig::name)
        .collect(java.util.stream.Collectors.toSet());
    policies.keySet().removeIf(p -> {
      if (!configured.contains(p)) {
        unregister(policies.get(p));
        return true;
      }
      return false;
    });
    for (String p : configured) {
      if (policies.containsKey(p)) {
        continue;
      }
      ObjectName name = policyName(watch, p);
      NotificationBroadcasterSupport policyEmitter = new NotificationBroadcasterSupport(new MBeanNotificationInfo(
          new String[] {AttributeChangeNotification.ATTRIBUTE_CHANGE}, AttributeChangeNotification.class.getName(),
          "A JMX write changed a setting of the policy (old and new value)"));
      try {
        server.registerMBean(new DescribedMBean<>(new PolicyControl(warden, p,
            new Announcer(policyEmitter, name, sequence)),
            PolicyMXBean.class, true, policyEmitter), name);
        policies.put(p, name);
      } catch (JMException e) {
        LOG.warn("Cannot register {}: {}", name, e.getMessage());
      }
    }
  }

  private void publish(Event event) {
    String type = switch (event.type()) {
      case CLEANUP -> CLEANUP;
      case CRITICAL -> CRITICAL;
      case RECOVERED -> RECOVERED;
      case FAILURE -> FAILURE;
      default -> null;
    };
    if (type == null) {
      return;
    }
    Notification n = new Notification(type, agentName, sequence.incrementAndGet(), event.time().toEpochMilli(),
        event.message());
    if (event.type() == org.diskwarden.config.EventType.CRITICAL) {
      n.setUserData(HoldingData.holding(event));
    } else if (event.type() == org.diskwarden.config.EventType.CLEANUP) {
      event.report().map(r -> HoldingData.cleanup(r, event)).ifPresent(n::setUserData);
    } else {
      event.report().map(OpenData::cleanup).ifPresent(n::setUserData);
    }
    emitter.sendNotification(n);
  }

  private void unregister(ObjectName name) {
    try {
      server.unregisterMBean(name);
    } catch (JMException e) {
      LOG.warn("Cannot unregister {}: {}", name, e.getMessage());
    }
  }

  /** Unregisters every MXBean and stops turning events into notifications. */
  @Override
  public synchronized void close() {
    warden.removeNotifier(notifier);
    policies.values().forEach(this::unregister);
    policies.clear();
    unregister(agentName);
  }
}
