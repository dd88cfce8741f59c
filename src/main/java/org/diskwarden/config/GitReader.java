package org.diskwarden.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads {@code git:}: the repositories to gc, when, and how. */
final class GitReader {
  private static final Set<String> GIT_KEYS = Set.of("repo", "repos", "gc", "aggressive", "prune_expire", "schedule");

  private final Reader in;

  GitReader(Reader in) {
    this.in = in;
  }

  GitConfig git(JsonNode root) {
    GitConfig d = GitConfig.none();
    if (!root.has("git")) {
      return d;
    }
    JsonNode git = root.get("git");
    if (!git.isObject()) {
      in.problem("git must be a mapping (repos, gc, aggressive, prune_expire, schedule)");
      return d;
    }
    in.unknownKeys(git, GIT_KEYS, "git.");
    List<String> repos = new ArrayList<>();
    if (git.has("repo")) {
      repos.add(git.get("repo").asText());
    }
    if (git.has("repos")) {
      repos.addAll(in.strings(git, "repos", "git."));
    }
    repos.forEach(r -> in.relativePath("git.repos", r));
    GitConfig.Gc gc = in.parsed(git, "gc", d.gc(), GitConfig.Gc::fromKey, "git.");
    String expire = in.text(git, "prune_expire", d.pruneExpire());
    try {
      GitConfig.expireWindow(expire);
    } catch (IllegalArgumentException e) {
      in.problem("git.prune_expire value was set to '" + expire + "', " + e.getMessage());
      expire = d.pruneExpire();
    }
    Optional<String> schedule = in.optionalText(git, "schedule");
    schedule.filter(cron -> !org.quartz.CronExpression.isValidExpression(cron)).ifPresent(cron -> in.problem(
        "git.schedule value was set to '" + cron + "', must be a Quartz cron expression such as '0 0 3 ? * SUN'"));
    return new GitConfig(repos, gc, in.bool(git, "aggressive", false, "git."), expire, schedule);
  }
}
