package org.diskwarden.archive;

import java.util.List;
import java.util.Optional;

/**
 * What an entry holds, item by item in walk order, with a CRC-32C of every file: taken while an
 * archive or copy is written and compared with what reading it back gives.
 *
 * @param items every directory, file and link, the entry itself first
 */
public record Contents(List<Item> items) {

  public Contents {
    items = List.copyOf(items);
  }

  /**
   * One item.
   *
   * @param name path inside the archive: the entry's name, then {@code /}-separated below it
   * @param type 'd' directory, 'f' regular file, 'l' symbolic link
   * @param size bytes of a file; 0 otherwise
   * @param crc CRC-32C of a file's bytes; 0 otherwise
   * @param link a link's target; empty otherwise
   * @param mode permission bits of a file or directory (a copy or archive that widens or narrows
   *     them is not faithful); 0 for a link
   */
  public record Item(String name, char type, long size, long crc, String link, int mode) {}

  /** Bytes of all files. */
  public long bytes() {
    return items.stream().mapToLong(Item::size).sum();
  }

  /** The first difference from {@code actual} (what reading back gave), or empty when they agree. */
  public Optional<String> difference(Contents actual) {
    // A copy on another filesystem lists its directories in another order: compare by name.
    List<Item> wanted = byName(items);
    List<Item> read = byName(actual.items);
    int n = Math.min(wanted.size(), read.size());
    for (int i = 0; i < n; i++) {
      Item want = wanted.get(i);
      Item got = read.get(i);
      if (!want.equals(got)) {
        return Optional.of("wrote " + describe(want) + ", read back " + describe(got));
      }
    }
    if (items.size() != actual.items.size()) {
      return Optional.of("wrote " + items.size() + " item(s), read back " + actual.items.size());
    }
    return Optional.empty();
  }

  private static List<Item> byName(List<Item> list) {
    return list.stream().sorted(java.util.Comparator.comparing(Item::name)).toList();
  }

  private static String describe(Item i) {
    return switch (i.type()) {
      case 'f' -> i.name() + " (" + i.size() + " bytes, crc32c " + Long.toHexString(i.crc()) + ", mode "
          + Integer.toOctalString(i.mode()) + ")";
      case 'l' -> i.name() + " -> " + i.link();
      default -> i.name() + "/ (mode " + Integer.toOctalString(i.mode()) + ")";
    };
  }
}
