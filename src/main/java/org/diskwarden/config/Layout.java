package org.diskwarden.config;

import java.util.Locale;
import java.util.Optional;

/**
 * What a policy's folder holds, as a training framework writes it: which children are entries, how
 * they are ordered, what makes one finished, and what a framework's own files say must stay.
 */
public enum Layout implements Keyed {
  /** Every direct child is an entry (the default). */
  PLAIN(Optional.empty(), OrderBy.MTIME),
  /** A Hugging Face Trainer output_dir: checkpoint-N directories, finished when trainer_state.json is in. */
  HUGGINGFACE(Optional.of("trainer_state.json"), OrderBy.STEP),
  /** A Lightning ModelCheckpoint dirpath: *.ckpt files and directories; last.ckpt is never an entry. */
  LIGHTNING(Optional.empty(), OrderBy.STEP),
  /** A DeepSpeed save_checkpoint dir: tag directories; the tag named in latest stays. */
  DEEPSPEED(Optional.empty(), OrderBy.STEP),
  /**
   * An Orbax CheckpointManager directory: finalized {@code <step>/} folders holding
   * {@code _CHECKPOINT_METADATA}; {@code <step>.orbax-checkpoint-tmp*} is a save in flight or its leftover.
   */
  ORBAX(Optional.of("_CHECKPOINT_METADATA"), OrderBy.STEP),
  /**
   * A Megatron-LM/NeMo save dir: {@code iter_NNNNNNN/} folders; {@code latest_checkpointed_iteration.txt}
   * names the one a restart resumes from.
   */
  MEGATRON(Optional.empty(), OrderBy.STEP),
  /** The Hugging Face hub cache: revisions of models--/datasets--/spaces-- repositories, with shared blobs. */
  HF_CACHE(Optional.empty(), OrderBy.MTIME);

  private final Optional<String> marker;
  private final OrderBy order;

  Layout(Optional<String> marker, OrderBy order) {
    this.marker = marker;
    this.order = order;
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The complete_marker this layout implies when the policy gives none. */
  public Optional<String> defaultMarker() {
    return marker;
  }

  /** The order this layout implies when the policy gives no order_by. */
  public OrderBy defaultOrder() {
    return order;
  }

  /** Whether its entries carry a training step in their names (keep_every_steps applies). */
  public boolean hasSteps() {
    return order == OrderBy.STEP;
  }

  /** The layouts whose entries have steps, as a sentence for errors. */
  public static String withSteps() {
    java.util.List<String> keys = java.util.Arrays.stream(values()).filter(Layout::hasSteps).map(Layout::key).toList();
    return "layout " + String.join(", ", keys.subList(0, keys.size() - 1)) + " or " + keys.get(keys.size() - 1);
  }

  /**
   * @throws IllegalArgumentException when {@code key} names no layout
   */
  public static Layout fromKey(String key) {
    return Keyed.parse(Layout.class, key);
  }
}
