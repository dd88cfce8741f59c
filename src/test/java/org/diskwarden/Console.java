package org.diskwarden;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Captures what a command prints, and points the agent's log dir at a test folder. */
public final class Console implements AutoCloseable {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final PrintStream savedOut = System.out;
  private final PrintStream savedErr = System.err;

  public Console(Path logDir) {
    System.setProperty("diskwarden.logdir", logDir.toString());
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  public String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  public String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  public void reset() {
    out.reset();
    err.reset();
  }

  @Override
  public void close() {
    System.setOut(savedOut);
    System.setErr(savedErr);
    System.clearProperty("diskwarden.logdir");
  }
}
