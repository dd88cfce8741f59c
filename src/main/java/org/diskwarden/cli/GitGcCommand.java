package org.diskwarden.cli;

import java.io.PrintWriter;
import java.util.List;
import org.diskwarden.agent.BaseDirLock;
import org.diskwarden.agent.DiskWarden;
import picocli.CommandLine.Command;

@Command(name = "git-gc", mixinStandardHelpOptions = true,
    description = "git gc (JGit) of the repositories in git.repos now; exit 0 when every one was compacted, "
        + "1 when one was refused or failed.")
final class GitGcCommand extends ConfiguredCommand {
  @Override
  int call(DiskWarden warden, PrintWriter out) {
    if (watch.isPresent() && warden.status().config().git().repos().isEmpty()) {
      // one watch of several without repositories: nothing to do here, not a failure
      out.println("no repository is configured in this watch (git.repos)");
      return 0;
    }
    try (BaseDirLock lock = warden.acquireLock()) {
      List<org.diskwarden.git.GitGcReport> reports = warden.gitGc();
      reports.forEach(r -> out.println(org.diskwarden.fs.Names.escape(r.summary())));
      return reports.stream().allMatch(org.diskwarden.git.GitGcReport::done) ? 0 : 1;
    } catch (IllegalStateException e) {
      spec.commandLine().getErr().println("diskwarden: " + e.getMessage());
      return 1;
    }
  }
}
