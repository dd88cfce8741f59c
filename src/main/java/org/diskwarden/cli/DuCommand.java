package org.diskwarden.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.diskwarden.config.Size;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "du", mixinStandardHelpOptions = true,
    description = "Size of each PATH as a removal would free it (allocated bytes; a hard-linked file only when "
        + "all its links are inside; links as 0; no other filesystem): the scanner that sizes candidates.")
final class DuCommand implements Callable<Integer> {
  @picocli.CommandLine.Parameters(paramLabel = "PATH", arity = "1..*")
  List<Path> paths;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws java.io.IOException {
    PrintWriter out = spec.commandLine().getOut();
    for (Path p : paths) {
      Path real = p.toRealPath();
      org.diskwarden.policy.Protection none = new org.diskwarden.policy.Protection(
          real.getParent() == null ? real : real.getParent(), List.of());
      long block = org.diskwarden.volume.Volume.of(real, Clock.systemUTC()).blockSize();
      out.println(org.diskwarden.policy.FootprintWalk.measure(real, none, block).bytes() + "\t" + org.diskwarden.fs.Names.of(p));
    }
    out.flush();
    return 0;
  }
}
