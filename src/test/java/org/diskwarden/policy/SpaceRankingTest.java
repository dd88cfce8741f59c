package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which places an alert lists ({@link SpaceRanking}), from places as the walk measured them: the
 * largest eight, none under 1%, a directory told by its parts only when they say more than it does,
 * and everything not listed counted once as "other".
 */
class SpaceRankingTest {
  private static final Path BASE = Path.of("/srv/base");

  private final Protection protection = Protection.forMessages(BASE, List.of("keep"));
  private final SpaceRanking ranking = new SpaceRanking(BASE, protection,
      new java.util.HashMap<>(Map.of(Path.of("models"), "model-versions")));

  /** A place the walk measured: {@code parts} (largest first) are what it kept of its largest parts. */
  private static SpaceWalk.Node node(String rel, long bytes, SpaceWalk.Node... parts) {
    SpaceWalk.Node n = new SpaceWalk.Node(Path.of(rel), parts.length > 0);
    n.bytes = bytes;
    n.parts = List.of(parts);
    return n;
  }

  private static SpaceRanking.Piece piece(SpaceWalk.Node n) {
    return SpaceRanking.Piece.of(n);
  }

  private SpaceHolders rank(SpaceRanking.Piece... pieces) {
    return ranking.rank(List.of(pieces), 0, Optional.empty());
  }

  private static List<String> listed(SpaceHolders found) {
    return found.largest().stream()
        .map(h -> BASE.relativize(h.path()) + (h.rest() ? " (rest)" : "") + "=" + h.bytes()).toList();
  }

  @Test
  void tenPlaces_theLargestEightAreListedLargestFirst_theOtherTwoAreCountedOnce() {
    List<SpaceRanking.Piece> pieces = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      pieces.add(piece(node("f" + i, 100L * i)));
    }

    SpaceHolders found = ranking.rank(pieces, 0, Optional.empty());

