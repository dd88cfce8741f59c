package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.diskwarden.fs.Dir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The best checkpoint a Trainer run names in its newest finished checkpoint's
 * {@code trainer_state.json} ({@link TrainerState}), and the answer when it cannot be told.
 */
class TrainerStateTest {
  @TempDir
  Path run;

  private Frameworks.Pointer best(String newest, String json, String... entries) throws Exception {
    Path ckpt = Files.createDirectories(run.resolve(newest));
    if (json != null) {
      Files.writeString(ckpt.resolve("trainer_state.json"), json);
    }
    try (Dir folder = Dir.open(run)) {
      return TrainerState.best(folder, newest, Set.of(entries));
    }
  }

  @Test
  void aBestStepOfZero_namesCheckpointZero() throws Exception {
    assertThat(best("checkpoint-500", "{\"best_global_step\": 0, \"best_model_checkpoint\": null}",
        "checkpoint-0", "checkpoint-500")).isEqualTo(new Frameworks.Pointer.Names("checkpoint-0"));
  }

  @Test
  void aBestCheckpointWrittenAsABareName_namesThatEntry() throws Exception {
    assertThat(best("checkpoint-500", "{\"best_model_checkpoint\": \"checkpoint-100\"}", "checkpoint-100",
        "checkpoint-500")).isEqualTo(new Frameworks.Pointer.Names("checkpoint-100"));
  }

  @Test
  void aBestThatIsNoLongerHere_isNamedAsNotFound() throws Exception {
    assertThat(best("checkpoint-500", "{\"best_global_step\": 50, \"best_model_checkpoint\": null}",
        "checkpoint-500")).isEqualTo(new Frameworks.Pointer.NotFound("checkpoint-50"));
  }

  @Test
  void aRunThatNamesNoBest_namesNothing() throws Exception {
    assertThat(best("checkpoint-500", "{\"best_global_step\": null, \"best_model_checkpoint\": null}",
        "checkpoint-500")).isEqualTo(new Frameworks.Pointer.Nothing());
  }

  @Test
  void aCheckpointWithoutTrainerState_namesNothing() throws Exception {
    assertThat(best("checkpoint-500", null, "checkpoint-500")).isEqualTo(new Frameworks.Pointer.Nothing());
  }

  @Test
  void aTrainerStateThatIsNotJson_cannotBeRead_andSaysWhichFile() throws Exception {
    assertThat(best("checkpoint-500", "{\"best_global_step\": 1", "checkpoint-500"))
        .isInstanceOfSatisfying(Frameworks.Pointer.Unreadable.class, u -> assertThat(u.why())
            .startsWith(run.resolve("checkpoint-500/trainer_state.json") + " is not the JSON object the Trainer writes"));
  }

  @Test
  void aTrainerStateThatIsADirectory_cannotBeRead() throws Exception {
    Files.createDirectories(run.resolve("checkpoint-500/trainer_state.json"));

    assertThat(best("checkpoint-500", null, "checkpoint-500")).isInstanceOf(Frameworks.Pointer.Unreadable.class);
  }

  @Test
  void aNewestCheckpointThatIsGoneWhenRead_cannotBeRead() throws Exception {
    try (Dir folder = Dir.open(run)) {
      assertThat(TrainerState.best(folder, "checkpoint-500", Set.of("checkpoint-500")))
          .isInstanceOf(Frameworks.Pointer.Unreadable.class);
    }
  }
}
