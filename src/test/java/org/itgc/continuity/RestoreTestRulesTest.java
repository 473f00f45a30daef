package org.itgc.continuity;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.junit.jupiter.api.Test;

/** A backup restore test's judgement and its form's rules, without the engine. */
class RestoreTestRulesTest {

  private static final String SUM = "ab".repeat(32);

  @Test
  void aRestorePassesOnlyWithTheSameChecksumCountsWithinToleranceAndInTime() {
    BigDecimal onePercent = BigDecimal.ONE;
    var passed = RestoreTestRules.judge(SUM, 1000L, Duration.ofHours(4), SUM.toUpperCase(), 990, Duration.ofHours(4),
        onePercent);
    assertThat(passed.passed()).isTrue();
    assertThat(passed.text()).startsWith("PASSED: checksum equal; counts 990 of 1000 within tolerance");
    assertThat(RestoreTestRules.judge(SUM, 1000L, Duration.ofHours(4), SUM, 989, Duration.ofHours(1), onePercent)
        .text()).startsWith("FAILED").contains("outside tolerance");
    assertThat(RestoreTestRules.judge(SUM, 1000L, Duration.ofHours(4), "cd".repeat(32), 1000, Duration.ofHours(1),
        onePercent).text()).contains("checksum differs");
    assertThat(RestoreTestRules.judge(SUM, null, Duration.ofHours(4), SUM, 5, Duration.ofHours(4).plusSeconds(1),
        onePercent).text()).startsWith("FAILED").contains("counts 5 of null within tolerance")
        .contains("took PT4H1S against an RTO of PT4H");
  }

  @Test
  void whatTheRestorerSubmitsMustBeCompleteAndConsistent() {
    Instant start = Instant.parse("2026-12-03T10:00:00Z");
    List<FieldError> errors = new ArrayList<>();
    RestoreTestRules.check(start, start.plusSeconds(60), SUM, 10L, errors);
    assertThat(errors).isEmpty();
    RestoreTestRules.check(start, start.minusSeconds(1), "not hex", -1L, errors);
    assertThat(errors).extracting(FieldError::field).containsExactly("restoreFinished", "checksumAfterRestore",
        "restoredRowCount");
    errors.clear();
    RestoreTestRules.check(start, start, null, null, errors);
    assertThat(errors).extracting(FieldError::reason).containsExactly("is required", "is required");
  }
}
