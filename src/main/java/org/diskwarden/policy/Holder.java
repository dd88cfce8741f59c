package org.diskwarden.policy;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * One place that holds space under base_dir, as an alert names it: its size and why it stays.
 *
 * @param path the entry or directory (absolute)
 * @param bytes what it holds on disk (allocated, as {@code du} counts it)
 * @param stays why it is still there, typed
 * @param policy the policy that looked at it, or empty when none did
 * @param reason why it stays, for people: starts with {@link Stays#text()}
 * @param rest whether this is what is left of the directory {@code path} beside the parts listed on
 *     their own (an alert that descends into {@code data/} names {@code data/raw/big.bin} and then
 *     "the rest of data/")
 */
public record Holder(Path path, long bytes, Stays stays, String policy, String reason, boolean rest) {

  /** Why space stays held. Decisions read this, never the text. */
  public enum Stays {
    /** A retention rule, a framework's pointer, keep_best or a link keeps it. */
    KEPT_BY_RULE("kept by rule"),
    /** A protect glob, or a protected link's target. */
    PROTECTED("protected"),
    /** A process holds a file inside it open. */
    IN_USE("in use"),
    /** Modified within min_age, or a save in progress. */
    YOUNG("young or being written"),
    /** Something inside could not be read or judged whole (a mount point, an unreadable part). */
    SKIPPED("skipped"),
    /** No policy's folder holds it as an entry. */
    NO_POLICY("no policy covers it"),
    /** A candidate the sweep left because the target was reached (or the agent stopped). */
    TARGET_REACHED("left because the target was reached"),
    /** A candidate whose removal failed or the guard refused. */
    REMOVAL_FAILED("its removal failed"),
    /** A compress or move candidate left in place (no room for the archive, too little gain). */
    LEFT_IN_PLACE("left in place"),
    /** A candidate no sweep has acted on (paused, a dry run, or no sweep after the plan). */
    NOT_REMOVED("a candidate, not removed");

    private final String text;

    Stays(String text) {
      this.text = text;
    }

    /** For people: {@code no policy covers it}. */
    public String text() {
      return text;
    }

    /** For machines (JSON, JMX): {@code no_policy}. */
    public String key() {
      return this == NO_POLICY ? "no_policy" : name().toLowerCase(Locale.ROOT);
    }
  }

  /** A holder whose reason is {@code stays}' text followed by {@code detail} (unless the detail says it already). */
  public static Holder of(Path path, long bytes, Stays stays, String policy, String detail) {
    String reason = detail.isEmpty() || detail.startsWith(stays.text()) ? (detail.isEmpty() ? stays.text() : detail)
        : stays.text() + " (" + detail + ")";
    return new Holder(path, bytes, stays, policy, reason, false);
  }

  /**
   * What a plan held, as a holder; empty for what is not an entry with a size of its own (a policy's
   * folder, a name group_by does not match: the walk measures those as no policy's).
   */
  public static Optional<Holder> of(Held held) {
    Stays stays = switch (held.why()) {
      case KEPT_BY_RULE, LINK_TARGET, BEST, NAMED_BY_LATEST, SHARED -> Stays.KEPT_BY_RULE;
      case IN_PROGRESS, PARTIAL_NEWEST, YOUNG -> Stays.YOUNG;
      case PROTECTED -> Stays.PROTECTED;
      case IN_USE -> Stays.IN_USE;
      case UNREADABLE -> Stays.SKIPPED;
      case UNGROUPED, FOLDER -> null;
    };
    return Optional.ofNullable(stays).map(s -> of(held.path(), held.bytes(), s, held.policy(), held.reason()));
  }
}
