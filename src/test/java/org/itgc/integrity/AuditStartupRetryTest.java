package org.itgc.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.itgc.audit.AuditVerifier;
import org.junit.jupiter.api.Test;

/** The start-up verdict: verified again after a pause when it fails, so that only a lasting finding is tampering. */
class AuditStartupRetryTest {

  private static final AuditVerifier.Result OK = new AuditVerifier.Result(true, 10, 2, null, null);
  private static final AuditVerifier.Result LATE = new AuditVerifier.Result(false, 9, 2, 10L,
      "event 10 was inserted after the checkpoint that covers its sequence");

  @Test
  void aFindingThatGoesAwayIsNoTampering() {
    AtomicInteger calls = new AtomicInteger();
    List<Long> pauses = new ArrayList<>();
    var verdict = AuditStartupCheck.verifyAgainUntilSteady(() -> calls.getAndIncrement() == 0 ? LATE : OK, 2,
        Duration.ofSeconds(3), pauses::add);
    assertThat(verdict.ok()).isTrue();
    assertThat(calls).hasValue(2);
    assertThat(pauses).containsExactly(3000L);
  }

  @Test
  void aLastingFindingIsReportedAfterTheLastAttempt() {
    AtomicInteger calls = new AtomicInteger();
    List<Long> pauses = new ArrayList<>();
    var verdict = AuditStartupCheck.verifyAgainUntilSteady(() -> {
      calls.incrementAndGet();
      return LATE;
    }, 2, Duration.ofSeconds(3), pauses::add);
    assertThat(verdict.ok()).isFalse();
    assertThat(verdict.problem()).contains("inserted after");
    assertThat(calls).hasValue(3);
    assertThat(pauses).containsExactly(3000L, 3000L);
  }

  @Test
  void aVerifiedChainIsVerifiedOnce() {
    AtomicInteger calls = new AtomicInteger();
    var verdict = AuditStartupCheck.verifyAgainUntilSteady(() -> {
      calls.incrementAndGet();
      return OK;
    }, 2, Duration.ofSeconds(3), millis -> { throw new AssertionError("no pause for a verified chain"); });
    assertThat(verdict.ok()).isTrue();
    assertThat(calls).hasValue(1);
  }
}
