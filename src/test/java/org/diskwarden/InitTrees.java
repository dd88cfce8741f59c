package org.diskwarden;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training trees {@code diskwarden init} is tried on, as the frameworks and the seed's layout
 * write them: every file of a fixed size and every name dated relative to {@code now}, so what init
 * says of them (counts, ages, the recent fill rate) is the same on every run.
 */
public final class InitTrees {
  /** The trees, by the name of their golden file. */
  public static final List<String> NAMES =
      List.of("seed", "huggingface", "lightning", "deepspeed", "hub-cache", "orbax", "megatron", "mixed", "empty",
          "unrecognized");

  private final Path base;
  private final Instant now;
  private final Map<Path, Duration> ages = new HashMap<>();

  private InitTrees(Path base, Instant now) {
    this.base = base;
    this.now = now;
  }

  /** Builds the tree {@code name} in {@code base} (an empty directory), dated from {@code now}. */
  public static void build(String name, Path base, Instant now) throws IOException {
    InitTrees t = new InitTrees(base, now);
    switch (name) {
      case "seed" -> t.seed("");
      case "huggingface" -> t.huggingFace("runs/bert");
      case "lightning" -> t.lightning();
      case "deepspeed" -> t.deepSpeed();
      case "hub-cache" -> t.hubCache();
      case "orbax" -> t.orbax();
      case "megatron" -> t.megatron();
      case "mixed" -> t.mixed();
      case "empty" -> { }
      case "unrecognized" -> t.unrecognized();
      default -> throw new IllegalArgumentException(name);
    }
    t.date();
  }

  /** The incident's layout: versions, backups of two types, logs, a current_model link. */
  private void seed(String under) throws IOException {
    for (int v = 1; v <= 5; v++) {
      String dir = under + "models/versions/v00" + v;
      file(dir + "/weights.bin", 4096, days(6 - v));
      file(dir + "/config.json", 2, days(6 - v));
    }
    for (String type : List.of("db", "redis")) {
      String ext = type.equals("db") ? ".sql" : ".rdb";
      file(under + "models/backups/" + type + "_20261122" + ext, 2048, days(9));
      file(under + "models/backups/" + type + "_20261129" + ext, 2048, days(2));
    }
    for (int d : new int[] {10, 8, 1}) {
      file(under + "logs/train-" + d + ".log", 100, days(d));
    }
    link(under + "current_model", "models/versions/v005", days(1));
  }

  /** A Trainer output_dir: checkpoint-500..6000 finished, the best named in trainer_state.json, one saving. */
  private void huggingFace(String out) throws IOException {
    for (int step = 500; step <= 6000; step += 500) {
      String c = out + "/checkpoint-" + step;
      file(c + "/model.safetensors", 1024, days(13 - step / 500));
      file(c + "/optimizer.pt", 512, days(13 - step / 500));
      text(c + "/trainer_state.json", "{\"best_metric\": 0.41, \"best_model_checkpoint\": \"" + out
          + "/checkpoint-1500\", \"global_step\": " + step + "}\n", days(13 - step / 500));
    }
    file(out + "/checkpoint-6500/model.safetensors", 1024, Duration.ofHours(2));
    file(out + "/config.json", 2, days(13));
    file(out + "/model.safetensors", 1024, days(13));
  }

  /** Two Lightning versions: named checkpoints with val_loss, last.ckpt as a file and as a link. */
  private void lightning() throws IOException {
    double[] losses = {0.91, 0.52, 0.0734, 0.33, 0.21, 0.44};
    for (int e = 0; e < losses.length; e++) {
      file(String.format(Locale.ROOT, "lightning_logs/version_0/checkpoints/epoch=%d-step=%d-val_loss=%.4f.ckpt", e,
          (e + 1) * 100, losses[e]), 512, days(10 - e));
    }
    file("lightning_logs/version_0/checkpoints/last.ckpt", 512, days(4));
    file("lightning_logs/version_0/hparams.yaml", 10, days(10));
    file("lightning_logs/version_1/checkpoints/epoch=0-step=50-val_loss=0.8000.ckpt", 512, days(3));
    file("lightning_logs/version_1/checkpoints/epoch=1-step=100-val_loss=0.7000.ckpt", 512, days(2));
    link("lightning_logs/version_1/checkpoints/last.ckpt", "epoch=1-step=100-val_loss=0.7000.ckpt", days(2));
  }

  /** A save_checkpoint dir: global_step100..1000, latest naming global_step900 (1000 is saving). */
  private void deepSpeed() throws IOException {
    for (int step = 100; step <= 1000; step += 100) {
      file("ds_out/global_step" + step + "/mp_rank_00_model_states.pt", 512, days(11 - step / 100));
    }
    text("ds_out/latest", "global_step900", days(2));
    text("ds_out/zero_to_fp32.py", "# converter\n", days(11));
  }

