package org.diskwarden.git;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.eclipse.jgit.lib.ProgressMonitor;

/**
 * JGit's progress, logged at task boundaries and at most once every few seconds within a task
 * (TextProgressMonitor would print hundreds of lines); cancels the gc when the agent stops.
 */
final class GcProgress implements ProgressMonitor {
  private static final Logger LOG = LogManager.getLogger(GcProgress.class);
  private static final Duration EVERY = Duration.ofSeconds(5);

  private final String repo;
  private final Clock clock;
  private final BooleanSupplier cancelled;
  private String task = "";
  private int total;
  private long done;
  private Instant lastLine = Instant.MIN;

  GcProgress(String repo, Clock clock, BooleanSupplier cancelled) {
    this.repo = repo;
    this.clock = clock;
    this.cancelled = cancelled;
  }

  @Override
  public void start(int totalTasks) {
    LOG.info("git gc {}: started", repo);
  }

  @Override
  public void beginTask(String title, int totalWork) {
    task = title;
    total = totalWork;
    done = 0;
    lastLine = clock.instant();
    LOG.info("git gc {}: {}{}", repo, title, totalWork == UNKNOWN ? "" : " (" + totalWork + ")");
  }

  @Override
  public void update(int completed) {
    done += completed;
    Instant now = clock.instant();
    if (total > 0 && now.isAfter(lastLine.plus(EVERY))) {
      lastLine = now;
      LOG.info("git gc {}: {} {}%", repo, task, done * 100 / total);
    }
  }

  @Override
  public void endTask() {
    LOG.debug("git gc {}: {} done", repo, task);
  }

  @Override
  public boolean isCancelled() {
    return cancelled.getAsBoolean();
  }

  @Override
  public void showDuration(boolean enabled) {
    // our lines carry their own timestamps
  }
}
