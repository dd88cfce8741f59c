package org.diskwarden.git;

import java.io.IOException;
import java.nio.file.Path;

/** Shell steps for tests in other packages (names Java cannot spell, fixtures made by git). */
public final class GitShell {
  private GitShell() {}

  public static String run(Path dir, String script) throws IOException, InterruptedException {
    return GitFixture.sh(dir, script);
  }
}
