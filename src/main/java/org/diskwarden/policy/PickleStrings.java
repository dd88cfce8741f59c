package org.diskwarden.policy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the string values stored under a string key in a pickle, by walking its opcodes (CPython
 * {@code Lib/pickletools.py} lists them, protocols 0 to 5) without building a single object: no
 * class is looked up, no callable is called, nothing is allocated beyond the strings themselves. In a
 * dict, {@code SETITEMS} takes key and value pushed one after the other, so the value is the next
 * push after the key (past a memo put); a memo get of a string counts as that string. Anything this
 * walk does not recognise ends it: the answer is then "cannot tell", never a guess.
 */
final class PickleStrings {
  /** A Lightning checkpoint memoizes a string per state_dict key and setting: thousands, not this. */
  static final int MEMO_CAP = 200_000;

  private final byte[] p;
  private int at;
  private final Map<Long, String> memo = new HashMap<>();
  private long memoized;

  private PickleStrings(byte[] pickle) {
    this.p = pickle;
  }

  /** The values under {@code key} (every occurrence), or empty when the pickle cannot be walked. */
  static Optional<List<String>> valuesOf(byte[] pickle, String key) {
    try {
      return Optional.of(new PickleStrings(pickle).walk(key));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private List<String> walk(String key) {
    List<String> values = new ArrayList<>();
    String pushed = null;
    boolean valueNext = false;
    while (true) {
      int op = u8();
      String string = null;
      switch (op) {
        case '.' -> {
          return values;
        }
        case 'X' -> string = utf8(u32());
        case 0x8c -> string = utf8(u8());
        case 0x8d -> string = utf8(u64());
        case 'V' -> string = line();
        case 'h' -> string = memo.get((long) u8());
        case 'j' -> string = memo.get(u32());
        case 'g' -> string = memo.get(Long.parseLong(line().strip()));
        case 'q' -> remember(u8(), pushed);
        case 'r' -> remember(u32(), pushed);
        case 'p' -> remember(Long.parseLong(line().strip()), pushed);
        case 0x94 -> remember(memoized++, pushed);
        default -> skip(op);
      }
      if (op == 'q' || op == 'r' || op == 'p' || op == 0x94) {
        continue; // a memo put leaves the stack as it was
      }
      if (op == 0x80 || op == 0x95) {
        continue; // PROTO and FRAME neither
      }
      if (valueNext && string != null) {
        values.add(string);
      }
      valueNext = key.equals(string) && !valueNext;
      pushed = string;
    }
  }

  /** Only strings are remembered, and only so many: a pickle made to fill the heap ends the walk. */
  private void remember(long index, String string) {
    if (string == null) {
      memo.remove(index);
    } else if (memo.size() >= MEMO_CAP && !memo.containsKey(index)) {
      throw new IllegalArgumentException("more than " + MEMO_CAP + " strings memoized");
    } else {
      memo.put(index, string);
    }
  }

  /** Steps over one opcode's argument; an opcode no protocol has ends the walk. */
  private void skip(int op) {
    switch (op) {
      case '(', '0', '1', '2', 'N', 'R', 'Q', ')', ']', '}', 'a', 'e', 'b', 'd', 'l', 's', 'u', 't', 'o', 0x85, 0x86,
          0x87, 0x88, 0x89, 0x81, 0x92, 0x93, 0x8f, 0x90, 0x91, 0x97, 0x98 -> { }
      case 'K', 0x80, 0x82 -> at(1);
      case 'M', 0x83 -> at(2);
      case 'J', 0x84 -> at(4);
      case 'G', 0x95 -> at(8);
      case 'U', 'C', 0x8a -> at(u8());
      case 'T', 'B', 0x8b -> at(u32());
      case 0x8e, 0x96 -> at(u64());
      case 'I', 'L', 'F', 'S', 'P' -> line();
      case 'c', 'i' -> {
        line();
        line();
      }
      default -> throw new IllegalArgumentException("opcode " + op + " at " + (at - 1));
    }
  }

  private int u8() {
    if (at >= p.length) {
      throw new IllegalArgumentException("ends before STOP");
    }
    return p[at++] & 0xff;
  }

  private long u32() {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v |= (long) u8() << (8 * i);
    }
    return v;
  }

  private long u64() {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v |= (long) u8() << (8 * i);
    }
    if (v < 0) {
      throw new IllegalArgumentException("length " + v);
    }
    return v;
  }

  private void at(long n) {
    if (n > p.length - at) {
      throw new IllegalArgumentException("argument of " + n + " bytes past the end");
    }
    at += (int) n;
  }

  private String utf8(long n) {
    int from = at;
    at(n);
    return new String(p, from, (int) n, StandardCharsets.UTF_8);
  }

  private String line() {
    int from = at;
    while (u8() != '\n') {
      // to the newline
    }
    return new String(p, from, at - 1 - from, StandardCharsets.ISO_8859_1);
  }
}