    assertThat(listed(found)).containsExactly("f10=1000", "f9=900", "f8=800", "f7=700", "f6=600", "f5=500",
        "f4=400", "f3=300");
    assertThat(found.otherBytes()).isEqualTo(300);
    assertThat(found.otherPlaces()).isEqualTo(2);
    assertThat(found.otherByStays()).isEqualTo(Map.of(Holder.Stays.NO_POLICY, 300L));
    assertThat(found.underBase()).isEqualTo(5500);
  }

  @Test
  void aPlaceOfExactlyOnePercent_isListed_oneByteLessIsOther() {
    SpaceHolders found = rank(piece(node("big", 9801)), piece(node("share", 100)), piece(node("less", 99)));

    assertThat(listed(found)).containsExactly("big=9801", "share=100");
    assertThat(found.otherBytes()).isEqualTo(99);
    assertThat(found.otherPlaces()).isEqualTo(1);
  }

  @Test
  void anEmptyFile_isAnOtherPlace_anEmptyRestOfADirectoryIsNoPlaceAtAll() {
    SpaceHolders found = rank(piece(node("d", 1000, node("d/x", 1000))), piece(node("empty", 0)));

    assertThat(listed(found)).containsExactly("d/x=1000");
    assertThat(found.otherPlaces()).isEqualTo(1);
    assertThat(found.otherBytes()).isZero();
    // nothing other holds bytes: no "no policy covers it: 0 B" line
    assertThat(found.otherByStays()).isEmpty();
  }

  @Test
  void aSmallRestOfADirectory_isCountedAsOther_withItsBytes() {
    SpaceHolders found = rank(piece(node("d", 10_000, node("d/big", 9990))));

    assertThat(listed(found)).containsExactly("d/big=9990");
    assertThat(found.otherBytes()).isEqualTo(10);
    assertThat(found.otherPlaces()).isEqualTo(1);
    assertThat(found.otherByStays()).isEqualTo(Map.of(Holder.Stays.NO_POLICY, 10L));
  }

  @Test
  void aDirectoryOnePartHoldsMostOf_isToldByThatPartAndItsRest_evenWhenGivenLast() {
    List<SpaceRanking.Piece> pieces = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      pieces.add(piece(node("f" + i, 100)));
    }
    pieces.add(piece(node("d", 2000, node("d/a", 1500))));

    SpaceHolders found = ranking.rank(pieces, 0, Optional.empty());

    assertThat(listed(found)).startsWith("d/a=1500", "d (rest)=500");
  }

  @Test
  void aDirectoryHalfInEachOfTwoParts_isToldByBothParts_notByOnePartAndTheRest() {
    SpaceHolders found = rank(piece(node("d", 1000, node("d/a", 500), node("d/b", 500))));

    assertThat(listed(found)).containsExactlyInAnyOrder("d/a=500", "d/b=500");
  }

  @Test
  void aDirectoryWhoseListedPartsHoldExactlyThreeQuarters_isToldByThem_andItsRest() {
    SpaceHolders found = rank(piece(node("d", 1000, node("d/a", 450), node("d/b", 300), node("d/c", 5))));

    // d/c is under 1%: it is in the rest of d, not beside it
    assertThat(listed(found)).containsExactly("d/a=450", "d/b=300", "d (rest)=250");
    assertThat(found.otherPlaces()).isZero();
  }

  @Test
  void aPartOfExactlyOnePercent_countsTowardsTheThreeQuarters() {
    SpaceHolders found = rank(piece(node("d", 1000, node("d/a", 400), node("d/b", 345), node("d/c", 10))));

    assertThat(listed(found)).containsExactly("d/a=400", "d/b=345", "d (rest)=245", "d/c=10");
  }

  @Test
  void aDirectoryWhosePartsHoldLessThanThreeQuarters_isListedWhole() {
    SpaceHolders found = rank(piece(node("d", 1000, node("d/a", 300), node("d/b", 300))));

    assertThat(listed(found)).containsExactly("d=1000");
  }

  @Test
  void aDirectoryIsToldByItsParts_whenTheyFillTheListExactly() {
    SpaceWalk.Node[] parts = new SpaceWalk.Node[8];
    for (int i = 0; i < 8; i++) {
      parts[i] = node("d/p" + i, 1000);
    }
    // two tiny places beside it: under 1%, they take no line of the list
    SpaceHolders found = rank(piece(node("d", 8000, parts)), piece(node("t1", 5)), piece(node("t2", 5)));

    assertThat(found.largest()).hasSize(8).allSatisfy(h -> assertThat(h.path().getParent()).isEqualTo(BASE.resolve("d")));
    assertThat(found.otherPlaces()).isEqualTo(2);
    assertThat(found.otherBytes()).isEqualTo(10);
  }

  @Test
  void aDirectoryIsListedWhole_whenItsPartsAndItsRestWouldTakeOneLineMoreThanTheList() {
    SpaceWalk.Node[] parts = new SpaceWalk.Node[8];
    for (int i = 0; i < 8; i++) {
      parts[i] = node("d/p" + i, 1000);
    }
    // found 8100, so 1% is 81: the rest of d (81) would take a ninth line
    SpaceHolders found = rank(piece(node("d", 8081, parts)), piece(node("t", 19)));

    assertThat(listed(found)).containsExactly("d=8081");
  }

  @Test
  void aDirectoryIsListedWhole_whenAPlaceOfExactlyOnePercentBesideItLeavesNoRoomForItsParts() {
    SpaceWalk.Node[] parts = new SpaceWalk.Node[8];
    for (int i = 0; i < 8; i++) {
      parts[i] = node("d/p" + i, 1000);
    }
    SpaceHolders found = rank(piece(node("d", 8000, parts)), piece(node("f", 1000)));

    assertThat(listed(found)).containsExactly("d=8000", "f=1000");

    SpaceHolders atTheFloor = rank(piece(node("d", 8000, parts)), piece(node("s", 81)), piece(node("t", 19)));
    assertThat(listed(atTheFloor)).containsExactly("d=8000", "s=81");
  }

  @Test
  void aChainOfSingleDirectories_isFollowedSixtyFourLevelsDown_andNoFurther() {
    SpaceWalk.Node leaf = node(chain(70), 1000);
    SpaceWalk.Node n = leaf;
    for (int depth = 69; depth >= 1; depth--) {
      n = node(chain(depth), 1000, n);
    }

    SpaceHolders found = rank(piece(node("f", 100)), piece(n));

    assertThat(listed(found)).containsExactly(chain(65) + "=1000", "f=100");
    assertThat(found.otherPlaces()).isZero();
  }

  private static String chain(int depth) {
    return String.join("/", java.util.Collections.nCopies(depth, "c"));
  }

  @Test
  void aPlaceNotAllMeasured_saysItIsAtLeastThatLarge() {
    SpaceWalk.Node n = node("data", 1000);
    n.partial = true;

    Holder h = rank(piece(n)).largest().get(0);

    assertThat(h.reason()).isEqualTo("no policy covers it (at least: not all of it was measured)");
  }

  @Test
  void aStrayFileInAPolicysFolder_saysItIsNotOneOfThePolicysEntries() {
    Holder h = rank(piece(node("models/stray.bin", 1000))).largest().get(0);

    assertThat(h.stays()).isEqualTo(Holder.Stays.NO_POLICY);
    assertThat(h.reason())
        .isEqualTo("no policy covers it (in the folder of policy model-versions, not one of its entries)");
  }

  @Test
  void aProtectedDirectory_isListedWhole_withItsRule() {
    Holder h = rank(piece(node("keep", 1000, node("keep/a", 900)))).largest().get(0);

    assertThat(h.path()).isEqualTo(BASE.resolve("keep"));
    assertThat(h.stays()).isEqualTo(Holder.Stays.PROTECTED);
    assertThat(h.reason()).isEqualTo("protected by 'keep'");
  }
}
