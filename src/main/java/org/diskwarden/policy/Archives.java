package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.diskwarden.archive.ArchiveFormat;
import org.diskwarden.archive.Compressibility;
import org.diskwarden.archive.Partial;
import org.diskwarden.config.Action;
import org.diskwarden.config.ActionConfig;
import org.diskwarden.config.Durations;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.fs.Dir;

/** What a compress or move policy plans besides deletion: what its action frees, and its expired archives. */
final class Archives {
  private Archives() {}

  /**
   * The candidate under its policy's action, with what that action is expected to free here.
   *
   * @param folder the policy's folder held open (the compressibility sampler reads through it)
   */
  static Candidate disposed(Candidate c, ActionConfig action, Compressibility estimates, Dir folder) {
    return switch (action.action()) {
      case DELETE -> c;
      case MOVE -> c.as(Action.MOVE, c.bytes());
      case COMPRESS -> {
        double ratio = estimates.ratio(folder, c.path(), c.newest(), ArchiveFormat.best(), action.compressLevel());
        yield c.as(Action.COMPRESS, c.bytes() - (long) Math.ceil(c.bytes() * ratio));
      }
    };
  }

  /** The policy's archives older than archives_max_age, oldest first; they are deleted. */
  static List<Candidate> expired(Selector.Context ctx, PolicyConfig config, Path folder, List<Held> held) {
    Path archives = config.action().compressTo().map(ctx.protection().baseDir()::resolve).orElse(folder).normalize();
    Duration maxAge = config.action().archivesMaxAge();
    List<Candidate> expired = new ArrayList<>();
    Optional<List<Object>> chain = Sighting.folders(ctx.protection().baseDir(), archives);
    if (!Files.isDirectory(archives, LinkOption.NOFOLLOW_LINKS) || chain.isEmpty()) {
      return expired;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(archives)) {
      for (Path archive : children) {
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(archive, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          continue;
        }
        if (ArchiveFormat.of(archive).isEmpty() || Partial.is(archive) || !attrs.isRegularFile()) {
          continue;
        }
        Footprint footprint = FootprintWalk.measure(archive, ctx.protection(), ctx.blockSize(), true, ctx.sizing());
        Optional<String> stop = ctx.protection().protectedBy(archive);
        if (stop.isPresent()) {
          held.add(new Held(archive, config.name(), Held.Why.PROTECTED, stop.get()));
        } else if (footprint.newest().isBefore(ctx.now().minus(maxAge)) && footprint.newest().isBefore(ctx.now().minus(ctx.minAge()))) {
          expired.add(new Candidate(archive, config.name(), "archive", footprint.bytes(), footprint.newest(),
              "archive older than " + Durations.format(maxAge)).seen(new Sighting(chain.get(), attrs.fileKey())));
        }
      }
    } catch (IOException e) {
      held.add(new Held(archives, config.name(), Held.Why.FOLDER, "cannot list the archives: " + e.getMessage()));
    }
    expired.sort(Comparator.comparing(Candidate::newest));
    return expired;
  }
}
