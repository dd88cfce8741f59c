package org.diskwarden.init;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One name as {@link Survey} saw it, without following a link: a folder with the names in it (when it
 * was listed), a file with its size, a link with its target's text.
 *
 * @param size the apparent size of a file (0 for the rest)
 * @param link what a link points to, as written in it
 * @param children the names in a listed folder, sorted; empty for the rest
 * @param unlisted why a folder was not listed (too deep, another filesystem, unreadable); empty when it was
 */
record Seen(String name, Kind kind, long size, Instant mtime, Optional<String> link, List<Seen> children,
    Optional<String> unlisted) {

  /** What a name is. */
  enum Kind { DIR, FILE, LINK, OTHER }

  boolean isDir() {
    return kind == Kind.DIR;
  }

  boolean isFile() {
    return kind == Kind.FILE;
  }

  boolean isLink() {
    return kind == Kind.LINK;
  }

  /** The child of that name. */
  Optional<Seen> child(String childName) {
    return children.stream().filter(c -> c.name.equals(childName)).findFirst();
  }

  /** Whether a child of that name is a folder (a link to one does not count). */
  boolean hasDir(String childName) {
    return child(childName).filter(Seen::isDir).isPresent();
  }

  /** Whether a child of that name is a regular file. */
  boolean hasFile(String childName) {
    return child(childName).filter(Seen::isFile).isPresent();
  }

  /** The children that could be a policy's entries: everything but links (never entries). */
  List<Seen> entries() {
    return children.stream().filter(c -> !c.isLink()).toList();
  }

  /** This name and every name below it that was seen. */
  Stream<Seen> all() {
    return Stream.concat(Stream.of(this), children.stream().flatMap(Seen::all));
  }
}
