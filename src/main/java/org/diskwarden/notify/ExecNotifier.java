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

  private static final int KEPT_OUTPUT = 4096;

  /** Reads {@code stream} to its end, keeping the first {@value #KEPT_OUTPUT} bytes. */
  private static String drain(java.io.InputStream stream) {
    byte[] kept = new byte[KEPT_OUTPUT];
    int n = 0;
    long rest = 0;
    try (stream) {
      n = org.apache.commons.io.IOUtils.read(stream, kept);
      rest = org.apache.commons.io.IOUtils.consume(stream);
    } catch (IOException e) {
      // the hook closed its end: what we have is its output
    }
    String text = new String(kept, 0, n, StandardCharsets.UTF_8).strip();
    return rest > 0 ? text + "... (" + (n + rest) + " bytes in all)" : text;
  }

  @Override
  public OutletKind kind() {
    return OutletKind.EXEC;
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
      // Read while it runs: a hook that prints more than the pipe holds (64 KiB) would otherwise block
      // until the timeout. The first 4 KB are kept for the answer, the rest is read and dropped.
      java.util.concurrent.CompletableFuture<String> out = new java.util.concurrent.CompletableFuture<>();
      Thread drain = new Thread(() -> out.complete(drain(p.getInputStream())), "diskwarden-exec-output");
      drain.setDaemon(true);
      drain.start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(EventDocument.of(event, deliveryId, suppressed).getBytes(StandardCharsets.UTF_8));
      } catch (IOException closedEarly) {
        // a hook that does not read its stdin is still a hook
      }
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new DeliveryException(name() + " did not finish within " + TIMEOUT_SECONDS + " s", false, null);
      }
      String output;
      try {
        output = out.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // a child of the hook still holds its output open: the hook itself has ended
        output = "";
      }
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
