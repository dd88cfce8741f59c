package org.diskwarden.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.RunDir;
import org.diskwarden.jmx.JmxExporter;
import org.diskwarden.jmx.RemoteJmx;
import org.diskwarden.metrics.MetricsExporter;
import picocli.CommandLine.Command;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the agent in the foreground: a check every check_interval; stops cleanly on SIGTERM.")
final class RunCommand extends ConfiguredCommand {
  private static final Logger LOG = LogManager.getLogger(RunCommand.class);

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
      return Main.CONFIG_ERROR;
    }
    warden.onStatus(runDir::writeState);
    try {
      warden.start();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
      spec.commandLine().getErr().println("diskwarden: nothing was touched; fix it and start again");
      return Main.CONFIG_ERROR;
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
    if (warden.status().config().metrics().enabled()) {
      try {
        metrics = MetricsExporter.start(warden.status(), warden.status().config().metrics(), new Main.Version().getVersion()[0]
            .replace("diskwarden ", ""));
        LOG.info("Metrics served at http://{}:{}/metrics", warden.status().config().metrics().host(), metrics.port());
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
