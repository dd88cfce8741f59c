package org.diskwarden.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Real repositories made with the C git, and git's own verdict on them. */
final class GitFixture {
  private GitFixture() {}

  /**
   * A repository with 200 small commits (many loose objects), a 2 MB blob rewritten five times, a tag
   * and a branch, and unreachable objects from a deleted branch, every object dated a month back.
   */
  static void build(Path repo) throws IOException, InterruptedException {
    sh(repo.getParent(), """
        set -e
        git init -q -b main %1$s
        cd %1$s
        git config user.email t@example.com && git config user.name t && git config gc.auto 0
        for i in $(seq 1 200); do echo "line $i" >> file.txt; git add file.txt; git commit -q -m "c$i"; done
        for i in 1 2 3 4 5; do head -c 2097152 /dev/urandom > big.bin; git add big.bin; git commit -q -m "big $i"; done
        git tag v1 && git branch side HEAD~3
        git checkout -q -b doomed
        for i in 1 2 3; do head -c 1048576 /dev/urandom > doomed.bin; git add doomed.bin; git commit -q -m "d$i"; done
        git checkout -q main && git branch -D -q doomed && git reflog expire --expire=now --all
        find .git/objects -type f -exec touch -d '30 days ago' {} +
        """.formatted(repo.getFileName()));
  }

  static String sh(Path dir, String script) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s%n%s", script, out).isZero();
    return out;
  }

  static int exit(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return p.waitFor();
  }

  static List<String> refs(Path repo) throws IOException, InterruptedException {
    return sh(repo, "git -c safe.directory='*' for-each-ref --format='%(refname) %(objectname)'").lines().sorted().toList();
  }
}
