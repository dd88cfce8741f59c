package org.diskwarden.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An enum whose constants are written in the config by a key ({@code until_target}, {@code hf_cache}):
 * one way to look a key up and one way to say what is allowed, for every such enum.
 */
public interface Keyed {
  /** The constant as the config file writes it. */
  String key();

  /** The constant of {@code type} written {@code key}, if any. */
  static <E extends Enum<E> & Keyed> Optional<E> find(Class<E> type, String key) {
    return Arrays.stream(type.getEnumConstants()).filter(e -> e.key().equals(key)).findFirst();
  }

  /**
   * The constant of {@code type} written {@code key}.
   *
   * @throws IllegalArgumentException saying what is allowed ("must be until_target or full")
   */
  static <E extends Enum<E> & Keyed> E parse(Class<E> type, String key) {
    return find(type, key).orElseThrow(() -> new IllegalArgumentException("must be " + allowed(type)));
  }

  /** The keys of {@code type} as a sentence: {@code delete, compress or move}. */
  static <E extends Enum<E> & Keyed> String allowed(Class<E> type) {
    List<String> keys = Arrays.stream(type.getEnumConstants()).map(Keyed::key).toList();
    return keys.size() == 1 ? keys.get(0)
        : String.join(", ", keys.subList(0, keys.size() - 1)) + " or " + keys.get(keys.size() - 1);
  }
}
