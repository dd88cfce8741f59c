package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diskwarden.config.Layout;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.ControlFile;
import org.diskwarden.fs.Dir;

/**
 * The layouts of Orbax (JAX) and Megatron-LM/NeMo: which children are entries, their steps, and what
 * a save in flight, the resume point and a leftover look like there.
 *
 * <p>Orbax ({@code orbax/checkpoint/_src/path/atomicity.py}, {@code path/step.py}): a save is written
 * into {@code <step>.orbax-checkpoint-tmp} (older releases {@code <step>.orbax-checkpoint-tmp-<n>}) and
 * renamed to {@code <step>} when finalized; any name holding the suffix is a tmp checkpoint
 * ({@code step.is_tmp_checkpoint}). A tmp folder younger than min_age is a save in flight (held as
 * young); an older one is a leftover of a crash and goes. Only finalized folders count as finished.
 *
 * <p>Megatron-LM ({@code megatron/training/checkpointing.py}): {@code iter_{:07d}} folders, and the
 * tracker {@code latest_checkpointed_iteration.txt}, written after a save completes, holding the
 * iteration a restart resumes from or {@code release} ({@code read_metadata}); {@code release/} is a
 * converted checkpoint, never an entry.
 */
final class TrainerSaves {
  /** Orbax's {@code TMP_DIR_SUFFIX}: a name holding it is a save not (yet) finalized. */
  static final String ORBAX_TMP = ".orbax-checkpoint-tmp";
  private static final Pattern DIGITS = Pattern.compile("\\d+");
  private static final Pattern ORBAX_TMP_STEP = Pattern.compile("(?:.*?_)?(\\d+)\\.orbax-checkpoint-tmp.*");
  private static final Pattern MEGATRON_ITER = Pattern.compile("iter_(\\d+)");
  /** Megatron's tracker: one integer or {@code release}. */
  static final String TRACKER = "latest_checkpointed_iteration.txt";
  static final long TRACKER_CAP = 4096;

  private TrainerSaves() {}

  /** Whether a child (not a link) is an entry of {@code layout} (ORBAX or MEGATRON). */
  static boolean isEntry(Layout layout, String name, BasicFileAttributes attrs) {
    if (!attrs.isDirectory()) {
      return false;
    }
    return layout == Layout.ORBAX ? DIGITS.matcher(name).matches() || isOrbaxTmp(name)
        : MEGATRON_ITER.matcher(name).matches();
  }

