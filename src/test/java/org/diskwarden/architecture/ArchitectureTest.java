package org.diskwarden.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.List;

/**
 * The shape of the house (ARCHITECTURE.md): data flows one way, from the command line down to the
 * config; nothing calls up, no package cycles, nothing in the root package. An arrow back up fails
 * the build.
 */
@AnalyzeClasses(packages = "org.diskwarden", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  /** Top first: a package may use those below it, never one above it (siblings neither). */
  static final List<String> LAYERS = List.of(
      "cli", "init", "jmx", "metrics", "agent", "schedule", "notify", "git", "sweep", "policy", "archive", "volume", "config", "fs");

  @ArchTest
  static final ArchRule layers = layered();

  @ArchTest
  static final ArchRule noCycles = slices().matching("org.diskwarden.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule nothingInTheRootPackage = noClasses().should().resideInAPackage("org.diskwarden")
      .because("every class belongs to the part of the flow it serves");

  static LayeredArchitecture layered() {
    LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers();
    for (String layer : LAYERS) {
      rule = rule.layer(layer).definedBy("org.diskwarden." + layer + "..");
    }
    for (int i = 0; i < LAYERS.size(); i++) {
      String[] above = LAYERS.subList(0, i).toArray(String[]::new);
      rule = i == 0
          ? rule.whereLayer(LAYERS.get(0)).mayNotBeAccessedByAnyLayer()
          : rule.whereLayer(LAYERS.get(i)).mayOnlyBeAccessedByLayers(above);
    }
    return rule;
  }
}
