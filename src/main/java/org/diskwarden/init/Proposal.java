package org.diskwarden.init;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.diskwarden.volume.Usage;

/**
 * A config proposed for a training directory: what {@code diskwarden init} prints and writes.
 *
 * @param text the config, YAML with a comment for every choice
 * @param baseDir the directory, as the config names it (its real path)
 * @param recognizedNothing nothing in it was recognized: the config removes nothing
 */
public record Proposal(String text, Path baseDir, boolean recognizedNothing) {
  /** What init looks for, for the line that says so when it found none of it. */
  public static final String LOOKED_FOR = ConfigText.LOOKED_FOR.replace("\n", " ");

  /**
   * Surveys {@code dir} (read only) and proposes a config for it.
   *
   * @param watch a watch name: the config lists the directory under {@code watch:}
   * @param volume the volume of {@code dir} now
   * @param now the time ages and the recent fill rate are counted from
   * @throws IOException when the directory cannot be read
   */
  public static Proposal of(Path dir, Optional<String> watch, Usage volume, Instant now) throws IOException {
    Path real = dir.toRealPath();
    Survey survey = Survey.of(real);
    Findings found = Recognizer.read(survey.root(), now);
    Trigger trigger = Trigger.propose(volume, survey.root(), now, real.toString());
    return new Proposal(ConfigText.render(real.toString(), watch, survey, found, trigger), real,
        found.recognizedNothing());
  }
}
