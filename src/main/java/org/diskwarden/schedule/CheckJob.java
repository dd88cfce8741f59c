package org.diskwarden.schedule;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The scheduled check. Quartz makes a new instance per run, so {@link CheckSchedule}'s job factory
 * hands it the agent's check. A failure is logged once and the schedule goes on.
 */
@DisallowConcurrentExecution
final class CheckJob implements Job {
  private static final Logger LOG = LogManager.getLogger(CheckJob.class);
  private final Runnable check;

  CheckJob(Runnable check) {
    this.check = check;
  }

  @Override
  public void execute(JobExecutionContext context) {
    try {
      check.run();
    } catch (RuntimeException e) {
      LOG.error("Scheduled check failed; the next one runs as scheduled", e);
    }
  }
}
