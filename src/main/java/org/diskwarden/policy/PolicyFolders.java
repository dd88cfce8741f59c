package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;

/**
 * Policies whose folder is not there: valid config, but a typo ({@code models/versionz}) that would
 * leave the policy acting on nothing while the disk fills. Said as a warning wherever the unmatched
 * protect patterns are (start, reload, plan, check, JMX {@code ConfigWarnings}). The folder is looked
 * up from base_dir one name at a time without following a link, as removal reaches it.
 */
public final class PolicyFolders {
  private PolicyFolders() {}

  /** One warning per policy whose folder is missing, not a directory, or behind a link. */
  public static List<String> missing(Path baseDir, List<PolicyConfig> policies) {
    List<String> warnings = new ArrayList<>();
    if (!Dir.available()) {
      return warnings;
    }
    try (Dir base = Dir.open(baseDir)) {
      for (PolicyConfig p : policies) {
        why(base, p.path()).ifPresent(why -> warnings.add("policy " + p.name() + ": its path " + p.path() + " "
            + why + " in " + baseDir + ", so the policy removes nothing (a typo?)"));
      }
    } catch (IOException e) {
      // base_dir itself is missing or unreadable: the check says so louder
    }
    return warnings;
  }

  private static Optional<String> why(Dir base, String relative) {
    Path path = Path.of(relative).normalize();
    if (path.toString().isEmpty()) {
      return Optional.empty();
    }
    List<Dir> opened = new ArrayList<>();
    try {
      Dir at = base;
      for (int i = 0; i < path.getNameCount(); i++) {
        String name = path.getName(i).toString();
        Optional<Attrs> a = at.stat(name);
        if (a.isEmpty()) {
          return Optional.of("does not exist");
        }
        if (a.get().isSymbolicLink()) {
          return Optional.of("leads through a link (" + name + "), which policies never follow");
        }
        if (!a.get().isDirectory()) {
          return Optional.of("is not a directory");
        }
        at = at.dir(name);
        opened.add(at);
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } finally {
      for (Dir d : opened) {
        try {
          d.close();
        } catch (IOException e) {
          // read-only descriptor
        }
      }
    }
  }
}
