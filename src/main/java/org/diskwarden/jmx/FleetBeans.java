package org.diskwarden.jmx;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.MBeanServer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.Fleet;

/**
 * The MXBeans of an agent: for a config with {@code watch:}, {@code type=Agents}, and per watch
 * {@code type=Agent,watch=NAME} with its policies at {@code type=Policy,watch=NAME,name=...}; they follow
 * the watches as reloads add, change and remove them. For a config with one base_dir (a fleet of one),
 * {@code type=Agent} and {@code type=Policy,name=...}, as a single-directory agent always had.
 */
public final class FleetBeans implements Fleet.Listener, AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(FleetBeans.class);
  private final MBeanServer server;
  private final boolean listed;
  private final Map<String, JmxExporter> beans = new ConcurrentHashMap<>();
  private volatile AutoCloseable agents;

  private FleetBeans(MBeanServer server, boolean listed) {
    this.server = server;
    this.listed = listed;
  }

  /** Follows {@code fleet}'s watches in {@code server} (call before the fleet starts). */
  public static FleetBeans follow(Fleet fleet, MBeanServer server) {
    FleetBeans beans = new FleetBeans(server, fleet.listed());
    fleet.addListener(beans);
    if (!fleet.listed()) {
      return beans;
    }
    try {
      beans.agents = JmxExporter.registerAgents(fleet, server);
    } catch (IllegalStateException e) {
      LOG.warn("JMX management is not available: {}", e.getMessage());
    }
    return beans;
  }

  @Override
  public void added(String watch, DiskWarden agent) {
    try {
      beans.put(watch, JmxExporter.register(agent, server, listed ? Optional.of(watch) : Optional.empty()));
    } catch (IllegalStateException e) {
      if (listed) {
        LOG.warn("JMX management of watch {} is not available: {}", watch, e.getMessage());
      } else {
        // Management is a convenience: the agent guards the disk without it.
        LOG.warn("JMX management is not available: {}", e.getMessage());
      }
    }
  }

  @Override
  public void removed(String watch, DiskWarden agent) {
    Optional.ofNullable(beans.remove(watch)).ifPresent(JmxExporter::close);
  }

  @Override
  public void reloaded(String watch, DiskWarden agent) {
    Optional.ofNullable(beans.get(watch)).ifPresent(JmxExporter::refreshPolicies);
  }

  @Override
  public void close() {
    beans.values().forEach(JmxExporter::close);
    beans.clear();
    try {
      if (agents != null) {
        agents.close();
      }
    } catch (Exception e) {
      LOG.warn("Cannot unregister the Agents bean: {}", e.toString());
    }
  }
}
