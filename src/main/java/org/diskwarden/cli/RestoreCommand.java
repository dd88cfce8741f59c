package org.diskwarden.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.diskwarden.archive.ReplaceableFolder;
import org.diskwarden.archive.Restorer;
import org.diskwarden.fs.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code bin/diskwarden restore ARCHIVE}: puts a compressed entry back beside its archive. */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = {"Puts an archived entry back: v3.tar.zst (or .tar.gz) gives v3 in the same folder "
        + "(or in --to). Refuses to overwrite; the archive stays.",
        "Exit status: 0 restored, 1 refused or failed."})
final class RestoreCommand implements Callable<Integer> {
  @Parameters(paramLabel = "ARCHIVE", description = "An archive diskwarden wrote (.tar.zst or .tar.gz).")
  Path archive;

  @Option(names = "--to", paramLabel = "DIR", description = "Folder to restore into (default: the archive's folder).")
  Path to;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path folder = to != null ? to : archive.toAbsolutePath().getParent();
    try {
      Path into = folder.toAbsolutePath().toRealPath();
      Optional<String> replaceable = ReplaceableFolder.on(into.getRoot(), into);
      if (replaceable.isPresent()) {
        err.println("diskwarden: not restoring " + Names.of(archive) + ": " + replaceable.get());
        err.flush();
        return 1;
      }
      Path restored = Restorer.restore(archive.toAbsolutePath(), folder.toAbsolutePath());
      out.println("Restored " + Names.of(restored) + " from " + Names.of(archive));
      out.flush();
      return 0;
    } catch (FileAlreadyExistsException e) {
      err.println("diskwarden: not restoring: " + Names.escape(String.valueOf(e.getFile()))
          + " already exists (restore never overwrites)");
    } catch (IOException e) {
      err.println("diskwarden: cannot restore " + Names.of(archive) + ": " + Names.escape(String.valueOf(e.getMessage())));
    }
    err.flush();
    return 1;
  }
}
