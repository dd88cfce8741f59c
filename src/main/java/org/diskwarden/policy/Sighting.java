package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the plan saw of an entry: the identity (device and inode: the JDK's file key) of every folder
 * from base_dir down to the entry's folder, and of the entry itself. The removal compares each
 * directory it opens on its way down against these, so a folder renamed or swapped after the plan
 * is never mistaken for the one that was judged.
 *
 * @param folders identities of the directories strictly below base_dir down to the entry's folder
 * @param entry identity of the entry
 */
public record Sighting(List<Object> folders, Object entry) {
  public Sighting {
    folders = List.copyOf(folders);
  }

  /**
   * The identities of the directories from below {@code baseDir} down to {@code folder}, read without
   * following links; empty when one is not a plain directory (or cannot be read): then nothing in it
   * is planned.
   */
  static Optional<List<Object>> folders(Path baseDir, Path folder) {
    List<Object> keys = new ArrayList<>();
    Path at = baseDir;
    for (Path name : baseDir.relativize(folder)) {
      if (name.toString().isEmpty()) {
        break;
      }
      at = at.resolve(name);
      try {
        BasicFileAttributes a = Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory() || a.fileKey() == null) {
          return Optional.empty();
        }
        keys.add(a.fileKey());
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    return Optional.of(keys);
  }
}
