package org.diskwarden;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.Size;
import org.diskwarden.config.WardenConfig;
import java.util.List;
import org.diskwarden.jmx.JmxExporter;
import org.diskwarden.jmx.RemoteJmx;
import org.diskwarden.metrics.MetricsExporter;
import org.diskwarden.notify.Dispatcher;
import org.diskwarden.notify.Event;
import org.diskwarden.notify.EventType;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.PlanText;
import org.diskwarden.sweep.Removal;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.volume.State;
import org.diskwarden.volume.StatusLine;
import org.diskwarden.volume.Usage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bin/diskwarden}: the agent and its one-shot commands. */
@Command(name = "diskwarden", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Keeps the volume of a training directory from filling up.",
    subcommands = {Main.Run.class, Main.Check.class, Main.PlanCommand.class, Main.Clean.class,
        Main.NotifyTest.class, Main.GitGc.class, Main.Du.class, RestoreCommand.class})
public final class Main implements Runnable {
  private static final Logger LOG = LogManager.getLogger(Main.class);
  /** Exit status for a configuration the agent refuses. */
  public static final int CONFIG_ERROR = 2;
  /** Exit status for anything that went wrong otherwise (Nagios UNKNOWN). */
  public static final int UNKNOWN = 3;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit status (tests call this instead of main). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("diskwarden: " + e.getMessage());
      return UNKNOWN;
    });
    return cli.execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"diskwarden " + (v == null ? "dev" : v)};
    }
  }

  /** Options every command takes. */
  static final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE",
        description = "Config file (default: conf/diskwarden.yml under the install dir).")
    Path config;

    @Option(names = "--base-dir", paramLabel = "DIR", description = "Overrides base_dir of the config file.")
    Path baseDir;

    Path file() {
      if (config != null) {
        return config;
      }
      return home().resolve("conf").resolve("diskwarden.yml");
    }

    WardenConfig load() throws ConfigException {
      return ConfigLoader.load(file(), Optional.ofNullable(baseDir));
    }

    static Path home() {
      return Path.of(System.getProperty("diskwarden.home", ".")).toAbsolutePath().normalize();
    }

    static Path logDir() {
      String dir = System.getProperty("diskwarden.logdir");
      return dir != null ? Path.of(dir) : home().resolve("logs");
    }
  }

  /** Loads the config, printing every problem and returning the exit status when it is bad. */
  abstract static class ConfiguredCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
      WardenConfig config;
      try {
        config = options.load();
      } catch (ConfigException e) {
        spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
        spec.commandLine().getErr().println("diskwarden: nothing was touched; fix the config and start again");
        return CONFIG_ERROR;
      }
      PrintWriter out = spec.commandLine().getOut();
      try {
        return call(new DiskWarden(config, Optional.of(options.file().toAbsolutePath()),
            Optional.ofNullable(options.baseDir), ConfigOptions.logDir(), Clock.systemUTC()), out);
      } finally {
        out.flush();
      }
    }

    abstract int call(DiskWarden warden, PrintWriter out) throws Exception;
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run the agent in the foreground: a check every check_interval; stops cleanly on SIGTERM.")
  static final class Run extends ConfiguredCommand {
    @Override
    int call(DiskWarden warden, PrintWriter out) throws InterruptedException {
      RunDir runDir = RunDir.fromSystemProperty();
      Optional<RemoteJmx.Checked> remote;
      try {
        // Checked before anything starts: an unsafe remote JMX setup is a bad config, not a warning.
        remote = RemoteJmx.fromSystemProperties().map(RemoteJmx::check);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("diskwarden: remote JMX: " + e.getMessage());
        spec.commandLine().getErr().println("diskwarden: nothing was touched; fix it and start again");
        return CONFIG_ERROR;
      }
      warden.onStatus(runDir::writeState);
      try {
        warden.start();
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
        spec.commandLine().getErr().println("diskwarden: nothing was touched; fix it and start again");
        return CONFIG_ERROR;
      } catch (IllegalStateException e) {
        spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
        return 1;
      }
      JmxExporter jmx = null;
      try {
        jmx = JmxExporter.register(warden, ManagementFactory.getPlatformMBeanServer());
      } catch (IllegalStateException e) {
        // Management is a convenience: the agent guards the disk without it.
        LOG.warn("JMX management is not available: {}", e.getMessage());
      }
      JmxExporter registered = jmx;
      RemoteJmx connector = null;
      if (jmx != null && remote.isPresent()) {
        try {
          connector = remote.get().start(ManagementFactory.getPlatformMBeanServer());
        } catch (java.io.IOException | RuntimeException e) {
          LOG.warn("Remote JMX is not available: {}", e.toString());
        }
      }
      RemoteJmx remoteServed = connector;
      MetricsExporter metrics = null;
      if (warden.config().metrics().enabled()) {
        try {
          metrics = MetricsExporter.start(warden, warden.config().metrics(), new Version().getVersion()[0]
              .replace("diskwarden ", ""));
          LOG.info("Metrics served at http://{}:{}/metrics", warden.config().metrics().host(), metrics.port());
        } catch (RuntimeException e) {
          LOG.warn("Metrics are not available: {}", e.getMessage());
        }
      }
      MetricsExporter served = metrics;
      runDir.writeReady();
      java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
      Runnable stop = () -> {
        if (!stopped.compareAndSet(false, true)) {
          return;
        }
        try {
          warden.stop();
        } finally {
          runDir.clear();
          if (remoteServed != null) {
            remoteServed.close();
          }
          if (registered != null) {
            registered.close();
          }
          if (served != null) {
            served.close();
          }
        }
      };
      // SIGTERM and SIGINT stop the agent cleanly and it exits 0, as documented (the JVM's default
      // would exit 143 or 130 after the hooks); the hook still covers any other way out.
      onSignal("TERM", stop);
      onSignal("INT", stop);
      Runtime.getRuntime().addShutdownHook(new Thread(stop, "diskwarden-shutdown"));
      warden.awaitStop();
      stop.run();
      return 0;
    }
  }

  @SuppressWarnings("removal")
  private static void onSignal(String name, Runnable stop) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> new Thread(stop, "diskwarden-sig" + name).start());
    } catch (IllegalArgumentException e) {
      // not a signal here (or the JVM uses it): the shutdown hook stops the agent all the same
      LOG.debug("No handler for SIG{}: {}", name, e.getMessage());
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "One check, one line; exit 0 OK, 1 LOW, 2 CRITICAL, 3 UNKNOWN (the Nagios plugin convention).")
  static final class Check extends ConfiguredCommand {
    @Override
    int call(DiskWarden warden, PrintWriter out) {
      State state = warden.assess();
      out.println(statusLine(warden, state));
      // Further lines are the plugin's long output: monitoring shows the first line, people read these.
      warden.configWarnings().forEach(w -> out.println("WARNING: " + w));
      return state.exitCode();
    }
  }

  static String statusLine(DiskWarden warden, State state) {
    return StatusLine.format(state, warden.lastUsage().orElseGet(warden::usage), warden.thresholds(),
        warden.forecast());
  }

  @Command(name = "plan", mixinStandardHelpOptions = true,
      description = "Show what a cleanup would remove now, in order, with sizes and reasons; removes nothing.")
  static final class PlanCommand extends ConfiguredCommand {
    @Option(names = "--all", description = "Plan even when free space is above the trigger.")
    boolean all;

    @Override
    int call(DiskWarden warden, PrintWriter out) {
      WardenConfig c = warden.config();
      // the trigger in force, as the agent decides it (save_headroom included), with one walk at most
      Optional<Plan> plan = all ? Optional.of(warden.plan()) : warden.planIfBelowTrigger();
      if (plan.isEmpty()) {
        out.println(statusLine(warden, State.OK));
        out.println("Free space is above the trigger: a cleanup would remove nothing (use --all to plan anyway).");
        return 0;
      }
      out.print(PlanText.render(plan.get(), c.baseDir(), c.cleanupMode()));
      return 0;
    }
  }

  @Command(name = "clean", mixinStandardHelpOptions = true,
      description = "One cleanup now; exit status as for check, after the cleanup.")
  static final class Clean extends ConfiguredCommand {
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
            spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
            return CONFIG_ERROR;
          }
        }
        try {
          Optional<SweepReport> report = warden.clean(force, dryRun || warden.config().dryRun());
          if (report.isEmpty()) {
            out.println(statusLine(warden, State.OK));
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
        spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "notify-test", mixinStandardHelpOptions = true,
      description = "Send a sample event through every configured outlet and print what each answered; "
          + "exit 0 when all accepted it, 1 when one failed, 2 for a bad config or template.")
  static final class NotifyTest extends ConfiguredCommand {
    @Option(names = "--event", paramLabel = "TYPE", defaultValue = "cleanup",
        description = "Event to send: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    EventType event;

    @Option(names = "--message", paramLabel = "TEXT",
        description = "The event's message (default: says it is a test); bin/diskwarden watchdog alerts with it.")
    String message;

    @Override
    int call(DiskWarden warden, PrintWriter out) {
      if (!warden.config().notifications().hasOutlets()) {
        out.println("No notification outlet is configured (notify.email, notify.webhooks, notify.exec).");
        return 1;
      }
      Dispatcher dispatcher;
      try {
        dispatcher = Dispatcher.start(warden.config().notifications(), Clock.systemUTC(), System::getenv);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
        return CONFIG_ERROR;
      }
      try {
        Usage u = warden.usage();
        Event real = new Event(event, u.at(), Event.localHost(), warden.config().baseDir().toString(), warden.state(), u,
            warden.config().thresholds(), Optional.empty(),
            message != null ? message : "test of the " + event.key() + " notification");
        List<String> answers = dispatcher.test(real);
        answers.forEach(out::println);
        return answers.stream().allMatch(a -> a.contains(": OK ")) ? 0 : 1;
      } finally {
        dispatcher.close();
      }
    }
  }

  @Command(name = "git-gc", mixinStandardHelpOptions = true,
      description = "git gc (JGit) of the repositories in git.repos now; exit 0 when every one was compacted, "
          + "1 when one was refused or failed.")
  static final class GitGc extends ConfiguredCommand {
    @Override
    int call(DiskWarden warden, PrintWriter out) {
      try (BaseDirLock lock = warden.acquireLock()) {
        List<org.diskwarden.git.GitGcReport> reports = warden.gitGc();
        reports.forEach(r -> out.println(r.summary()));
        return reports.stream().allMatch(org.diskwarden.git.GitGcReport::done) ? 0 : 1;
      } catch (IllegalStateException e) {
        spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "du", mixinStandardHelpOptions = true,
      description = "Size of each PATH as a removal would free it (allocated bytes; a hard-linked file only when "
          + "all its links are inside; links as 0; no other filesystem): the scanner that sizes candidates.")
  static final class Du implements Callable<Integer> {
    @picocli.CommandLine.Parameters(paramLabel = "PATH", arity = "1..*")
    List<Path> paths;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
      PrintWriter out = spec.commandLine().getOut();
      for (Path p : paths) {
        Path real = p.toRealPath();
        org.diskwarden.policy.Protection none = new org.diskwarden.policy.Protection(
            real.getParent() == null ? real : real.getParent(), List.of());
        long block = org.diskwarden.volume.Volume.of(real, Clock.systemUTC()).blockSize();
        out.println(org.diskwarden.policy.FootprintWalk.measure(real, none, block).bytes() + "\t" + p);
      }
      out.flush();
      return 0;
    }
  }

  /** The sweep report as the clean command prints it. */
  static String describe(SweepReport r) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%s: %s %s, free %s -> %s; state %s%n",
        r.dryRun() ? "Dry run" : "Cleanup", r.dryRun() ? "would free" : "freed", Size.human(r.bytesFreed(), 1),
        Size.human(r.freeBefore(), 1), Size.human(r.freeAfter(), 1), r.state()));
    for (Removal m : r.removed()) {
      if (m.keptAt().isEmpty()) {
        out.append(String.format(Locale.ROOT, "  %s %s (%s, %s: %s)%n", r.dryRun() ? "would remove" : "removed",
            m.path(), Size.human(m.bytes(), 1), m.policy(), m.reason()));
      } else {
        out.append(String.format(Locale.ROOT, "  %s %s -> %s (%s, freed %s%s, %s: %s)%n",
            (r.dryRun() ? "would " : "") + (m.action() == org.diskwarden.config.Action.MOVE ? "move" : "compress"),
            m.path(), m.keptAt().get(), Size.human(m.bytes(), 1), Size.human(m.freed(), 1),
            m.bytes() == 0 || m.action() != org.diskwarden.config.Action.COMPRESS ? ""
                : String.format(Locale.ROOT, ", %.0f%% saved", 100.0 * m.freed() / m.bytes()),
            m.policy(), m.reason()));
      }
    }
    for (Removal m : r.failed()) {
      out.append(String.format(Locale.ROOT, "  FAILED %s (%s, %s): %s%n", m.path(), m.policy(), m.action().key(),
          m.error().orElse("")));
    }
    for (Removal m : r.skipped()) {
      out.append(String.format(Locale.ROOT, "  skipped %s %s (%s): %s%n", m.action().key(), m.path(), m.policy(),
          m.error().orElse("")));
    }
    r.notReached().forEach(c -> out.append(String.format(Locale.ROOT, "  kept %s (%s): target reached%n",
        c.path(), Size.human(c.bytes(), 1))));
    r.held().forEach(h -> out.append(String.format(Locale.ROOT, "  held %s (%s): %s%n", h.path(), h.policy(),
        h.reason())));
    r.gitGc().forEach(g -> out.append("  ").append(g).append(System.lineSeparator()));
    return out.toString();
  }

}
