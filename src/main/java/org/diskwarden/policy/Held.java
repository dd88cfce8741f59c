package org.diskwarden.policy;

import java.nio.file.Path;

/**
 * An entry a policy looked at and did not release: why, as a type the guard reads ({@link #why()}),
 * and as text for people ({@link #reason()}); {@link #bytes()} is what it holds on disk, when measured.
 */
public record Held(Path path, String policy, Why why, String reason, long bytes) {

  /** Held, its size not measured (0). */
  public Held(Path path, String policy, Why why, String reason) {
    this(path, policy, why, reason, 0);
  }

  /** The same, with what the entry holds on disk. */
  public Held withBytes(long measured) {
    return new Held(path, policy, why, reason, measured);
  }

  /** Whether people are told about it beside the plan's held list (plan and check print a WARNING). */
  public boolean warns() {
    return why == Why.PARTIAL_NEWEST;
  }

  /** Why an entry is held. Decisions read this, never the text. */
  public enum Why {
    /** Its retention rule keeps it (among the newest N, younger than max_age). */
    KEPT_BY_RULE,
    /** A symlink in the policy's folder points at it or into it (Lightning's {@code last.ckpt}). */
    LINK_TARGET,
    /** Newer than the newest entry holding the complete_marker: a save in progress, however long it pauses. */
    IN_PROGRESS,
    /**
     * A Trainer checkpoint without trainer_state.json, newer than every finished one: a save in
     * progress, or a crash's partial that resume_from_checkpoint=True would pick; plan and check warn.
     */
    PARTIAL_NEWEST,
    /** Among the best by a metric (keep_best), or the Trainer's best_model_checkpoint. */
    BEST,
    /** The tag DeepSpeed's latest file names. */
    NAMED_BY_LATEST,
    /** A hub-cache blob a kept revision still links to. */
    SHARED,
    /** Matched by a protect glob, under one, or holding one. */
    PROTECTED,
    /** Modified within min_age. */
    YOUNG,
    /** A process holds a file inside it open. */
    IN_USE,
    /** Something inside could not be read or measured; the answer is "skip". */
    UNREADABLE,
    /** Its name does not match group_by. */
    UNGROUPED,
    /** The policy's folder itself cannot be used. */
    FOLDER;

    /** Whether a retention rule keeps the entry: the guard refuses it at removal time whatever a plan says. */
    public boolean keptByRule() {
      return this == KEPT_BY_RULE || this == LINK_TARGET || this == IN_PROGRESS || this == PARTIAL_NEWEST
          || this == BEST
          || this == NAMED_BY_LATEST || this == SHARED;
    }
  }
}
