package org.diskwarden.jmx;

import java.util.concurrent.atomic.AtomicLong;
import javax.management.AttributeChangeNotification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Says that a JMX write changed something: a log line with the old and new value (who wrote cannot be
 * known) and an AttributeChangeNotification from the MBean written to.
 */
final class Announcer {
  private static final Logger LOG = LogManager.getLogger(Announcer.class);

  private final NotificationBroadcasterSupport emitter;
  private final ObjectName name;
  private final AtomicLong sequence;

  Announcer(NotificationBroadcasterSupport emitter, ObjectName name, AtomicLong sequence) {
    this.emitter = emitter;
    this.name = name;
    this.sequence = sequence;
  }

  void changed(String attribute, String type, Object oldValue, Object newValue) {
    LOG.info("JMX write on {}: {} changed from {} to {}", name, attribute, oldValue, newValue);
    emitter.sendNotification(new AttributeChangeNotification(name, sequence.incrementAndGet(),
        System.currentTimeMillis(), attribute + " changed from " + oldValue + " to " + newValue, attribute, type,
        oldValue, newValue));
  }
}
