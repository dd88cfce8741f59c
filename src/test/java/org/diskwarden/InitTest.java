package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.cli.Main;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.config.Size;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.config.Watches;
import org.diskwarden.sweep.Plan;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** {@code diskwarden init} on the fixture trees, through the command line, and what its config then does. */
class InitTest {
  static final List<String> TREES = InitTrees.NAMES;
  /** What each framework's rules must keep: the best model, the resume point, saves in progress, links. */
  static final Map<String, List<String>> KEPT = Map.of(
      "seed", List.of("current_model", "models/versions/v005", "models/versions/v004",
          "models/backups/db_20261129.sql", "models/backups/redis_20261129.rdb", "logs/train-1.log"),
      "huggingface", List.of("runs/bert/checkpoint-1500", "runs/bert/checkpoint-5500", "runs/bert/checkpoint-6000",
          "runs/bert/checkpoint-6500"),
      "lightning", List.of("lightning_logs/version_0/checkpoints/epoch=2-step=300-val_loss=0.0734.ckpt",
          "lightning_logs/version_0/checkpoints/epoch=5-step=600-val_loss=0.4400.ckpt",
          "lightning_logs/version_0/checkpoints/last.ckpt",
          "lightning_logs/version_1/checkpoints/epoch=1-step=100-val_loss=0.7000.ckpt",
          "lightning_logs/version_1/checkpoints/last.ckpt"),
      "deepspeed", List.of("ds_out/global_step900", "ds_out/global_step1000", "ds_out/latest"),
      "hub-cache", List.of(".cache/huggingface/hub/models--org--bert/snapshots/rev2",
          ".cache/huggingface/hub/models--org--bert/blobs/aaa", ".cache/huggingface/hub/models--org--bert/blobs/ccc"),
      "orbax", List.of("jax_ckpt/5000", "jax_ckpt/4000", "jax_ckpt/6000.orbax-checkpoint-tmp-1733300000"),
      "megatron", List.of("megatron/iter_0000900", "megatron/iter_0001000", "megatron/latest_checkpointed_iteration.txt"),
      "mixed", List.of("current_model", "models/versions/v005", "runs/bert/checkpoint-1500", "runs/bert/best_model",
          "runs/bert/checkpoint-6000", ".cache/huggingface/hub/models--org--bert/snapshots/rev2"));
  /** What each framework's rules let go, so that the keeps above are choices and not an idle rule. */
  static final Map<String, String> RELEASED = Map.of(
      "seed", "models/versions/v001",
      "huggingface", "runs/bert/checkpoint-500",
      "lightning", "lightning_logs/version_0/checkpoints/epoch=0-step=100-val_loss=0.9100.ckpt",
      "deepspeed", "ds_out/global_step100",
      "hub-cache", ".cache/huggingface/hub/models--org--bert/snapshots/rev1",
      "orbax", "jax_ckpt/1000",
      "megatron", "megatron/iter_0000100",
      "mixed", "runs/bert/checkpoint-500");

  @TempDir
  Path dir;

