package org.itgc.continuity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.junit.jupiter.api.Test;

/** The DR test's form rules, without the engine. */
class DrTestRulesTest {

  @Test
  void aPlanNeedsEveryFieldAndADate() {
    List<FieldError> errors = new ArrayList<>();
    assertThat(DrTestRules.plannedDate("Data centre loss", "ivan, sofia", "2027-01-20T00:00:00Z", errors))
        .isEqualTo(LocalDate.of(2027, 1, 20));
    assertThat(errors).isEmpty();
    assertThat(DrTestRules.plannedDate(null, " ", "20 January", errors)).isNull();
    assertThat(errors).extracting(FieldError::field).containsExactly("scenario", "participants", "plannedDate");
    assertThat(errors.get(2).reason()).isEqualTo("'20 January' is not a date such as 2027-01-20");
  }

  @Test
  void serviceComesBackAfterTheOutageFromAPointBeforeIt() {
    Instant declared = Instant.parse("2026-12-03T10:00:00Z");
    List<FieldError> errors = new ArrayList<>();
    DrTestRules.checkTimes(declared, declared.plusSeconds(3600), declared.minusSeconds(600), errors);
    assertThat(errors).isEmpty();
    DrTestRules.checkTimes(declared, declared.minusSeconds(1), declared.plusSeconds(1), errors);
    assertThat(errors).extracting(FieldError::field).containsExactly("serviceRestored", "lastRecoveredPoint");
  }

  @Test
  void anOverdueSignOffNamesWhoIsMissing() {
    assertThat(DrTestRules.missingSignOffs(false, false)).containsExactly("the system owner", "an IT approver");
    assertThat(DrTestRules.missingSignOffs(true, false)).containsExactly("an IT approver");
    assertThat(DrTestRules.missingSignOffs(true, true)).isEmpty();
  }
}
