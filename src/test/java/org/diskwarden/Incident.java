package org.diskwarden;

import static org.diskwarden.Tree.days;
import static org.diskwarden.Tree.hours;

import java.nio.file.Path;
import java.time.Duration;

/** The incident's own layout: five versions, backups of two types, current_model, old and new logs. */
public final class Incident {
  public static final int MB = 1 << 20;

  private Incident() {}

  public static Tree build(Path base) {
    Tree t = new Tree(base);
    for (int i = 1; i <= 5; i++) {
      t.version("models/versions/v00" + i, MB, days(6 - i));
    }
    t.file("models/backups/db_20251101/dump.sql", MB, days(9));
    t.file("models/backups/db_20251108/dump.sql", MB, days(2));
    t.file("models/backups/ckpt_20251102.tar", MB, days(8));
    t.file("models/backups/ckpt_20251103.tar", MB, days(7));
    t.file("models/backups/ckpt_20251104.tar", MB, days(3));
    t.age(base.resolve("models/backups/db_20251101"), days(9));
    t.age(base.resolve("models/backups/db_20251108"), days(2));
    t.version("current_model", MB, days(30));
    t.file("logs/train-old.log", MB, days(10));
    t.file("logs/eval-old.log", MB, days(8));
    t.file("logs/train-new.log", MB, hours(5));
    t.file("logs/notes.txt", MB, days(30));
    return t;
  }

  public static Duration age(long days) {
    return Duration.ofDays(days);
  }
}
