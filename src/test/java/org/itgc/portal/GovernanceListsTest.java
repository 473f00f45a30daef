package org.itgc.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.itgc.access.Revocations;
import org.junit.jupiter.api.Test;

/** When the dashboard counts a removal as past its SLA (AC-02). */
class GovernanceListsTest {

  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  private static Revocations.Item item(Instant deadline, Instant removedAt, Boolean metSla) {
    return new Revocations.Item(1, "REV-1", "E-1", "Erin", "termination", NOW.minusSeconds(864_000), 7, "ERP-GL",
        "GL_JOURNAL_POST", false, 2, deadline, removedAt, removedAt == null ? null : "sam", null, null,
        removedAt == null ? null : 3, metSla, null, removedAt == null ? "open" : "removed");
  }

  @Test
  void aRemovalThatTookLongerThanItsSlaIsABreach() {
    assertThat(GovernanceLists.breached(item(NOW.minusSeconds(86_400), NOW.minusSeconds(3_600), false), NOW)).isTrue();
  }

  @Test
  void aRemovalWithinItsSlaIsNot() {
    assertThat(GovernanceLists.breached(item(NOW.minusSeconds(3_600), NOW.minusSeconds(86_400), true), NOW)).isFalse();
  }

  @Test
  void anOpenRemovalIsABreachOnlyOnceItsDeadlineHasPassed() {
    assertThat(GovernanceLists.breached(item(NOW.minusSeconds(1), null, null), NOW)).isTrue();
    assertThat(GovernanceLists.breached(item(NOW.plusSeconds(3_600), null, null), NOW)).isFalse();
    assertThat(GovernanceLists.breached(item(null, null, null), NOW)).isFalse();
  }
}
