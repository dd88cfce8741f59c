package org.diskwarden.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.Watches;
import org.diskwarden.init.ConfigFiles;
import org.diskwarden.init.DropIn;
import org.diskwarden.init.Proposal;
import org.diskwarden.volume.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "init", mixinStandardHelpOptions = true,
    description = {"Look at a training directory (reading only: no link followed, no file opened) and propose a "
        + "config for it, each choice with a comment saying what was seen; then show what that config would "
        + "remove now (plan --all; nothing is removed). The output is the config itself (the plan as comments).",
        "With --write the config goes to FILE and the systemd drop-in that lets the service write in DIR "
        + "(ReadWritePaths=) beside it; a file that is there is replaced only with --force (the shipped sample "
        + "config, unchanged, is replaced without)."})
final class InitCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "The training directory to guard.")
  Path dir;

  @Option(names = "--watch", paramLabel = "NAME",
      description = "Propose the directory as a watch of this name (a config with watch:).")
  String watch;

  @Option(names = "--write", paramLabel = "FILE", arity = "0..1", fallbackValue = "",
      description = "Write the config to FILE (default: diskwarden.yml in DISKWARDEN_CONF_DIR, "
          + "/etc/diskwarden for the package) and the systemd drop-in.")
  String write;

  @Option(names = "--drop-in", paramLabel = "FILE",
      description = "The drop-in --write writes (default: " + "/etc/systemd/system/diskwarden.service.d/watches.conf"
          + ", skipped when /etc/systemd/system does not exist).")
  Path dropIn;

  @Option(names = "--force", description = "With --write: replace a config or drop-in that is there.")
  boolean force;

  @Spec
  CommandLine.Model.CommandSpec spec;

  /** A file --write writes: where, what, with which mode. */
  private record Target(Path path, String text, int mode) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isDirectory(dir)) {
      err.println("diskwarden: init DIR value '" + dir + "' is not a directory; must be an existing directory");
      return Main.CONFIG_ERROR;
    }
    if (watch != null && !watch.matches("[A-Za-z0-9._-]+")) {
      err.println("diskwarden: --watch value was set to '" + watch + "', must be a name of letters, digits, '.', "
          + "'_' or '-'");
      return Main.CONFIG_ERROR;
    }
    Clock clock = Clock.systemUTC();
    Proposal proposal = Proposal.of(dir, Optional.ofNullable(watch),
        Volume.of(dir.toRealPath(), clock).read(), clock.instant());
    Path file = write == null || write.isEmpty() ? ConfigOptions.defaultFile() : Path.of(write);
    List<Target> targets = new ArrayList<>();
    if (write != null) {
      targets.add(new Target(file.toAbsolutePath(), proposal.text(), 0640));
      Optional<Path> drop = dropIn != null ? Optional.of(dropIn)
          : Files.isDirectory(DropIn.DEFAULT.getParent().getParent()) ? Optional.of(DropIn.DEFAULT) : Optional.empty();
      String unit;
      try {
        unit = DropIn.text(List.of(proposal.baseDir()));
      } catch (IllegalArgumentException e) {
        err.println("diskwarden: " + e.getMessage());
        return Main.CONFIG_ERROR;
      }
      drop.ifPresent(d -> targets.add(new Target(d.toAbsolutePath(), unit, 0644)));
      String refused = refused(targets);
      if (!refused.isEmpty()) {
        err.println("diskwarden: " + refused + "; nothing was written (--force replaces it)");
        return Main.CONFIG_ERROR;
      }
    }
    Watches loaded;
    try {
      loaded = ConfigLoader.parseWatches(proposal.text(), "the proposed config", Optional.empty(),
          file.toAbsolutePath().getParent());
    } catch (ConfigException e) {
      err.println("diskwarden: init proposed a config that does not load (a bug, please report it): " + e.getMessage());
      return Main.UNKNOWN;
    }
    out.print(proposal.text());
    if (proposal.recognizedNothing()) {
      err.println("diskwarden: nothing in " + proposal.baseDir() + " looked like what init recognizes ("
          + Proposal.LOOKED_FOR + "); the config removes nothing");
    }
    out.println();
    comment(out, "What this config would remove now (diskwarden plan --all; nothing was removed):");
    comment(out, plan(loaded, file));
    for (Target t : targets) {
      write(t);
      comment(out, "wrote " + t.path() + " (mode " + Integer.toOctalString(t.mode()) + ")");
    }
    if (write != null && targets.size() == 1) {
      comment(out, "no drop-in written: " + DropIn.DEFAULT.getParent().getParent() + " does not exist (no systemd)");
    }
    out.flush();
    return 0;
  }

  /** Why a target may not be written, or nothing. */
  private String refused(List<Target> targets) throws IOException {
    for (Target t : targets) {
      ConfigFiles.Existing there = ConfigFiles.existing(t.path(), t.text());
      if (there == ConfigFiles.Existing.OTHER && !force) {
        return t.path() + " is there";
      }
    }
    return "";
  }

  private void write(Target t) throws IOException {
    ConfigFiles.Existing there = ConfigFiles.existing(t.path(), t.text());
    if (there != ConfigFiles.Existing.SAME) {
      ConfigFiles.write(t.path(), t.text(), t.mode(), there != ConfigFiles.Existing.NONE);
    }
  }

  /** The plan of every watch, as plan --all prints it. */
  private static String plan(Watches watches, Path file) {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    for (Watches.Watch w : watches.watches()) {
      if (watches.listed()) {
        out.println("[" + w.name() + "]");
      }
      DiskWarden warden = new DiskWarden(WatchSetup.of(watches, w, Optional.of(file.toAbsolutePath()),
          Optional.empty(), ConfigOptions.logDir(), Clock.systemUTC()));
      PlanCommand.print(warden, true, out);
    }
    out.flush();
    return text.toString();
  }

  /**
   * Text as comment lines: the output stays a config file. Names in a plan are a user's: any line
   * break in them is escaped so it cannot end a comment.
   */
  private static void comment(PrintWriter out, String text) {
    for (String line : text.split("\n", -1)) {
      if (!line.isEmpty()) {
        out.println("# " + line.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085\\ufeff]", "?"));
      }
    }
  }
}
