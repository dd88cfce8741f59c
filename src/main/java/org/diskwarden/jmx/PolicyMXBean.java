package org.diskwarden.jmx;

/**
 * One retention policy, {@code org.diskwarden:type=Policy,name=<policy name>}. Writes are validated
 * as the config file is and take effect at the next plan.
 */
@Description("A diskwarden retention policy")
public interface PolicyMXBean {

  @Description("The policy's name")
  String getName();

  @Description("Folder relative to base_dir whose direct children are the policy's entries")
  String getPath();

  @Description("What a sweep does with an entry the policy lets go: delete, compress or move (set in the config file)")
  String getAction();

  @Description("Newest settled entries kept (per group), >= 1; 0 when the policy has only max_age")
  int getKeepLatest();

  void setKeepLatest(int keep);

  @Description("Entries older than this many days are candidates; 0 = no age rule")
  double getMaxAgeDays();

  void setMaxAgeDays(double days);

  @Description("keep_hourly: the newest entry of each of the last N hours that have one is kept; 0 = none")
  int getKeepHourly();

  void setKeepHourly(int n);

  @Description("keep_daily: the newest entry of each of the last N days (agent's local time) that have one is kept; "
      + "0 = none")
  int getKeepDaily();

  void setKeepDaily(int n);

  @Description("keep_weekly: the newest entry of each of the last N ISO weeks that have one is kept; 0 = none")
  int getKeepWeekly();

  void setKeepWeekly(int n);

  @Description("keep_monthly: the newest entry of each of the last N months that have one is kept; 0 = none")
  int getKeepMonthly();

  void setKeepMonthly(int n);

  @Description("keep_yearly: the newest entry of each of the last N years that have one is kept; 0 = none")
  int getKeepYearly();

  void setKeepYearly(int n);

  @Description("keep_every_steps: every entry whose training step is a multiple of N is kept (layouts with steps); "
      + "0 = none")
  long getKeepEverySteps();

  void setKeepEverySteps(long n);

  @Description("false: sweeps skip the policy")
  boolean isEnabled();

  void setEnabled(boolean enabled);

  @Description("What the folder holds: plain, huggingface, lightning, deepspeed, orbax, megatron or hf_cache (set in the config file)")
  String getLayout();

  @Description("Entries the layout or keep_best keeps besides keep_latest in the last plan (best, named by latest), "
      + "each with why")
  String[] getKeptBest();

  @Description("Candidates of the policy in the last plan")
  int getCandidateCount();

  @Description("Bytes its candidates would free, in the last plan")
  long getCandidateBytes();
}
