package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;

/**
 * One random Orbax or Megatron tree for {@link InvariantTest}: finalized steps, saves in flight, crash
 * and rewind leftovers, steps without their metadata, a random keep_latest and thinning. After the
 * sweep the resume point, every save in progress, the newest keep_latest settled entries (a save in
 * progress takes no kept place) and every multiple of keep_every_steps are present.
 */
final class TrainerCases {
  private static final Duration YOUNG = Duration.ofMinutes(5);

  private TrainerCases() {}

  static void run(Random rnd, Path dir, String seed) throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    Path out = Files.createDirectories(base.resolve("out"));
    Instant now = Instant.now();
    // the low bit: the first nextBoolean() of consecutive seeds is the same for every case
    boolean orbax = (rnd.nextInt() & 1) == 0;
    // keep_latest, or max_age alone: then only the layout keeps the resume point
    int keep = rnd.nextInt(4);
    int n = 1 + rnd.nextInt(10);
    long every = rnd.nextBoolean() ? 0 : 100L * (2 + rnd.nextInt(3));
    Set<String> mustStay = new HashSet<>();
    List<String> settled = new ArrayList<>();
    // Megatron: the tracker names one iteration and was written after every old one (a rewind when it names
    // one below the newest); an iteration written after the tracker is a save in progress
    int tracked = 1 + rnd.nextInt(n);
    Instant trackerTime = now.minus(Duration.ofDays(30)).plus(Duration.ofHours(n + 1));
    for (int i = 1; i <= n; i++) {
      int step = i * 100;
      boolean young = rnd.nextInt(8) == 0;
      Instant time = young ? now.minus(YOUNG) : now.minus(Duration.ofDays(30)).plus(Duration.ofHours(i));
      String name;
      boolean isSettled;
      if (orbax) {
        int kind = rnd.nextInt(6);
        boolean tmp = kind == 0;
        boolean metadata = kind != 1;
        name = tmp ? step + (rnd.nextBoolean() ? ".orbax-checkpoint-tmp" : ".orbax-checkpoint-tmp-" + rnd.nextInt(1 << 20))
            : Integer.toString(step);
        entry(out.resolve(name), metadata ? "_CHECKPOINT_METADATA" : null, time);
        isSettled = !tmp && metadata && !young;
      } else {
        name = String.format("iter_%07d", step);
        boolean inProgress = i > tracked && rnd.nextBoolean();
        if (i > tracked && inProgress && !young) {
          time = trackerTime.plusSeconds(60L * i); // written after the tracker: a save in progress
          mustStay.add(name);
        }
        entry(out.resolve(name), null, time);
        if (i == tracked) {
          mustStay.add(name);
        }
        isSettled = i <= tracked && !young;
      }
      if (young) {
        mustStay.add(name);
      }
      if (isSettled) {
        settled.add(name);
        if (every > 0 && step % every == 0) {
          mustStay.add(name);
        }
      }
    }
    if (orbax) {
      // an unfinished step newer than every finalized one is a save in progress
      int newestFinalized = -1;
      try (Stream<Path> s = Files.list(out)) {
        for (Path p : s.toList()) {
          String x = p.getFileName().toString();
          if (x.matches("\\d+") && Files.exists(p.resolve("_CHECKPOINT_METADATA"))) {
            newestFinalized = Math.max(newestFinalized, Integer.parseInt(x));
          }
        }
      }
      if (newestFinalized >= 0) {
        mustStay.add(Integer.toString(newestFinalized)); // the step Orbax restores
      }
      try (Stream<Path> s = Files.list(out)) {
        for (Path p : s.toList()) {
          String x = p.getFileName().toString();
          if (x.matches("\\d+") && Integer.parseInt(x) > newestFinalized) {
            mustStay.add(x);
          }
        }
      }
    } else {
      Path t = Files.writeString(out.resolve("latest_checkpointed_iteration.txt"), Integer.toString(tracked * 100));
      Files.setLastModifiedTime(t, FileTime.from(trackerTime));
      mustStay.add("latest_checkpointed_iteration.txt");
      entry(out.resolve("release"), null, now.minus(Duration.ofDays(60)));
      mustStay.add("release");
    }
    // the resume point and the newest keep settled entries
    settled.sort(java.util.Comparator.comparingInt((String x) -> Integer.parseInt(x.replaceAll("\\D", ""))).reversed());
    settled.stream().limit(keep).forEach(mustStay::add);
    String thinning = (every > 0 ? "keep_every_steps: " + every + "\n" : "")
        + (rnd.nextBoolean() ? "keep_daily: " + (1 + rnd.nextInt(3)) + "\n" : "");
    String yaml = Configs.alwaysLow(base, "min_age: 30m", """
        - name: out
          path: out
          layout: %s
          %s
        %s""".formatted(orbax ? "orbax" : "megatron", keep > 0 ? "keep_latest: " + keep : "max_age: 1d",
        thinning.indent(2)));
    new DiskWarden(WatchSetup.of(Configs.parse(yaml), dir.resolve("logs"), Clock.systemUTC()))
        .clean(true, false).orElseThrow();
    for (String name : mustStay) {
      assertThat(Files.exists(out.resolve(name), LinkOption.NOFOLLOW_LINKS))
          .as(seed + " " + (orbax ? "orbax" : "megatron") + ": " + name + " must stay\n" + yaml).isTrue();
    }
  }

  /** A checkpoint folder with two shards (and {@code marker} when given), everything dated {@code time}. */
  private static void entry(Path p, String marker, Instant time) throws IOException {
    Files.createDirectories(p.resolve("mp_rank_00"));
    Files.write(p.resolve("mp_rank_00/shard.bin"), new byte[256]);
    Files.write(p.resolve("mp_rank_00/optim.bin"), new byte[128]);
    if (marker != null) {
      Files.writeString(p.resolve(marker), "{}");
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Tree.setNoFollow(f, FileTime.from(time));
      }
    }
  }
}