  Path base;
  Path conf;
  Path dropIn;

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectory(dir.resolve("training"));
    conf = Files.createDirectory(dir.resolve("conf")).resolve("diskwarden.yml");
    dropIn = Files.createDirectory(dir.resolve("systemd")).resolve("diskwarden.service.d/watches.conf");
  }

  private int init(Console c, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "init";
    all[1] = base.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    c.reset();
    return Main.execute(all);
  }

  private int write(Console c, String... more) {
    String[] args = new String[4 + more.length];
    args[0] = "--write";
    args[1] = conf.toString();
    args[2] = "--drop-in";
    args[3] = dropIn.toString();
    System.arraycopy(more, 0, args, 4, more.length);
    return init(c, args);
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("TREES")
  void writtenConfig_passesCheckUnchanged_withoutWarnings_andTheDropInNamesTheDirectory(String tree) throws Exception {
    InitTrees.build(tree, base, Instant.now());
    try (Console c = new Console(dir.resolve("logs"))) {
      assertThat(write(c)).as(c.err()).isZero();
      String written = Files.readString(conf);
      assertThat(c.out()).startsWith(written).contains("# What this config would remove now");
      assertThat(Files.getPosixFilePermissions(conf)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));

      c.reset();
      int check = Main.execute("check", "--config", conf.toString());
      assertThat(check).as(c.out() + c.err()).isBetween(0, 2);
      assertThat(c.out()).startsWith("DISKWARDEN ");
      // no warning about the config; the one about the tree (#29: a newest Trainer checkpoint without
      // trainer_state.json is what resume_from_checkpoint=True would pick) is the fixture's saving run
      assertThat(c.out().lines().filter(l -> l.startsWith("WARNING"))).as(c.out())
          .allMatch(l -> l.contains("resume_from_checkpoint=True would pick this partial checkpoint"));
      assertThat(c.err()).doesNotContain("invalid configuration");
      assertThat(Files.readString(conf)).isEqualTo(written);
    }
    assertThat(Files.readString(dropIn)).contains("[Service]\nReadWritePaths=" + base.toRealPath() + "\n");
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("FRAMEWORK_TREES")
  void planAll_keepsEachFrameworksBestModelAndResumePoint_andEverythingUnderProtect(String tree) throws Exception {
    InitTrees.build(tree, base, Instant.now());
    try (Console c = new Console(dir.resolve("logs"))) {
      assertThat(write(c)).as(c.err()).isZero();
    }
    WardenConfig config = ConfigLoader.loadWatches(conf, Optional.empty()).shared();
    Plan plan = new DiskWarden(WatchSetup.of(config, dir.resolve("logs"), Clock.systemUTC())).plan();
    Path real = base.toRealPath();
    Set<Path> going = plan.candidates().stream().map(c -> c.path()).collect(Collectors.toSet());

    assertThat(going).as("released by the rules").contains(real.resolve(RELEASED.get(tree)));
    for (String kept : KEPT.get(tree)) {
      assertThat(going).as(kept).noneMatch(p -> p.startsWith(real.resolve(kept)) || real.resolve(kept).startsWith(p));
    }
    for (String glob : config.protect()) {
      Path link = real.resolve(glob);
      Path target = link.toRealPath();
      assertThat(going).as("protect " + glob).noneMatch(p -> p.startsWith(link) || p.startsWith(target)
          || target.startsWith(p));
    }
  }

  static final List<String> FRAMEWORK_TREES = List.of("seed", "huggingface", "lightning", "deepspeed", "hub-cache",
      "orbax", "megatron", "mixed");

  @Test
  void aConfigThatIsThere_isNeverReplacedWithoutForce_butTheShippedSampleIs() throws Exception {
    InitTrees.build("seed", base, Instant.now());
    Files.writeString(conf, "base_dir: /somewhere/else\n");
    try (Console c = new Console(dir.resolve("logs"))) {
      assertThat(write(c)).isEqualTo(2);
      assertThat(c.err()).contains(conf + " is there").contains("nothing was written").contains("--force");
      assertThat(c.out()).isEmpty();
      assertThat(conf).hasContent("base_dir: /somewhere/else");
      assertThat(dropIn).doesNotExist();

      assertThat(write(c, "--force")).as(c.err()).isZero();
      assertThat(Files.readString(conf)).contains("base_dir: '" + base.toRealPath() + "'");

      Files.writeString(dropIn, "[Service]\nReadWritePaths=/elsewhere\n");
      Files.copy(Path.of("conf/diskwarden.yml"), conf, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertThat(write(c)).isEqualTo(2);
      assertThat(c.err()).contains(dropIn + " is there");
      assertThat(conf).hasSameTextualContentAs(Path.of("conf/diskwarden.yml"));

      Files.delete(dropIn);
      assertThat(write(c)).as("the shipped sample, unchanged, is replaced: " + c.err()).isZero();
      assertThat(Files.readString(conf)).startsWith("# diskwarden config proposed by \"diskwarden init\"");
    }
    try (var left = Files.list(conf.getParent())) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("diskwarden.yml");
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("NOTHING_TREES")
  void anEmptyOrUnrecognizedDirectory_saysWhatItLookedFor_andGetsAMinimalConfigThatRemovesNothing(String tree)
      throws Exception {
    InitTrees.build(tree, base, Instant.now());
    try (Console c = new Console(dir.resolve("logs"))) {
      assertThat(write(c)).as(c.err()).isZero();
      assertThat(c.err()).contains("nothing in " + base.toRealPath() + " looked like what init recognizes")
          .contains("trainer_state.json").contains("models--*").contains("*.log").contains("the config removes nothing");
    }
    WardenConfig config = ConfigLoader.loadWatches(conf, Optional.empty()).shared();
    assertThat(config.policies()).allMatch(p -> !p.enabled());
    assertThat(config.protect()).isEmpty();
    assertThat(new DiskWarden(WatchSetup.of(config, dir.resolve("logs"), Clock.systemUTC())).plan().candidates())
        .isEmpty();
  }

  static final List<String> NOTHING_TREES = List.of("empty", "unrecognized");

  @Test
  void aWatchName_proposesTheDirectoryAsAWatch() throws Exception {
    InitTrees.build("seed", base, Instant.now());
    try (Console c = new Console(dir.resolve("logs"))) {
      assertThat(write(c, "--watch", "train")).as(c.err()).isZero();
      assertThat(init(c, "--watch", "no/slash")).isEqualTo(2);
      assertThat(c.err()).contains("--watch value was set to 'no/slash'");
    }
    Watches watches = ConfigLoader.loadWatches(conf, Optional.empty());
    assertThat(watches.listed()).isTrue();
    assertThat(watches.names()).containsExactly("train");
    assertThat(watches.watches().get(0).config().baseDir()).isEqualTo(base.toRealPath());
  }

  /**
   * Every name in the tree is the user's: a line break, a YAML line separator, quotes and '#' in a
   * folder's or a link's name stay inside a value or a comment and never become a key.
   */
  @Test
  void hostileNames_stayValuesAndComments_neverKeys() throws Exception {
    String versions = "models/v\nmin_free: 0B";
    for (String v : List.of("v001\nmin_free: 0B", "v002\u2028protect: []", "v003' # x", "v004\"\\")) {
      Files.createDirectories(base.resolve(versions).resolve(v));
      Files.writeString(base.resolve(versions).resolve(v).resolve("w.bin"), "x");
    }
    Path hf = Files.createDirectories(base.resolve("run\u0085base_dir: /etc #/checkpoint-1"));
    Files.writeString(hf.resolve("trainer_state.json"), "{}");
    Files.createSymbolicLink(base.resolve("cur[*]\nrent"), Path.of("models"));
    try (Console c = new Console(dir.resolve("logs"))) {
      assertThat(write(c)).as(c.err()).isZero();
    }
    WardenConfig config = ConfigLoader.loadWatches(conf, Optional.empty()).shared();
    assertThat(config.baseDir()).isEqualTo(base.toRealPath());
    assertThat(config.thresholds().minFree()).isGreaterThanOrEqualTo(Size.GB / 20);
    assertThat(config.policies()).extracting(PolicyConfig::path)
        .containsExactlyInAnyOrder("models/v\nmin_free: 0B", "run\u0085base_dir: /etc #");
    assertThat(config.protect()).containsExactly("cur\\[\\*\\]\nrent");
    assertThat(Files.readAllLines(conf)).map(String::strip)
        .noneMatch(l -> l.startsWith("min_free: 0") || l.startsWith("protect: []") || l.startsWith("base_dir: /etc"));
  }
}
