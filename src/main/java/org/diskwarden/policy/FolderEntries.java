package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diskwarden.archive.ArchiveFormat;
import org.diskwarden.archive.Partial;
import org.diskwarden.config.Action;
import org.diskwarden.config.Layout;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Names;

/**
 * Lists a policy's folder through its held descriptor and measures each entry once ({@link
 * FootprintWalk} from the same held folder): the entries by group, the staging folders and the links.
 */
final class FolderEntries {
  /** One measured entry of the policy's folder. */
  record Entry(Path path, String name, Footprint footprint, boolean complete, Object key) {
    Instant newest() {
      return footprint.newest();
    }
  }

  /** What the folder holds: entries by group (in listing order), staging folders, links. */
  record Listed(Map<String, List<Entry>> groups, List<Entry> staging, List<Path> links) {}

  private final PolicyConfig config;
  private final Path folder;
  private final Dir at;
  private final Selector.Context ctx;
  private final Set<Path> unfinished;
  private final List<Held> held;
  private final Optional<PathMatcher> match;
  private final Optional<Pattern> groupBy;
  private final Listed listed = new Listed(new LinkedHashMap<>(), new ArrayList<>(), new ArrayList<>());

  private FolderEntries(PolicyConfig config, Path folder, Dir at, Selector.Context ctx, Set<Path> unfinished,
      List<Held> held) {
    this.config = config;
    this.folder = folder;
    this.at = at;
    this.ctx = ctx;
    this.unfinished = unfinished;
    this.held = held;
    this.match = config.match().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g));
    this.groupBy = config.groupBy().map(Pattern::compile);
  }

  /**
   * Lists {@code folder} (held open as {@code at}); entries a group_by does not match go to {@code held}.
   *
   * @param unfinished entries whose removal a crashed agent began: judged by the times of their files
   */
  static Listed list(PolicyConfig config, Path folder, Dir at, Selector.Context ctx, Set<Path> unfinished,
      List<Held> held) throws IOException {
    FolderEntries entries = new FolderEntries(config, folder, at, ctx, unfinished, held);
    for (byte[] name : at.rawList()) {
      entries.add(Names.child(folder, name));
    }
    return entries.listed;
  }

  private void add(Path child) {
    // Work in progress (or left by a crash, cleaned up from the audit log) and the policy's own
    // archives are never entries of the policy.
    if (Partial.is(child) || (compresses() && ArchiveFormat.of(child).isPresent())) {
      return;
    }
    BasicFileAttributes attrs;
    try {
      // the file key a removal checks against; the walk reads the same name in the held folder and
      // refuses when it is another inode
      attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return; // gone since it was listed
    }
    String name = child.getFileName().toString();
    if (attrs.isSymbolicLink()) {
      // A link is never an entry (it would take a kept place, then dangle); it keeps its target.
      listed.links().add(child);
    } else if (Frameworks.isStaging(config.layout(), name, attrs)) {
      listed.staging().add(new Entry(child, name, measure(child, attrs, true), false, attrs.fileKey()));
    } else if (Frameworks.isEntry(config.layout(), name, attrs)
        && (match.isEmpty() || match.get().matches(child.getFileName()))) {
      group(name).ifPresentOrElse(group -> listed.groups().computeIfAbsent(group, g -> new ArrayList<>())
          .add(new Entry(child, name, measure(child, attrs, !unfinished.contains(child)),
              Completion.complete(config, at, child, attrs) && !TrainerSaves.inFlight(config.layout(), name),
              attrs.fileKey())),
          () -> held.add(new Held(child, config.name(), Held.Why.UNGROUPED, "name does not match group_by")));
    }
  }

  /** The group of {@code name}: group_by's first group, a Lightning run, or the one group; empty when unmatched. */
  private Optional<String> group(String name) {
    if (groupBy.isPresent()) {
      Matcher m = groupBy.get().matcher(name);
      return m.find() && m.group(1) != null ? Optional.of(m.group(1)) : Optional.empty();
    }
    // several Lightning runs in one folder: each its own group (its best, its newest)
    return Optional.of(config.layout() == Layout.LIGHTNING ? Frameworks.lightningRun(name) : "");
  }

  private Footprint measure(Path child, BasicFileAttributes seen, boolean directoryTimes) {
    return FootprintWalk.measure(at, child, seen, ctx.protection(), ctx.blockSize(), directoryTimes, ctx.sizing());
  }

  private boolean compresses() {
    return config.action().action() == Action.COMPRESS;
  }
}
