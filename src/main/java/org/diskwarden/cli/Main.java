package org.diskwarden.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code bin/diskwarden}: the agent and its one-shot commands. */
@Command(name = "diskwarden", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Keeps the volume of a training directory from filling up.",
    subcommands = {RunCommand.class, CheckCommand.class, PlanCommand.class, CleanCommand.class,
        NotifyTestCommand.class, GitGcCommand.class, DuCommand.class, RestoreCommand.class, InitCommand.class})
public final class Main implements Runnable {
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
    // the console's charset: under LANG=C a name with "é" shows as octal bytes, never as "?"
    // bin/diskwarden runs the JVM with a UTF-8 charset for file names when the locale has none, and
    // says here what the console itself can show
    Charset console = Charset.defaultCharset();
    try {
      String named = System.getProperty("diskwarden.console.charset");
      if (named != null) {
        console = Charset.forName(named);
      }
    } catch (IllegalArgumentException e) {
      // an unknown name: the JVM's own
    }
    cli.setOut(new PrintWriter(new ConsoleWriter(System.out, console), true));
    cli.setErr(new PrintWriter(new ConsoleWriter(System.err, console), true));
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

}
