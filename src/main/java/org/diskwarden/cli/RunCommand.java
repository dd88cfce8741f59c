package org.diskwarden.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.agent.AgentStatus;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.Fleet;
import org.diskwarden.agent.RunDir;
import org.diskwarden.config.Watches;
import org.diskwarden.jmx.FleetBeans;
import org.diskwarden.jmx.RemoteJmx;
import org.diskwarden.metrics.MetricsExporter;
import picocli.CommandLine.Command;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the agent in the foreground: a check every check_interval; stops cleanly on SIGTERM.")
final class RunCommand extends ConfiguredCommand {
  private static final Logger LOG = LogManager.getLogger(RunCommand.class);

  /** Remote JMX as configured, checked before anything starts. */
  private Optional<RemoteJmx.Checked> remote = Optional.empty();
  /** DISKWARDEN_STOP_TIMEOUT, checked before anything starts. */
  private Duration stopTimeout = Duration.ofSeconds(Stop.DEFAULT_SECONDS);

  @Override
  int call(Watches watches, PrintWriter out) throws Exception {
    try {
      // an unsafe remote JMX setup is a bad config, not a warning
      remote = RemoteJmx.fromSystemProperties().map(RemoteJmx::check);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("diskwarden: remote JMX: " + e.getMessage());
      spec.commandLine().getErr().println("diskwarden: nothing was touched; fix it and start again");
      return Main.CONFIG_ERROR;
    }
    LogLayoutCheck.warnIfRaw();
    try {
      stopTimeout = Stop.timeout(System.getProperty(Stop.PROPERTY));
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
      spec.commandLine().getErr().println("diskwarden: nothing was touched; fix it and start again");
      return Main.CONFIG_ERROR;
    }
    return runAll(watches);
  }

  /**
   * The agent: every watch in one JVM, one scheduler, one JMX, one /metrics. A config with one base_dir
   * is a fleet of one, whose watch is unnamed: {@code type=Agent}, {@code check.state}, a status line
   * without a name, as ever.
   */
  private int runAll(Watches watches) throws InterruptedException {
    RunDir runDir = RunDir.fromSystemProperty();
    MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
    Fleet fleet = new Fleet(watches, options.file().toAbsolutePath(), Optional.ofNullable(options.baseDir),
        ConfigOptions.logDir(), Clock.systemUTC());
    fleet.stopWaitsAtMost(Stop.workWait(stopTimeout));
    FleetBeans beans = FleetBeans.follow(fleet, mbs);
    AtomicReference<MetricsExporter> metrics = new AtomicReference<>();
    fleet.addListener(new RunFiles(runDir, watches.listed()));
    fleet.addListener(new Fleet.Listener() {
      @Override
      public void added(String watch, DiskWarden agent) {
        Optional.ofNullable(metrics.get()).ifPresent(m -> m.follow(watch, agent.status()));
      }

      @Override
      public void removed(String watch, DiskWarden agent) {}
    });
    try {
      fleet.start();
    } catch (IllegalArgumentException | IllegalStateException e) {
      return refused(e);
    }
    RemoteJmx connector = serve(remote, mbs);
    if (watches.shared().metrics().enabled()) {
      try {
        MetricsExporter m = MetricsExporter.start(() -> statuses(fleet), watches.shared().metrics(),
            new Main.Version().getVersion()[0].replace("diskwarden ", ""));
        fleet.agents().forEach((watch, agent) -> m.follow(watch, agent.status()));
        metrics.set(m);
        LOG.info("Metrics served at http://{}:{}/metrics", watches.shared().metrics().host(), m.port());
      } catch (RuntimeException e) {
        LOG.warn("Metrics are not available: {}", e.getMessage());
      }
    }
    runDir.writeReady();
    RemoteJmx remoteServed = connector;
    serveUntilStopped(fleet::stop, runDir, () -> {
      if (remoteServed != null) {
        remoteServed.close();
      }
      beans.close();
      Optional.ofNullable(metrics.get()).ifPresent(MetricsExporter::close);
    });
    return 0;
  }

  private static Map<String, AgentStatus> statuses(Fleet fleet) {
    Map<String, AgentStatus> out = new LinkedHashMap<>();
    fleet.agents().forEach((watch, agent) -> out.put(watch, agent.status()));
    return out;
  }

  @Override
  int call(DiskWarden warden, PrintWriter out) {
    throw new UnsupportedOperationException("run starts every watch of the config at once (call(Watches, out))");
  }

  /**
   * Waits until SIGTERM, SIGINT or the JVM's exit, then stops the agent and closes what serves it,
   * once. SIGTERM and SIGINT stop the agent cleanly and it exits 0, as documented (the JVM's default
   * would exit 143 or 130 after the hooks); the hook still covers any other way out. A stop that does
   * not end within its bound halts the JVM ({@link Stop}).
   */
  private void serveUntilStopped(Runnable agent, RunDir runDir, Runnable outlets) throws InterruptedException {
    Stop stop = new Stop(stopTimeout, () -> {
      try {
        agent.run();
      } finally {
        runDir.clear();
        outlets.run();
      }
    }, Stop::haltJvm);
    onSignal("TERM", stop::begin);
    onSignal("INT", stop::begin);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.begin();
      try {
        stop.awaitBounded();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "diskwarden-shutdown"));
    stop.await();
  }

  /** The exit status of a start that was refused: 2 for a bad config or template, 1 otherwise. */
  private int refused(RuntimeException e) {
    spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
    if (e instanceof IllegalArgumentException) {
      spec.commandLine().getErr().println("diskwarden: nothing was touched; fix it and start again");
      return Main.CONFIG_ERROR;
    }
    return 1;
  }

  /** The agent's own JMX connector when remote JMX is configured; null when not (or it failed: a warning). */
  private static RemoteJmx serve(Optional<RemoteJmx.Checked> remote, MBeanServer mbs) {
    if (remote.isEmpty()) {
      return null;
    }
    try {
      return remote.get().start(mbs);
    } catch (java.io.IOException | RuntimeException e) {
      LOG.warn("Remote JMX is not available: {}", e.toString());
      return null;
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
}