  /** The step in an Orbax or Megatron name: {@code 1200}, {@code 1200.orbax-checkpoint-tmp-7}, {@code iter_0001200}. */
  static OptionalLong step(String name) {
    for (Pattern p : new Pattern[] {DIGITS, ORBAX_TMP_STEP, MEGATRON_ITER}) {
      Matcher m = p.matcher(name);
      if (m.matches()) {
        try {
          return OptionalLong.of(Long.parseLong(p == DIGITS ? name : m.group(1)));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  /** Whether an entry is a save not finalized, whatever it holds: an Orbax tmp folder. */
  static boolean inFlight(Layout layout, String name) {
    return layout == Layout.ORBAX && isOrbaxTmp(name);
  }

  private static boolean isOrbaxTmp(String name) {
    return name.contains(ORBAX_TMP);
  }

  /**
   * What the layout keeps and what it lets go as a leftover, with the reasons.
   *
   * @param kept entries held whatever the rule says (the resume point, saves in progress)
   * @param leftovers entries to reclaim (once older than min_age, which the selector checks first)
   */
  record Judgement(Map<Path, Held> kept, Map<Path, String> leftovers) {
    static Judgement none() {
      return new Judgement(Map.of(), Map.of());
    }
  }

  /**
   * @param folder the policy's folder held open (Megatron's tracker is read through it)
   * @param byName the group's entries, name to path
   * @param newest the newest modification time inside each entry, by name
   * @param newestFinished the newest finished entry (Orbax restores the newest finalized step)
   */
  static Judgement judge(PolicyConfig config, Dir folder, Map<String, Path> byName, Function<String, Instant> newest,
      Optional<String> newestFinished) {
    if (config.layout() == Layout.ORBAX) {
      Map<Path, Held> kept = new LinkedHashMap<>();
      // CheckpointManager.latest_step(): what a restart restores, whatever the rule says
      newestFinished.map(byName::get).ifPresent(p -> kept.put(p, new Held(p, config.name(), Held.Why.NAMED_BY_LATEST,
          "kept: the newest finalized step (the one Orbax restores)")));
      Map<Path, String> leftovers = new LinkedHashMap<>();
      byName.forEach((name, path) -> {
        if (isOrbaxTmp(name)) {
          leftovers.put(path, "unfinished Orbax save (never renamed to its step, untouched for longer than min_age)");
        }
      });
      return new Judgement(kept, leftovers);
    }
    if (config.layout() == Layout.MEGATRON) {
      return megatron(config, folder, byName, newest);
    }
    return Judgement.none();
  }

  private static Judgement megatron(PolicyConfig config, Dir folder, Map<String, Path> byName,
      Function<String, Instant> newest) {
    Tracker tracker = Tracker.read(folder);
    Map<Path, Held> kept = new LinkedHashMap<>();
    Map<Path, String> leftovers = new LinkedHashMap<>();
    if (tracker.problem().isPresent()) {
      byName.values().forEach(p -> kept.put(p, new Held(p, config.name(), tracker.missing() ? Held.Why.IN_PROGRESS
          : Held.Why.UNREADABLE, tracker.problem().get())));
      return new Judgement(kept, leftovers);
    }
    String named = tracker.release() ? "release" : Long.toString(tracker.iteration());
    byName.forEach((name, path) -> {
      long n = step(name).orElse(Long.MIN_VALUE);
      if (!tracker.release() && n == tracker.iteration()) {
        kept.put(path, new Held(path, config.name(), Held.Why.NAMED_BY_LATEST,
            "kept: named by " + TRACKER + " (the iteration a restart resumes from)"));
      } else if (tracker.release() || n > tracker.iteration()) {
        if (!newest.apply(name).isBefore(tracker.modified())) {
          kept.put(path, new Held(path, config.name(), Held.Why.IN_PROGRESS, "held: save in progress (above "
              + named + ", the tracker's, and written after it)"));
        } else if (!tracker.release()) {
          leftovers.put(path, "rewind leftover (iteration " + n + " is above " + named + ", the iteration " + TRACKER
              + " names, and older than it)");
        }
      }
    });
    return new Judgement(kept, leftovers);
  }

  /**
   * What Megatron's tracker says, read no-follow and non-blocking through the held folder, its
   * attributes taken before and after the read: a tracker replaced meanwhile is not trusted.
   */
  private record Tracker(long iteration, boolean release, Instant modified, Optional<String> problem, boolean missing) {
    static Tracker problem(String why, boolean missing) {
      return new Tracker(-1, false, Instant.EPOCH, Optional.of(why), missing);
    }

    static Tracker read(Dir folder) {
      Optional<Attrs> before;
      ControlFile file;
      Optional<Attrs> after;
      try {
        before = folder.stat(TRACKER);
        file = folder.read(TRACKER, TRACKER_CAP);
        after = folder.stat(TRACKER);
      } catch (IOException e) {
        return problem("skipped: " + TRACKER + " cannot be looked at (" + e.getMessage() + "); no iteration goes "
            + "while the one a restart resumes from is unknown", false);
      }
      if (file instanceof ControlFile.Missing) {
        return problem("held: no " + TRACKER + " yet (Megatron writes it when a save completes): which iteration a "
            + "restart resumes from is unknown", true);
      }
      if (file instanceof ControlFile.Unreadable u) {
        return problem("skipped: " + TRACKER + " cannot be read (" + u.why() + "); no iteration goes while the one a "
            + "restart resumes from is unknown", false);
      }
      if (before.isEmpty() || after.isEmpty() || !before.get().sameFileAs(after.get())
          || !before.get().mtime().equals(after.get().mtime())) {
        return problem("skipped: " + TRACKER + " changed while it was read; the next plan reads it again", false);
      }
      String text = ((ControlFile.Content) file).text().strip();
      if (text.equals("release")) {
        return new Tracker(-1, true, after.get().mtime(), Optional.empty(), false);
      }
      if (DIGITS.matcher(text).matches() && text.length() < 19) {
        return new Tracker(Long.parseLong(text), false, after.get().mtime(), Optional.empty(), false);
      }
      return problem("skipped: " + TRACKER + " names neither an iteration nor release; no iteration goes while the "
          + "one a restart resumes from is unknown", false);
    }
  }
}
