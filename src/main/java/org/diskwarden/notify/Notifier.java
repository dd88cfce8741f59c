package org.diskwarden.notify;

/**
 * An outlet for events. Called on the agent's thread: an implementation must return at once (queue,
 * don't send) and never throw, so that no outlet can block or stop a sweep.
 */
@FunctionalInterface
public interface Notifier {
  void publish(Event event);
}
