package org.diskwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Trees laid out as the frameworks write them. Each method names the source file and function it
 * mirrors; names, JSON fields and link shapes are theirs.
 */
final class FrameworkFixtures {
  private final Tree tree;
  private final Path base;

  FrameworkFixtures(Tree tree) {
    this.tree = tree;
    this.base = tree.root();
  }

  private Path file(Path p, int bytes, Duration age) {
    return tree.file(base.relativize(p).toString(), bytes, age);
  }

  /**
   * transformers {@code trainer.py}, {@code Trainer._save_checkpoint}: {@code checkpoint-N} under
   * output_dir with model.safetensors, optimizer.pt, scheduler.pt, rng_state.pth, and last
   * {@code self.state.save_to_json(os.path.join(output_dir, TRAINER_STATE_NAME))} (trainer_state.json,
   * {@code trainer_callback.py} TrainerState: best_global_step, best_model_checkpoint, global_step).
   *
   * @param stateJson trainer_state.json's text; null for a save that never got that far
   */
  Path hfCheckpoint(Path out, int step, String stateJson, Duration age) throws IOException {
    Path c = out.resolve("checkpoint-" + step);
    for (String f : List.of("model.safetensors", "optimizer.pt", "scheduler.pt", "rng_state.pth")) {
      file(c.resolve(f), 512, age);
    }
    if (stateJson != null) {
      Files.writeString(c.resolve("trainer_state.json"), stateJson);
    }
    return tree.age(c, age);
  }

  /**
   * trainer_state.json as {@code TrainerState.save_to_json} writes it ({@code json.dumps(asdict(self),
   * indent=2, sort_keys=True)}), {@code bestStep} null for a transformers without best_global_step.
   */
  static String trainerState(Integer bestStep, String bestCheckpoint, int step) {
    return """
        {
          "best_global_step": %s,
          "best_metric": 0.3141,
          "best_model_checkpoint": %s,
          "epoch": 3.0,
          "eval_steps": 500,
          "global_step": %d,
          "is_hyper_param_search": false,
          "log_history": [{"eval_loss": 0.3141, "step": 500}],
          "save_steps": 500
        }
        """.formatted(bestStep == null ? "null" : bestStep, bestCheckpoint == null ? "null" : '"' + bestCheckpoint + '"',
        step);
  }

  /** Lightning {@code ModelCheckpoint._save_checkpoint} through {@code torch.save}: one file. */
  Path lightningFile(Path dir, String name, Duration age) {
    return file(dir.resolve(name), 256, age);
  }

