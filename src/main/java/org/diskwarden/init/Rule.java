package org.diskwarden.init;

import java.util.List;
import java.util.Map;

/**
 * A retention policy init proposes for one folder.
 *
 * @param path the folder, relative to the directory ({@code .} for the directory itself)
 * @param seen what was seen there, one comment line each (names already made safe with {@link Yaml#shown})
 * @param keys the policy's keys after name and path, in order, each value already YAML text
 */
record Rule(String path, List<String> seen, Map<String, String> keys) {}
