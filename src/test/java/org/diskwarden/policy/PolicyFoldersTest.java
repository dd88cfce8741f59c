package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.diskwarden.Descriptors;
import org.diskwarden.Configs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warning for a policy whose folder is not there to act on ({@link PolicyFolders}). */
class PolicyFoldersTest {
  @TempDir
  Path dir;

  Path base;

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectory(dir.resolve("base")).toRealPath();
  }

  private java.util.List<String> missing(String... paths) throws Exception {
    StringBuilder policies = new StringBuilder();
    for (int i = 0; i < paths.length; i++) {
      policies.append("- name: p").append(i).append("\n  path: ").append(paths[i]).append("\n  keep_latest: 1\n");
    }
    return PolicyFolders.missing(base, Configs.parse(Configs.alwaysLow(base, "", policies.toString())).policies());
  }

  @Test
  void aPolicyWhoseFolderIsThere_twoLevelsDown_isNoWarning() throws Exception {
    Files.createDirectories(base.resolve("models/versions"));

    assertThat(missing("models/versions")).isEmpty();
  }

  @Test
  void eachPolicyWhoseFolderIsMissing_isOneWarning_namingThePolicyThePathAndBaseDir() throws Exception {
    Files.createDirectories(base.resolve("models/versions"));

    assertThat(missing("models/versionz", "models/versions", "logz")).containsExactly(
        "policy p0: its path models/versionz does not exist in " + base + ", so the policy removes nothing (a typo?)",
        "policy p2: its path logz does not exist in " + base + ", so the policy removes nothing (a typo?)");
  }

  @Test
  void aPolicyPathThatIsAFile_orHasAFileOnTheWay_isNotADirectory() throws Exception {
    Files.createDirectories(base.resolve("models"));
    Files.writeString(base.resolve("models/versions"), "a file");

    assertThat(missing("models/versions", "models/versions/inner")).hasSize(2).allSatisfy(w ->
        assertThat(w).contains("is not a directory"));
  }

  @Test
  void aPolicyPathThroughALink_isAWarning_evenWhenTheLinkLeadsToADirectory() throws Exception {
    Files.createDirectories(base.resolve("real/versions"));
    Files.createSymbolicLink(base.resolve("models"), base.resolve("real"));

    assertThat(missing("models/versions")).singleElement().asString()
        .contains("leads through a link (models), which policies never follow");
  }

  @Test
  void checkingTheFolders_onEveryPlanAndReload_leavesNoDescriptorOpen() throws Exception {
    Files.createDirectories(base.resolve("models/versions/deep"));
    long before = Descriptors.open();

    for (int i = 0; i < 50; i++) {
      assertThat(missing("models/versions/deep")).isEmpty();
    }

    // an agent that runs for months checks on each plan: one leaked descriptor per check exhausts its limit
    assertThat(Descriptors.open()).isLessThan(before + 50);
  }
}
