package org.diskwarden.config;

/**
 * {@code keep_best}: the {@code count} best entries by a metric written as {@code NAME=VALUE} in the
 * entry's name (Lightning's {@code epoch=3-step=400-val_loss=0.0734.ckpt}), kept besides keep_latest.
 *
 * @param metric the name before {@code =}
 * @param lowerIsBetter mode min (a loss) or max (an accuracy)
 * @param count how many to keep (>= 1)
 */
public record KeepBest(String metric, boolean lowerIsBetter, int count) {
  public KeepBest {
    if (count < 1) {
      throw new IllegalArgumentException("keep_best.count value was set to " + count + ", must be >= 1");
    }
  }
}
