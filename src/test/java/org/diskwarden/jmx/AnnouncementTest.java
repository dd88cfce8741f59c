package org.diskwarden.jmx;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import javax.management.openmbean.CompositeData;
import org.diskwarden.config.EventType;
import org.diskwarden.config.Thresholds;
import org.diskwarden.notify.Event;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;
import org.junit.jupiter.api.Test;

/**
 * A JMX notification is an outlet too: the failure message names an entry, and the entry's name is
 * attacker-chosen text. JConsole shows the notification's text and user data as they come.
 */
class AnnouncementTest {
  @Test
  void aFailureNamingAnEntryWithControlCharacters_isOneLineForPeople_inTheTextAndTheUserData() {
    Instant now = Instant.now();
    Event e = new Event(EventType.FAILURE, now, "trainbox-1", "/data", State.CRITICAL,
        new Usage(100L << 30, 1L << 30, now), new Thresholds(10L << 30, 0, 20L << 30, 0), Optional.empty(),
        "1 removal(s) failed, first: /data/archive/job\r\nBcc: x@example.com\u001b[2J: Operation not permitted");

    String sentence = Announcement.sentence(e);
    String data = (String) ((CompositeData) Announcement.userData(e)).get("detail");

    for (String text : new String[] {sentence, data}) {
      assertThat(text).doesNotContain("\r", "\n", "\u001b").contains("job\\r\\nBcc: x@example.com\\033[2J");
    }
  }
}
