package org.diskwarden.config;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What YAML allows and a config must not mean silently: a key given twice (the parser would keep the
 * last one, so a second {@code protect: []} would drop the protection), and anchors, aliases and
 * merge keys ({@code <<: *defaults}), which the reader would take as plain strings. Each is refused
 * with the key's place and line.
 */
final class StrictYaml {
  private StrictYaml() {}

  /** The problems in {@code text}; empty when none (syntax errors are left to the reader). */
  static List<String> problems(String text) {
    List<String> problems = new ArrayList<>();
    Deque<Map<String, Integer>> objects = new ArrayDeque<>();
    try (YAMLParser p = (YAMLParser) new YAMLFactory().createParser(text)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        int line = p.currentTokenLocation().getLineNr();
        String where = place(p.getParsingContext().pathAsPointer().toString());
        if (p.getObjectId() != null) {
          problems.add(where + " (line " + line + ") defines the anchor &" + p.getObjectId()
              + "; anchors, aliases and merge keys (<<) are not supported: write the values out");
        }
        if (t == JsonToken.START_OBJECT) {
          objects.push(new HashMap<>());
        } else if (t == JsonToken.END_OBJECT) {
          objects.pop();
        } else if (t == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          if (key.equals("<<")) {
            problems.add(where + " (line " + line + ") is a YAML merge key; anchors, aliases and merge keys are "
                + "not supported: write the keys out");
          }
          Integer first = objects.peek().putIfAbsent(key, line);
          if (first != null) {
            problems.add(where + " is given twice (lines " + first + " and " + line
                + "); give each key once (a second one would silently replace the first)");
          }
        } else if (p.isCurrentAlias()) {
          problems.add(where + " (line " + line + ") is the alias *" + p.getText()
              + "; anchors, aliases and merge keys (<<) are not supported: write the values out");
        }
      }
    } catch (IOException e) {
      // not valid YAML: the reader says so, with its own message
    }
    return problems;
  }

  /** {@code /policies/0/protect} as {@code policies[0].protect}. */
  private static String place(String pointer) {
    StringBuilder out = new StringBuilder();
    for (String part : pointer.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      String name = part.replace("~1", "/").replace("~0", "~");
      if (name.chars().allMatch(Character::isDigit)) {
        out.append('[').append(name).append(']');
      } else {
        out.append(out.length() == 0 ? "" : ".").append(name);
      }
    }
    return out.length() == 0 ? "the top level" : out.toString();
  }
}
