package org.diskwarden.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.config.EventType;
import org.diskwarden.config.Watches;
import org.diskwarden.notify.Dispatcher;
import org.diskwarden.notify.Event;
import org.diskwarden.volume.Usage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "notify-test", mixinStandardHelpOptions = true,
    description = "Send a sample event through every configured outlet and print what each answered; "
        + "exit 0 when all accepted it, 1 when one failed, 2 for a bad config or template.")
final class NotifyTestCommand extends ConfiguredCommand {
  @Option(names = "--event", paramLabel = "TYPE", defaultValue = "cleanup",
      description = "Event to send: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  EventType event;

  @Option(names = "--message", paramLabel = "TEXT",
      description = "The event's message (default: says it is a test); bin/diskwarden watchdog alerts with it.")
  String message;

  /** The outlets are shared by every watch: one test, through the first watch's agent. */
  @Override
  int call(Watches watches, PrintWriter out) throws Exception {
    return super.call(new Watches(List.of(watches.watches().get(0)), watches.listed()), out);
  }

  @Override
  boolean headed() {
    return false;
  }

  @Override
  int call(DiskWarden warden, PrintWriter out) {
    if (!warden.status().config().notifications().hasOutlets()) {
      out.println("No notification outlet is configured (notify.email, notify.webhooks, notify.exec).");
      return 1;
    }
    Dispatcher dispatcher;
    try {
      dispatcher = Dispatcher.start(warden.status().config().notifications(), Clock.systemUTC(), System::getenv);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
      return Main.CONFIG_ERROR;
    }
    try {
      Usage u = warden.usage();
      Event real = new Event(event, u.at(), Event.localHost(), warden.status().config().baseDir().toString(), warden.status().state(), u,
          warden.status().config().thresholds(), Optional.empty(),
          message != null ? message : "test of the " + event.key() + " notification",
          org.diskwarden.notify.SampleHolders.forEvent(event, warden.status().config().baseDir()), Optional.empty());
      List<Dispatcher.Answer> answers = dispatcher.test(real);
      answers.forEach(out::println);
      return answers.stream().allMatch(Dispatcher.Answer::delivered) ? 0 : 1;
    } finally {
      dispatcher.close();
    }
  }
}
