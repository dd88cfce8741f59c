package org.diskwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.diskwarden.Configs;
import org.diskwarden.Tree;
import org.diskwarden.config.EventType;
import org.diskwarden.notify.Event;
import org.diskwarden.volume.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent surveys once per plan and sweep, and again for the next plan: never an old answer. */
class LastSurveyTest {
  @TempDir
  Path dir;

  @Test
  void aCriticalAfterANewPlan_namesWhatHoldsTheSpaceNow_notWhatTheLastSurveyFound() throws Exception {
    Path base = Files.createDirectory(dir.resolve("base")).toRealPath();
    Tree tree = new Tree(base);
    tree.file("data/first.bin", 2 << 20, Tree.days(1));
    DiskWarden w = new DiskWarden(WatchSetup.of(Configs.parse(Configs.alwaysLow(base, "", """
        - name: logs
          path: logs
          max_age: 7d
        """)), dir.resolve("logs"), Clock.systemUTC()));
    List<Event> events = new CopyOnWriteArrayList<>();
    w.addNotifier(events::add);

    w.plan();
    w.enter(State.CRITICAL);
    tree.file("data/second.bin", 4 << 20, Tree.days(1));
    w.enter(State.OK);
    w.plan();
    w.enter(State.CRITICAL);

    List<Event> critical = events.stream().filter(e -> e.type() == EventType.CRITICAL).toList();
    assertThat(critical).hasSize(2);
    assertThat(critical.get(0).holders().largest().get(0).path()).isEqualTo(base.resolve("data/first.bin"));
    assertThat(critical.get(1).holders().largest().get(0).path()).isEqualTo(base.resolve("data/second.bin"));
  }
}
