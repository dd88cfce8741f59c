package org.diskwarden.config;

import java.util.List;
import java.util.Optional;

/**
 * The directories one agent guards: the {@code watch:} list, or the single base_dir of a config
 * without it (one watch named {@value #DEFAULT}). Notifications, metrics and the audit log are shared,
 * the same in every watch's config.
 *
 * @param watches in the order the file gives them
 * @param listed true when the file has {@code watch:} (JMX names and metrics then carry the names)
 */
public record Watches(List<Watch> watches, boolean listed) {
  /** The name of the one watch of a config without {@code watch:}. */
  public static final String DEFAULT = "default";

  /** One watched directory: its name and its settings (the top level's, with its own on top). */
  public record Watch(String name, WardenConfig config) {}

  public Watches {
    watches = List.copyOf(watches);
    if (watches.isEmpty()) {
      throw new IllegalArgumentException("at least one watch is needed");
    }
  }

  /** The single-directory form. */
  public static Watches single(WardenConfig config) {
    return new Watches(List.of(new Watch(DEFAULT, config)), false);
  }

  public Optional<Watch> named(String name) {
    return watches.stream().filter(w -> w.name().equals(name)).findFirst();
  }

  public List<String> names() {
    return watches.stream().map(Watch::name).toList();
  }

  /** The settings every watch shares (notify, metrics, audit): the first watch's. */
  public WardenConfig shared() {
    return watches.get(0).config();
  }
}
