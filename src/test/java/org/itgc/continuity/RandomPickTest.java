package org.itgc.continuity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

/** The random pick of a backup can be re-performed from its stored seed. */
class RandomPickTest {

  @Test
  void theSameSeedPicksTheSameBackupAndSeedsSpreadOverAllCandidates() {
    for (long seed = -50; seed < 50; seed++) {
      assertThat(RandomPick.index(seed, 7)).isEqualTo(RandomPick.index(seed, 7)).isBetween(0, 6);
    }
    var picked = new HashSet<Integer>();
    for (long seed = 0; seed < 200; seed++) {
      picked.add(RandomPick.index(seed * 7919, 5));
    }
    assertThat(picked).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    // pinned values: a seed stored years ago must still pick the same backup on any machine and Java version
    assertThat(RandomPick.index(1234567890123L, 10)).isEqualTo(8);
    assertThat(RandomPick.index(42L, 7)).isEqualTo(2);
    assertThatThrownBy(() -> RandomPick.index(1, 0)).hasMessageContaining("nothing to pick");
  }
}