  /**
   * A {@code last.ckpt} as {@code torch.save} writes Lightning's checkpoint dict, its ModelCheckpoint
   * state naming {@code bestModelPath} (written by python3 without torch:
   * {@code src/test/resources/fixtures/lightning_last_ckpt.py} says what it mirrors).
   */
  Path lightningLast(Path file, Duration age, String bestModelPath, String... otherTopK) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("python3",
        Path.of("src/test/resources/fixtures/lightning_last_ckpt.py").toAbsolutePath().toString(), file.toString(),
        bestModelPath));
    command.addAll(List.of(otherTopK));
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("writing " + file + " failed");
    }
    return tree.age(file, age);
  }

  /**
   * Lightning {@code strategies/deepspeed.py}, {@code DeepSpeedStrategy.save_checkpoint}:
   * {@code deepspeed_engine.save_checkpoint(filepath, client_state=checkpoint, tag="checkpoint")};
   * deepspeed {@code runtime/engine.py} {@code save_checkpoint} writes
   * {@code <filepath>/checkpoint/mp_rank_00_model_states.pt}, one
   * {@code zero_pp_rank_R_mp_rank_00_optim_states.pt} per rank, then {@code <filepath>/latest}
   * holding the tag. {@code files} of the {@code 1 + ranks + 1} files are written, in that order.
   */
  Path lightningSharded(Path dir, String name, int ranks, int files, Duration age) throws IOException {
    Path ckpt = Files.createDirectories(dir.resolve(name));
    for (String f : shardedOrder(ranks).subList(0, files)) {
      if (f.equals("latest")) {
        Files.writeString(ckpt.resolve(f), "checkpoint");
      } else {
        file(ckpt.resolve(f), 256, age);
      }
    }
    return tree.age(ckpt, age);
  }

  /**
   * Lightning {@code strategies/fsdp.py}, {@code FSDPStrategy.save_checkpoint} with
   * {@code state_dict_type="sharded"}: {@code _distributed_checkpoint_save} (torch.distributed.checkpoint's
   * FileSystemWriter: {@code __<rank>_0.distcp} per rank, then {@code .metadata}), then rank 0's
   * {@code torch.save(metadata, path / _METADATA_FILENAME)}, {@code meta.pt}, last.
   */
  Path lightningFsdp(Path dir, String name, int ranks, boolean finished, Duration age) throws IOException {
    Path ckpt = Files.createDirectories(dir.resolve(name));
    for (int r = 0; r < ranks; r++) {
      file(ckpt.resolve("__" + r + "_0.distcp"), 256, age);
    }
    if (finished) {
      file(ckpt.resolve(".metadata"), 64, age);
      file(ckpt.resolve("meta.pt"), 64, age);
    }
    return tree.age(ckpt, age);
  }

  /** The files of {@link #lightningSharded} in the order they are written. */
  static List<String> shardedOrder(int ranks) {
    List<String> order = new java.util.ArrayList<>(List.of("checkpoint/mp_rank_00_model_states.pt"));
    for (int r = 0; r < ranks; r++) {
      order.add("checkpoint/zero_pp_rank_" + r + "_mp_rank_00_optim_states.pt");
    }
    order.add("latest");
    return order;
  }

  /**
   * deepspeed {@code runtime/engine.py}, {@code DeepSpeedEngine.save_checkpoint}: a tag folder
   * {@code global_stepN} (default tag {@code f"global_step{self.global_steps}"}) with the model and
   * optimizer states; {@code latest} (the tag, no newline) written after it.
   */
  Path deepSpeedTag(Path dir, int step, Duration age) throws IOException {
    Path tag = dir.resolve("global_step" + step);
    file(tag.resolve("mp_rank_00_model_states.pt"), 256, age);
    file(tag.resolve("zero_pp_rank_0_mp_rank_00_optim_states.pt"), 256, age);
    return tree.age(tag, age);
  }

  void deepSpeedLatest(Path dir, int step, Duration age) throws IOException {
    Files.writeString(dir.resolve("latest"), "global_step" + step);
    tree.age(dir.resolve("latest"), age);
  }

  /**
   * huggingface_hub {@code file_download.py}: a blob {@code blobs/<etag>} (written as
   * {@code blobs/<etag>.incomplete}, then moved), last read {@code used} ago.
   */
  Path blob(Path repo, String etag, int bytes, Duration modified, Duration used) throws IOException {
    Path b = file(repo.resolve("blobs/" + etag), bytes, modified);
    Files.getFileAttributeView(b, BasicFileAttributeView.class).setTimes(null, FileTime.from(Instant.now().minus(used)),
        null);
    return b;
  }

  /**
   * huggingface_hub {@code file_download.py}, {@code _create_symlink}: each file of
   * {@code snapshots/<commit>/} a relative link {@code ../../blobs/<etag>} (one more {@code ../} per
   * sub-folder).
   */
  Path snapshot(Path repo, String commit, Duration age, String... fileAndEtag) throws IOException {
    Path s = Files.createDirectories(repo.resolve("snapshots/" + commit));
    for (int i = 0; i < fileAndEtag.length; i += 2) {
      Path link = s.resolve(fileAndEtag[i]);
      Files.createDirectories(link.getParent());
      int depth = link.getParent().equals(s) ? 0 : s.relativize(link.getParent()).getNameCount();
      String up = "../".repeat(2 + depth);
      Files.createSymbolicLink(link, Path.of(up + "blobs/" + fileAndEtag[i + 1]));
      Tree.setNoFollow(link, FileTime.from(Instant.now().minus(age)));
    }
    return s;
  }

  /**
   * huggingface_hub {@code file_download.py}, {@code _cache_commit_hash_for_specific_revision}:
   * {@code refs/<revision>} holds the commit hash, no newline.
   */
  Path ref(Path repo, String name, String commit, Duration age) throws IOException {
    Path r = repo.resolve("refs/" + name);
    Files.createDirectories(r.getParent());
    Files.writeString(r, commit);
    return tree.age(r, age);
  }

  /**
   * huggingface_hub {@code file_download.py}, {@code _cache_nonexistence}: an empty file
   * {@code .no_exist/<commit>/<filename>} for a file the revision does not have.
   */
  Path noExist(Path repo, String commit, String filename, Duration age) throws IOException {
    Path f = repo.resolve(".no_exist/" + commit + "/" + filename);
    Files.createDirectories(f.getParent());
    Files.createFile(f);
    tree.age(f, age);
    return tree.age(f.getParent(), age);
  }

  /** Dates every folder under {@code root} {@code age} ago (folders carry the time they were made). */
  static void ageFolders(Path root, Duration age) throws IOException {
    try (Stream<Path> dirs = Files.walk(root)) {
      for (Path d : dirs.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
        Files.setLastModifiedTime(d, FileTime.from(Instant.now().minus(age)));
      }
    }
  }

  /** What {@code du -sB1} says {@code p} takes on disk. */
  static long du(Path p) throws IOException, InterruptedException {
    Process du = new ProcessBuilder("du", "-sB1", p.toString()).start();
    String out = new String(du.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (du.waitFor() != 0) {
      throw new IOException("du -sB1 " + p + " failed");
    }
    return Long.parseLong(out.split("\\s+")[0]);
  }
}
