package org.diskwarden.notify;

/** One way a message leaves the machine: email, a webhook, a program. */
interface Outlet extends AutoCloseable {

  /** Names the outlet in logs and in {@code notify-test} output. */
  String name();

  OutletKind kind();

  /**
   * Delivers one message, blocking at most about the outlet's timeout.
   *
   * @return what the receiver answered, for notify-test
   * @throws DeliveryException when it was not delivered
   */
  String send(Event event, Templates.Message message, String deliveryId, String suppressed) throws DeliveryException;

  @Override
  default void close() {}

  /**
   * A failed delivery; {@code retryable} for connection errors, timeouts, 5xx and 429; {@code refused}
   * when the receiver (or our own mail library) refused the message for what it says: the same text
   * will be refused again, a neutral form of it may not.
   */
  final class DeliveryException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;
    private final boolean refused;

    DeliveryException(String message, boolean retryable, Throwable cause) {
      this(message, retryable, false, cause);
    }

    DeliveryException(String message, boolean retryable, boolean refused, Throwable cause) {
      super(message, cause);
      this.retryable = retryable;
      this.refused = refused;
    }

    boolean retryable() {
      return retryable;
    }

    boolean refused() {
      return refused;
    }
  }
}
