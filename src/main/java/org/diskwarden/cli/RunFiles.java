package org.diskwarden.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.Fleet;
import org.diskwarden.agent.RunDir;

/**
 * What the running agent keeps in the run directory for bin/diskwarden, per watch as the fleet starts
 * and stops them: the alerts' memory, check's answer and the status lines. The one watch of a config
 * with one base_dir writes {@code alerts.state}, {@code check.state} and its line without a name;
 * watches of {@code watch:} write {@code alerts-NAME.state}, {@code check-NAME.state} and "NAME: line".
 */
final class RunFiles implements Fleet.Listener {
  private final RunDir runDir;
  private final boolean listed;
  private final Map<String, String> states = new LinkedHashMap<>();

  RunFiles(RunDir runDir, boolean listed) {
    this.runDir = runDir;
    this.listed = listed;
  }

  @Override
  public void added(String watch, DiskWarden agent) {
    String named = listed ? watch : "";
    agent.rememberAlertsIn(runDir.alertMemory(named, agent.status().config().baseDir()));
    agent.onCheck(answer -> runDir.writeCheck(named, answer));
    agent.onStatus(line -> {
      synchronized (states) {
        states.put(watch, listed ? watch + ": " + line : line);
        runDir.writeState(String.join("\n", states.values()));
      }
    });
  }

  @Override
  public void removed(String watch, DiskWarden agent) {
    if (!listed) {
      return; // the one watch stops with the agent: its last line stays, as bin/diskwarden status shows it
    }
    synchronized (states) {
      states.remove(watch);
      runDir.writeState(String.join("\n", states.values()));
    }
  }
}
