package org.diskwarden.jmx;

import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.diskwarden.agent.Agent;
import org.diskwarden.config.Limits;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.config.Thinning;
import org.diskwarden.config.WardenConfig;
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
    return in(warden.status().config());
  }

  private PolicyConfig in(WardenConfig c) {
    return c.policies().stream().filter(p -> p.name().equals(policy)).findFirst()
        .orElseThrow(() -> new IllegalStateException("policy " + policy + " is no longer configured"));
  }

  /** Composes the change from the configuration in force inside the compare-and-set (no lost update). */
  private <V> void write(String attribute, String type, V newValue, Function<PolicyConfig, V> read,
      UnaryOperator<PolicyConfig> change) {
    AtomicReference<V> old = new AtomicReference<>();
    try {
      warden.update(c -> {
        PolicyConfig p = in(c);
        old.set(read.apply(p));
        return c.withPolicy(change.apply(p));
      });
    } catch (IllegalArgumentException e) {
      throw refused(attribute, newValue, e);
    }
    announcer.changed(attribute, type, old.get(), newValue);
  }

  private IllegalArgumentException refused(String attribute, Object value, IllegalArgumentException e) {
    return new IllegalArgumentException(attribute + " of policy " + policy + " value was set to " + value + ": "
        + e.getMessage(), e);
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
    try {
      Limits.keepLatest(keep);
    } catch (IllegalArgumentException e) {
      throw refused("KeepLatest", keep, e);
    }
    write("KeepLatest", "int", keep, PolicyConfig::keepLatest, p -> p.withKeepLatest(keep));
  }

  @Override
  public double getMaxAgeDays() {
    return current().maxAge().toSeconds() / 86400.0;
  }

  @Override
  public void setMaxAgeDays(double days) {
    Duration maxAge;
    try {
      maxAge = Limits.maxAgeDays(days);
    } catch (IllegalArgumentException e) {
      throw refused("MaxAgeDays", days, e);
    }
    write("MaxAgeDays", "double", days, p -> p.maxAge().toSeconds() / 86400.0, p -> p.withMaxAge(maxAge));
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
    write(attribute, "int", n, c -> c.retention().thinning().map(t -> t.count(p)).orElse(0),
        c -> c.withThinning(thinning(c).with(p, n)));
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
    write("KeepEverySteps", "long", n, c -> c.retention().thinning().map(Thinning::everySteps).orElse(0L),
        c -> c.withThinning(thinning(c).withEverySteps(n)));
  }

  @Override
  public boolean isEnabled() {
    return current().enabled();
  }

  @Override
  public void setEnabled(boolean enabled) {
    write("Enabled", "boolean", enabled, PolicyConfig::enabled, p -> p.withEnabled(enabled));
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
