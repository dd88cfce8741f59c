package org.diskwarden.init;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.diskwarden.policy.NaturalOrder;

/**
 * A read-only look at a training directory: held descriptors from the directory down, one name at a
 * time, never following a link (a link is read as text), never opening a file, staying on the
 * directory's filesystem, at most {@link #MAX_DEPTH} folders deep and {@link #MAX_NAMES} names in all.
 *
 * @param root the directory itself
 * @param names how many names were seen
 * @param cut whether the name budget ran out (then folders were left unlisted)
 */
public record Survey(Seen root, int names, boolean cut) {
  /** Folders below the directory that are listed (a hub cache's snapshots sit about 6 deep). */
  static final int MAX_DEPTH = 8;
  /** Names read in all: a tree of millions of files is sampled, not walked. */
  static final int MAX_NAMES = 200_000;

  /**
   * Looks at {@code dir} (an existing directory, given by the operator: links in its own path are
   * followed, none below it).
   *
   * @throws IOException when the directory itself cannot be opened or listed
   */
  public static Survey of(Path dir) throws IOException {
    return of(dir, MAX_NAMES);
  }

  static Survey of(Path dir, int budget) throws IOException {
    try (Dir top = Dir.open(dir.toAbsolutePath())) {
      Attrs self = top.self();
      Walk walk = new Walk(self.device(), budget);
      Seen root = walk.folder(top, dir.toString(), self, 0);
      if (!root.unlisted().isEmpty()) {
        throw new IOException("cannot list " + dir + ": " + root.unlisted().get());
      }
      return new Survey(root, walk.seen, walk.cut);
    }
  }

  /** The folders that could not be listed, as relative paths with the reason, for the config's comments. */
  public List<String> unlisted() {
    List<String> out = new ArrayList<>();
    unlisted(root, "", out);
    return out;
  }

  private static void unlisted(Seen s, String rel, List<String> out) {
    for (Seen c : s.children()) {
      String path = rel.isEmpty() ? c.name() : rel + "/" + c.name();
      c.unlisted().filter(why -> !why.equals(Walk.DEEP)).ifPresent(why -> out.add(path + " (" + why + ")"));
      unlisted(c, path, out);
    }
  }

  private static final class Walk {
    static final String DEEP = "deeper than " + MAX_DEPTH + " folders";
    private final long device;
    private final int budget;
    private int seen;
    private boolean cut;

    Walk(long device, int budget) {
      this.device = device;
      this.budget = budget;
    }

    Seen folder(Dir dir, String name, Attrs attrs, int depth) {
      List<String> names;
      try {
        names = new ArrayList<>(dir.list());
      } catch (IOException e) {
        return unlisted(name, attrs, "cannot list it: " + e.getMessage());
      }
      names.sort(NaturalOrder.INSTANCE);
      List<Seen> children = new ArrayList<>();
      for (String n : names) {
        if (seen >= budget) {
          cut = true;
          break;
        }
        seen++;
        child(dir, n, depth).ifPresent(children::add);
      }
      return new Seen(name, Seen.Kind.DIR, 0, attrs.mtime(), Optional.empty(), List.copyOf(children),
          Optional.empty());
    }

    private Optional<Seen> child(Dir dir, String name, int depth) {
      Attrs a;
      try {
        Optional<Attrs> stat = dir.stat(name);
        if (stat.isEmpty()) {
          return Optional.empty();
        }
        a = stat.get();
      } catch (IOException e) {
        return Optional.of(new Seen(name, Seen.Kind.OTHER, 0, java.time.Instant.EPOCH, Optional.empty(), List.of(),
            Optional.empty()));
      }
      if (a.isSymbolicLink()) {
        String target;
        try {
          target = dir.readLink(name);
        } catch (IOException e) {
          target = "?";
        }
        return Optional.of(new Seen(name, Seen.Kind.LINK, 0, a.mtime(), Optional.of(target), List.of(),
            Optional.empty()));
      }
      if (!a.isDirectory()) {
        Seen.Kind kind = a.isRegularFile() ? Seen.Kind.FILE : Seen.Kind.OTHER;
        return Optional.of(new Seen(name, kind, a.isRegularFile() ? a.size() : 0, a.mtime(), Optional.empty(),
            List.of(), Optional.empty()));
      }
      if (a.device() != device) {
        return Optional.of(unlisted(name, a, "another filesystem"));
      }
      // .git holds git's objects, not entries: its presence is all that matters
      if (depth + 1 > MAX_DEPTH || name.equals(".git")) {
        return Optional.of(unlisted(name, a, DEEP));
      }
      try (Dir sub = dir.dir(name)) {
        return Optional.of(folder(sub, name, a, depth + 1));
      } catch (IOException e) {
        return Optional.of(unlisted(name, a, "cannot open it: " + e.getMessage()));
      }
    }

    private static Seen unlisted(String name, Attrs a, String why) {
      return new Seen(name, Seen.Kind.DIR, 0, a.mtime(), Optional.empty(), List.of(), Optional.of(why));
    }
  }
}
