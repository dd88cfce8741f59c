package org.diskwarden.jmx;

import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.Fleet;
import org.diskwarden.volume.StatusLine;

/** The {@code type=Agents} bean over the agent's watches. */
final class AgentsControl implements AgentsMXBean {
  private static final Logger LOG = LogManager.getLogger(AgentsControl.class);
  private final Fleet fleet;

  AgentsControl(Fleet fleet) {
    this.fleet = fleet;
  }

  @Override
  public String[] getWatches() {
    return fleet.names().toArray(String[]::new);
  }

  @Override
  public String[] getStates() {
    List<String> lines = fleet.agents().entrySet().stream().map(e -> {
      var s = e.getValue().status();
      return e.getKey() + ": " + StatusLine.format(s.state(), s.lastUsage().orElseGet(s::usage), s.thresholds(),
          s.forecast());
    }).toList();
    return lines.toArray(String[]::new);
  }

  @Override
  public String runCleanupNow(String watch) {
    DiskWarden agent = fleet.agent(watch).orElseThrow(() -> new IllegalArgumentException(
        "watch value was set to '" + watch + "', must be one of " + fleet.names()));
    LOG.info("JMX: runCleanupNow of watch {}", watch);
    return watch + ": " + AgentControl.describe(agent.cleanNow());
  }
}
