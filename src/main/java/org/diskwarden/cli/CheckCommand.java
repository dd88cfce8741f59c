package org.diskwarden.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.config.Watches;
import org.diskwarden.fs.Names;
import org.diskwarden.policy.Held;
import org.diskwarden.volume.State;
import org.diskwarden.volume.StatusLine;
import picocli.CommandLine.Command;

@Command(name = "check", mixinStandardHelpOptions = true,
    description = "One check, one line; exit 0 OK, 1 LOW, 2 CRITICAL, 3 UNKNOWN (the Nagios plugin convention).")
final class CheckCommand extends ConfiguredCommand {
  /** Warnings of the watches checked so far: printed after every watch's line (the plugin's long output). */
  private final List<String> warnings = new ArrayList<>();

  @Override
  int call(Watches watches, PrintWriter out) throws Exception {
    int worst = super.call(watches, out);
    warnings.forEach(w -> out.println("WARNING: " + w));
    return worst;
  }

  @Override
  boolean headed() {
    return false;
  }

  @Override
  int call(DiskWarden warden, PrintWriter out) {
    State state = warden.assess();
    // one line per watch ("scratch: DISKWARDEN OK - ..."); monitoring shows the first, people read the rest
    out.println(prefix() + statusLine(warden, state));
    warden.status().configWarnings().forEach(w -> warnings.add(prefix() + w));
    // the plan this check made (below the trigger): what a framework would resume from that it should not
    warden.status().lastPlan().ifPresent(plan -> plan.held().stream().filter(Held::warns).forEach(h ->
        warnings.add(prefix() + Names.of(h.path()) + ": " + Names.escape(h.reason()))));
    return state.exitCode();
  }

  /** The check line: state, free space, thresholds, forecast. */
  static String statusLine(DiskWarden warden, State state) {
    return StatusLine.format(state, warden.status().lastUsage().orElseGet(warden.status()::usage),
        warden.status().thresholds(), warden.status().forecast());
  }
}
