package org.diskwarden.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A real webhook receiver on localhost (the JDK's HttpServer) that records what it was sent. */
final class Receiver implements AutoCloseable {
  record Request(String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  private final HttpServer server;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  final java.util.Set<String> flakySeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
  final CountDownLatch release = new CountDownLatch(1);

  Receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/json", ex -> answer(ex, 200, "{\"received\":true}"));
    server.createContext("/slack", ex -> answer(ex, 200, "ok"));
    // the first try of each delivery fails, a retry of it succeeds
    server.createContext("/flaky", ex -> answer(ex,
        flakySeen.add(ex.getRequestHeaders().getFirst("X-Diskwarden-Delivery")) ? 500 : 200, "maybe"));
    server.createContext("/gone", ex -> answer(ex, 404, "no such hook"));
    // refuses a payload that holds a mail header, as Slack answers 400 invalid_payload
    server.createContext("/picky", ex -> {
      record(ex);
      reply(ex, requests.get(requests.size() - 1).body().contains("Bcc:") ? 400 : 200, "invalid_payload");
    });
    // a receiver that echoes what it was sent, tokens included
    server.createContext("/services", ex -> answer(ex, 200, "echo " + ex.getRequestHeaders()));
    server.createContext("/sleepy", ex -> {
      record(ex);
      try {
        // holds the answer until the test ends: a receiver that hangs
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reply(ex, 200, "late");
    });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  List<Request> at(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  private void record(HttpExchange ex) throws IOException {
    requests.add(new Request(ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()),
        new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
  }

  private void answer(HttpExchange ex, int status, String body) throws IOException {
    record(ex);
    reply(ex, status, body);
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
  }
}
