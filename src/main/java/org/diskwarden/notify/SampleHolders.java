package org.diskwarden.notify;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.diskwarden.policy.Holder;
import org.diskwarden.policy.SpaceHolders;

/**
 * Made-up places that hold the space, for the sample events (template checks, {@code notify-test}):
 * each reason says it is a sample, so no one goes looking for them.
 */
public final class SampleHolders {
  private static final long GB = 1L << 30;

  private SampleHolders() {}

  /** Sample places under {@code base}; empty for events that do not name the space. */
  public static SpaceHolders forEvent(org.diskwarden.config.EventType type, Path base) {
    return type == org.diskwarden.config.EventType.CRITICAL || type == org.diskwarden.config.EventType.CLEANUP
        ? of(base) : SpaceHolders.none();
  }

  static SpaceHolders of(Path base) {
    return new SpaceHolders(List.of(
        Holder.of(base.resolve("scratch/alice/dump.bin"), 610 * GB, Holder.Stays.NO_POLICY, "", "sample"),
        Holder.of(base.resolve("datasets"), 420 * GB, Holder.Stays.PROTECTED, "", "sample: protected by 'datasets/**'"),
        Holder.of(base.resolve("models/versions/v005"), 53 * GB, Holder.Stays.KEPT_BY_RULE, "model-versions",
            "sample: among the newest 2"),
        Holder.of(base.resolve("models/versions/v004"), 53 * GB, Holder.Stays.KEPT_BY_RULE, "model-versions",
            "sample: among the newest 2"),
        Holder.of(base.resolve("models/versions/v006"), 41 * GB, Holder.Stays.YOUNG, "model-versions",
            "sample: modified within min_age 30m")),
        260 * GB, 412, Map.of(Holder.Stays.NO_POLICY, 180 * GB, Holder.Stays.KEPT_BY_RULE, 80 * GB), Optional.empty());
  }
}
