package org.diskwarden.init;

import java.util.List;
import org.diskwarden.policy.NaturalOrder;

/** How a comment names a series of entries: {@code checkpoint-500..6000}, {@code v001..v005}. */
final class Names {
  private Names() {}

  /** The first and last name in natural order, shown safely; a shared prefix before the digits said once. */
  static String range(List<Seen> entries) {
    List<String> names = entries.stream().map(Seen::name).sorted(NaturalOrder.INSTANCE).toList();
    String first = names.get(0);
    String last = names.get(names.size() - 1);
    if (names.size() == 1) {
      return Yaml.shown(first);
    }
    int p = 0;
    while (p < first.length() && p < last.length() && first.charAt(p) == last.charAt(p)) {
      p++;
    }
    while (p > 0 && Character.isDigit(first.charAt(p - 1))) {
      p--;
    }
    String tail = last.substring(p);
    boolean numbered = p > 0 && !tail.isEmpty() && tail.chars().allMatch(Character::isDigit)
        && first.substring(p).chars().allMatch(Character::isDigit) && !first.substring(p).startsWith("0");
    return Yaml.shown(first) + ".." + Yaml.shown(numbered ? tail : last);
  }

  /** "1 folder", "12 folders", "3 files", "4 entries" for a mix. */
  static String count(List<Seen> entries) {
    long dirs = entries.stream().filter(Seen::isDir).count();
    String noun = dirs == entries.size() ? "folder" : dirs == 0 ? "file" : "entr";
    int n = entries.size();
    if (noun.equals("entr")) {
      return n + (n == 1 ? " entry" : " entries");
    }
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
