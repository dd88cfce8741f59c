package org.diskwarden.notify;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs the configured program with the event as JSON on stdin and DISKWARDEN_EVENT set. */
final class ExecNotifier implements Outlet {
  private static final long TIMEOUT_SECONDS = 30;
  private final String program;

  ExecNotifier(String program) {
    this.program = program;
  }

  @Override
  public String name() {
    return "exec " + program;
  }

  @Override
  public String send(Event event, Templates.Message message, String deliveryId, String suppressed)
      throws DeliveryException {
    ProcessBuilder pb = new ProcessBuilder(program).redirectErrorStream(true);
    pb.environment().put("DISKWARDEN_EVENT", event.type().key());
    pb.environment().put("DISKWARDEN_DELIVERY", deliveryId);
    try {
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(EventDocument.of(event, deliveryId, suppressed).getBytes(StandardCharsets.UTF_8));
      } catch (IOException closedEarly) {
        // a hook that does not read its stdin is still a hook
      }
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new DeliveryException(name() + " did not finish within " + TIMEOUT_SECONDS + " s", false, null);
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        throw new DeliveryException(name() + " exited " + p.exitValue() + ": " + output, false, null);
      }
      return "exit 0" + (output.isEmpty() ? "" : ": " + output);
    } catch (IOException e) {
      throw new DeliveryException(name() + ": " + e.getMessage(), false, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException(name() + ": interrupted", false, e);
    }
  }
}
