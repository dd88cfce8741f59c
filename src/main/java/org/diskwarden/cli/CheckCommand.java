package org.diskwarden.cli;

import java.io.PrintWriter;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.volume.State;
import org.diskwarden.volume.StatusLine;
import picocli.CommandLine.Command;

@Command(name = "check", mixinStandardHelpOptions = true,
    description = "One check, one line; exit 0 OK, 1 LOW, 2 CRITICAL, 3 UNKNOWN (the Nagios plugin convention).")
final class CheckCommand extends ConfiguredCommand {
  @Override
  int call(DiskWarden warden, PrintWriter out) {
    State state = warden.assess();
    out.println(statusLine(warden, state));
    // Further lines are the plugin's long output: monitoring shows the first line, people read these.
    warden.status().configWarnings().forEach(w -> out.println("WARNING: " + w));
    return state.exitCode();
  }

/** The check line: state, free space, thresholds, forecast. */
static String statusLine(DiskWarden warden, State state) {
  return StatusLine.format(state, warden.status().lastUsage().orElseGet(warden.status()::usage), warden.status().thresholds(),
      warden.status().forecast());
}
}