  /**
   * An Orbax CheckpointManager directory as orbax's path/atomicity.py writes it: finalized steps 1000..5000
   * with _CHECKPOINT_METADATA, and step 6000 in flight under its tmp name.
   */
  private void orbax() throws IOException {
    for (int step = 1000; step <= 5000; step += 1000) {
      file("jax_ckpt/" + step + "/state/array_metadatas/process_0", 512, days(8 - step / 1000));
      text("jax_ckpt/" + step + "/_CHECKPOINT_METADATA", "{\"init_timestamp_nsecs\": 1}\n", days(8 - step / 1000));
    }
    file("jax_ckpt/6000.orbax-checkpoint-tmp-1733300000/state.orbax-checkpoint-tmp-1733300001/process_0", 512,
        Duration.ofMinutes(5));
  }

  /**
   * A Megatron-LM save dir as megatron/training/checkpointing.py writes it: iter_0000100..0001000, the
   * tracker naming 900 (1000 is saving).
   */
  private void megatron() throws IOException {
    for (int it = 100; it <= 1000; it += 100) {
      file(String.format(Locale.ROOT, "megatron/iter_%07d/mp_rank_00/model_optim_rng.pt", it), 512,
          days(11 - it / 100));
    }
    text("megatron/latest_checkpointed_iteration.txt", "900", days(2).minusHours(1));
  }

  /** The hub cache: a model with an old revision and the one refs/main names, and a dataset. */
  private void hubCache() throws IOException {
    String bert = ".cache/huggingface/hub/models--org--bert";
    file(bert + "/blobs/aaa", 300, days(90));
    file(bert + "/blobs/bbb", 4096, days(90));
    file(bert + "/blobs/ccc", 4096, days(5));
    link(bert + "/snapshots/rev1/config.json", "../../blobs/aaa", days(90));
    link(bert + "/snapshots/rev1/model.safetensors", "../../blobs/bbb", days(90));
    link(bert + "/snapshots/rev2/config.json", "../../blobs/aaa", days(5));
    link(bert + "/snapshots/rev2/model.safetensors", "../../blobs/ccc", days(5));
    text(bert + "/refs/main", "rev2", days(5));
    String data = ".cache/huggingface/hub/datasets--org--squad";
    file(data + "/blobs/ddd", 2048, days(60));
    link(data + "/snapshots/rev9/train.parquet", "../../blobs/ddd", days(60));
    text(data + "/refs/main", "rev9", days(60));
  }

  /** The seed's layout, a Trainer run with a best_model link, a hub cache and a git repository. */
  private void mixed() throws IOException {
    seed("");
    huggingFace("runs/bert");
    link("runs/bert/best_model", "checkpoint-1500", days(3));
    hubCache();
    text("tools/tokenizer/.git/HEAD", "ref: refs/heads/main\n", days(20));
    text("tools/tokenizer/train.py", "print()\n", days(20));
  }

  /** Files with nothing to recognize in their names. */
  private void unrecognized() throws IOException {
    text("notes.txt", "hello\n", days(3));
    file("data/corpus.bin", 8192, days(20));
    text("src/train.py", "print()\n", days(1));
  }

  private Duration days(long n) {
    return Duration.ofDays(n);
  }

  private void file(String rel, int bytes, Duration age) throws IOException {
    byte[] data = new byte[bytes];
    new java.util.Random(rel.hashCode()).nextBytes(data);
    write(rel, data, age);
  }

  private void text(String rel, String content, Duration age) throws IOException {
    write(rel, content.getBytes(StandardCharsets.UTF_8), age);
  }

  private void write(String rel, byte[] data, Duration age) throws IOException {
    Path p = base.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, data);
    ages.put(p, age);
  }

  private void link(String rel, String target, Duration age) throws IOException {
    Path p = base.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.createSymbolicLink(p, Path.of(target));
    ages.put(p, age);
  }

  /**
   * Sets every recorded time, then each folder's to its newest content's (as a save leaves it), the
   * deepest first.
   */
  private void date() throws IOException {
    for (Map.Entry<Path, Duration> e : ages.entrySet()) {
      set(e.getKey(), now.minus(e.getValue()));
    }
    List<Path> dirs;
    try (Stream<Path> s = Files.walk(base)) {
      dirs = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
    }
    for (Path d : dirs) {
      Instant newest;
      try (Stream<Path> s = Files.list(d)) {
        newest = s.map(InitTrees::mtime).max(Comparator.naturalOrder()).orElse(now.minus(days(30)));
      }
      set(d, newest);
    }
  }

  private static Instant mtime(Path p) {
    try {
      return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void set(Path p, Instant t) throws IOException {
    Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(FileTime.from(t), FileTime.from(t), null);
  }
}
