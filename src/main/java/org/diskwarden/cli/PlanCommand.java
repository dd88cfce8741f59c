package org.diskwarden.cli;

import java.io.PrintWriter;
import java.util.Optional;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.PlanText;
import org.diskwarden.volume.State;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Show what a cleanup would remove now, in order, with sizes and reasons; removes nothing.")
final class PlanCommand extends ConfiguredCommand {
  @Option(names = "--all", description = "Plan even when free space is above the trigger.")
  boolean all;

  @Override
  int call(DiskWarden warden, PrintWriter out) {
    print(warden, all, out);
    return 0;
  }

  /** The plan's text ({@code all}: also above the trigger), as plan prints it; init prints it too. */
  static void print(DiskWarden warden, boolean all, PrintWriter out) {
    WardenConfig c = warden.status().config();
    // the trigger in force, as the agent decides it (save_headroom included), with one walk at most
    Optional<Plan> plan = all ? Optional.of(warden.plan()) : warden.planIfBelowTrigger();
    if (plan.isEmpty()) {
      out.println(CheckCommand.statusLine(warden, State.OK));
      out.println("Free space is above the trigger: a cleanup would remove nothing (use --all to plan anyway).");
      return;
    }
    out.print(PlanText.render(plan.get(), c.baseDir(), c.cleanupMode()));
  }
}
