package org.diskwarden.agent;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.git.GitGcReport;
import org.diskwarden.notify.Notifier;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.volume.State;

/**
 * The agent as the JMX beans drive it: its status, and the operations a role may call. Work that
 * walks or changes the tree runs on the scheduler's worker, never beside a check or a sweep.
 */
public interface Agent {
  /** What the agent knows (the read model). */
  AgentStatus status();

  /** Puts {@code change} applied to the configuration in force (validated; see {@link Settings#update}). */
  WardenConfig update(UnaryOperator<WardenConfig> change);

  /** Loads the config file again; a bad file changes nothing. */
  WardenConfig reload() throws ConfigException;

  /** The state now, on the worker (a plan only below the trigger). */
  State assessNow();

  /** A plan of the volume as it is now, made on the worker. */
  Plan previewNow();

  /** One cleanup on the worker, even above the trigger; busy when a sweep was already running. */
  Cleanup cleanNow();

  /** git gc of every configured repository, on the worker. */
  List<GitGcReport> gitGcNow();

  void addNotifier(Notifier notifier);

  void removeNotifier(Notifier notifier);
}
