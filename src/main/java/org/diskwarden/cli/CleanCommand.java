package org.diskwarden.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import org.diskwarden.agent.BaseDirLock;
import org.diskwarden.agent.Cleanup;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.config.Size;
import org.diskwarden.fs.Names;
import org.diskwarden.sweep.Removal;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.volume.State;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "clean", mixinStandardHelpOptions = true,
    description = "One cleanup now; exit status as for check, after the cleanup.")
final class CleanCommand extends ConfiguredCommand {
  @Option(names = "--dry-run", description = "Log and report what would go; remove nothing.")
  boolean dryRun;

  @Option(names = "--force", description = "Clean even when free space is above the trigger.")
  boolean force;

  @Option(names = "--no-notify", description = "Tell no outlet (by default a clean notifies as the agent does).")
  boolean noNotify;

  @Override
  int call(DiskWarden warden, PrintWriter out) {
    try (BaseDirLock lock = warden.acquireLock()) {
      if (!noNotify) {
        try {
          warden.startNotifications();
        } catch (IllegalArgumentException e) {
          spec.commandLine().getErr().println("diskwarden: " + Names.escape(String.valueOf(e.getMessage())));
          return Main.CONFIG_ERROR;
        }
      }
      try {
        Cleanup cleanup = warden.clean(force, dryRun || warden.status().config().dryRun());
        if (cleanup instanceof Cleanup.Busy) {
          spec.commandLine().getErr().println("diskwarden: a sweep is already running; try again when it ends");
          return 1;
        }
        Optional<SweepReport> report = cleanup.report();
        if (report.isEmpty()) {
          out.println(CheckCommand.statusLine(warden, State.OK));
          out.println("Free space is above the trigger: nothing removed (use --force to clean anyway).");
          return 0;
        }
        if (!report.get().dryRun()) {
          // cleanup was told by clean() itself; critical as the agent would say it
          warden.enter(report.get().state());
        }
        out.print(describe(report.get()));
        return report.get().state().exitCode();
      } finally {
        // the deliveries are made before the command exits (up to the dispatcher's drain time)
        warden.stopNotifications();
      }
    } catch (IllegalStateException e) {
      spec.commandLine().getErr().println("diskwarden: " + Names.escape(String.valueOf(e.getMessage())));
      return 1;
    }
  }

/** The sweep report as the clean command prints it; names and reasons escaped (fs.Names): one line each. */
static String describe(SweepReport r) {
  StringBuilder out = new StringBuilder();
  out.append(String.format(Locale.ROOT, "%s: %s %s, free %s -> %s; state %s%n",
      r.dryRun() ? "Dry run" : "Cleanup", r.dryRun() ? "would free" : "freed", Size.human(r.bytesFreed(), 1),
      Size.human(r.freeBefore(), 1), Size.human(r.freeAfter(), 1), r.state()));
  for (Removal m : r.removed()) {
    if (m.keptAt().isEmpty()) {
      out.append(String.format(Locale.ROOT, "  %s %s (%s, %s: %s)%n", r.dryRun() ? "would remove" : "removed",
          Names.of(m.path()), Size.human(m.bytes(), 1), m.policy(), Names.escape(m.reason())));
    } else {
      out.append(String.format(Locale.ROOT, "  %s %s -> %s (%s, freed %s%s, %s: %s)%n",
          (r.dryRun() ? "would " : "") + (m.action() == org.diskwarden.config.Action.MOVE ? "move" : "compress"),
          Names.of(m.path()), Names.of(m.keptAt().get()), Size.human(m.bytes(), 1), Size.human(m.freed(), 1),
          m.bytes() == 0 || m.action() != org.diskwarden.config.Action.COMPRESS ? ""
              : String.format(Locale.ROOT, ", %.0f%% saved", 100.0 * m.freed() / m.bytes()),
          m.policy(), Names.escape(m.reason())));
    }
  }
  for (Removal m : r.failed()) {
    out.append(String.format(Locale.ROOT, "  FAILED %s (%s, %s): %s%n", Names.of(m.path()), m.policy(),
        m.action().key(), Names.escape(m.error().orElse(""))));
  }
  for (Removal m : r.skipped()) {
    out.append(String.format(Locale.ROOT, "  skipped %s %s (%s): %s%n", m.action().key(), Names.of(m.path()),
        m.policy(), Names.escape(m.error().orElse(""))));
  }
  r.notReached().forEach(c -> out.append(String.format(Locale.ROOT, "  kept %s (%s): target reached%n",
      Names.of(c.path()), Size.human(c.bytes(), 1))));
  r.held().forEach(h -> out.append(String.format(Locale.ROOT, "  held %s (%s): %s%n", Names.of(h.path()),
      h.policy(), Names.escape(h.reason()))));
  r.gitGc().forEach(g -> out.append("  ").append(Names.escape(g)).append(System.lineSeparator()));
  return out.toString();
}
}
