package org.itgc.continuity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RTO and RPO judged against the objectives at the boundaries. */
class RecoveryJudgementTest {

  private static final Instant DECLARED = Instant.parse("2027-01-20T10:00:00Z");
  private static final Duration RTO = Duration.ofHours(4);
  private static final Duration RPO = Duration.ofMinutes(15);

  @Test
  void exactlyTheObjectivesPassWithZeroMargin() {
    var judgement = RecoveryJudgement.judge(RTO, RPO, DECLARED, DECLARED.plus(RTO), DECLARED.minus(RPO));
    assertThat(judgement.passed()).isTrue();
    assertThat(judgement.rtoMargin()).isZero();
    assertThat(judgement.rpoMargin()).isZero();
  }

  @Test
  void oneSecondOverTheRtoFailsWithANegativeMargin() {
    var judgement = RecoveryJudgement.judge(RTO, RPO, DECLARED, DECLARED.plus(RTO).plusSeconds(1), DECLARED);
    assertThat(judgement.rtoMet()).isFalse();
    assertThat(judgement.rpoMet()).isTrue();
    assertThat(judgement.passed()).isFalse();
    assertThat(judgement.rtoMargin()).isEqualTo(Duration.ofSeconds(-1));
  }

  @Test
  void oneSecondOverTheRpoFails() {
    var judgement = RecoveryJudgement.judge(RTO, RPO, DECLARED, DECLARED.plusSeconds(60), DECLARED.minus(RPO).minusSeconds(1));
    assertThat(judgement.rpoMet()).isFalse();
    assertThat(judgement.actualRpo()).isEqualTo(RPO.plusSeconds(1));
    assertThat(DrTestService.describe(judgement)).startsWith("FAILED").contains("RPO PT15M1S against PT15M");
  }

  @Test
  void impossibleOrdersAreRefusedNotJudged() {
    assertThatThrownBy(() -> RecoveryJudgement.judge(RTO, RPO, DECLARED, DECLARED.minusSeconds(1), DECLARED))
        .hasMessageContaining("serviceRestored");
    assertThatThrownBy(() -> RecoveryJudgement.judge(RTO, RPO, DECLARED, DECLARED, DECLARED.plusSeconds(1)))
        .hasMessageContaining("lastRecoveredPoint");
  }
}
