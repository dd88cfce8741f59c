package org.diskwarden.jmx;

import java.time.Duration;
import java.time.ZoneId;
import java.util.function.UnaryOperator;
import org.diskwarden.agent.Agent;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.config.Thinning;
import org.diskwarden.policy.Candidate;

/** One policy's MXBean; it looks its policy up by name in the configuration in force. */
final class PolicyControl implements PolicyMXBean {

  private final Agent warden;
  private final String policy;
  private final Announcer announcer;

  PolicyControl(Agent warden, String policy, Announcer announcer) {
    this.warden = warden;
    this.policy = policy;
    this.announcer = announcer;
  }

  private PolicyConfig current() {
    return warden.status().config().policies().stream().filter(p -> p.name().equals(policy)).findFirst()
        .orElseThrow(() -> new IllegalStateException("policy " + policy + " is no longer configured"));
  }

  private <V> void write(String attribute, String type, V oldValue, V newValue, UnaryOperator<PolicyConfig> change) {
    try {
      warden.update(c -> c.withPolicy(change.apply(current())));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(attribute + " of policy " + policy + " value was set to " + newValue + ": "
          + e.getMessage(), e);
    }
    announcer.changed(attribute, type, oldValue, newValue);
  }

  @Override
  public String getName() {
    return policy;
  }

  @Override
  public String getPath() {
    return current().path();
  }

  @Override
  public String getAction() {
    return current().action().action().key();
  }

  @Override
  public String getLayout() {
    return current().layout().key();
  }

  @Override
  public String[] getKeptBest() {
    return warden.status().lastPlan().stream().flatMap(p -> p.held().stream())
        .filter(h -> h.policy().equals(policy)
            && (h.why() == org.diskwarden.policy.Held.Why.BEST || h.why() == org.diskwarden.policy.Held.Why.NAMED_BY_LATEST))
        .map(h -> h.path().getFileName() + ": " + h.reason()).toArray(String[]::new);
  }

  @Override
  public int getKeepLatest() {
    return current().keepLatest();
  }

  @Override
  public void setKeepLatest(int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("KeepLatest value was set to " + keep + ", must be >= 1");
    }
    write("KeepLatest", "int", getKeepLatest(), keep, p -> p.withKeepLatest(keep));
  }

  @Override
  public double getMaxAgeDays() {
    return current().maxAge().toSeconds() / 86400.0;
  }

  @Override
  public void setMaxAgeDays(double days) {
    if (!Double.isFinite(days) || days < 0) {
      throw new IllegalArgumentException("MaxAgeDays value was set to " + days + ", must be >= 0 (0 = no age rule)");
    }
    write("MaxAgeDays", "double", getMaxAgeDays(), days,
        p -> p.withMaxAge(Duration.ofSeconds(Math.round(days * 86400))));
  }

  private int period(Thinning.Period p) {
    return current().retention().thinning().map(t -> t.count(p)).orElse(0);
  }

  private static Thinning thinning(PolicyConfig c) {
    return c.retention().thinning().orElse(Thinning.none(ZoneId.systemDefault()));
  }

  private void setPeriod(String attribute, Thinning.Period p, int n) {
    if (n < 0) {
      throw new IllegalArgumentException(attribute + " value was set to " + n + ", must be >= 0 (0 = no " + p.key()
          + ")");
    }
    write(attribute, "int", period(p), n, c -> c.withThinning(thinning(c).with(p, n)));
  }

  @Override
  public int getKeepHourly() {
    return period(Thinning.Period.HOURLY);
  }

  @Override
  public void setKeepHourly(int n) {
    setPeriod("KeepHourly", Thinning.Period.HOURLY, n);
  }

  @Override
  public int getKeepDaily() {
    return period(Thinning.Period.DAILY);
  }

  @Override
  public void setKeepDaily(int n) {
    setPeriod("KeepDaily", Thinning.Period.DAILY, n);
  }

  @Override
  public int getKeepWeekly() {
    return period(Thinning.Period.WEEKLY);
  }

  @Override
  public void setKeepWeekly(int n) {
    setPeriod("KeepWeekly", Thinning.Period.WEEKLY, n);
  }

  @Override
  public int getKeepMonthly() {
    return period(Thinning.Period.MONTHLY);
  }

  @Override
  public void setKeepMonthly(int n) {
    setPeriod("KeepMonthly", Thinning.Period.MONTHLY, n);
  }

  @Override
  public int getKeepYearly() {
    return period(Thinning.Period.YEARLY);
  }

  @Override
  public void setKeepYearly(int n) {
    setPeriod("KeepYearly", Thinning.Period.YEARLY, n);
  }

  @Override
  public long getKeepEverySteps() {
    return current().retention().thinning().map(Thinning::everySteps).orElse(0L);
  }

  @Override
  public void setKeepEverySteps(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("KeepEverySteps value was set to " + n + ", must be >= 0 (0 = none)");
    }
    write("KeepEverySteps", "long", getKeepEverySteps(), n, c -> c.withThinning(thinning(c).withEverySteps(n)));
  }

  @Override
  public boolean isEnabled() {
    return current().enabled();
  }

  @Override
  public void setEnabled(boolean enabled) {
    write("Enabled", "boolean", isEnabled(), enabled, p -> p.withEnabled(enabled));
  }

  @Override
  public int getCandidateCount() {
    return (int) warden.status().lastPlan().stream().flatMap(p -> p.candidates().stream())
        .filter(c -> c.policy().equals(policy)).count();
  }

  @Override
  public long getCandidateBytes() {
    return warden.status().lastPlan().stream().flatMap(p -> p.candidates().stream())
        .filter(c -> c.policy().equals(policy)).mapToLong(Candidate::bytes).sum();
  }
}
