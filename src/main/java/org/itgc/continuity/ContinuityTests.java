package org.itgc.continuity;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * One DR or backup-restore test as other capabilities read it (the evidence browser's page of a test): the plan, the
 * execution, the measured RTO and RPO against the objectives recorded with the test, the result, the sign-offs and the
 * remediation, and for a restore test the backup picked from which candidates with which seed. The table stays
 * continuity's ({@link ContinuityStore} holds the SQL).
 */
@Service
public class ContinuityTests {

  private final ContinuityStore store;

  ContinuityTests(ContinuityStore store) {
    this.store = store;
  }

  /** A test whole; {@code kind} is {@code dr} or {@code backup-restore}. */
  public record Test(String id, String kind, String systemId, String retestOf, String scenario, String participants,
      LocalDate plannedDate, String plannedBy, Instant outageDeclared, Instant serviceRestored,
      Instant lastRecoveredPoint, long rtoSeconds, long rpoSeconds, Long actualRtoSeconds, Long actualRpoSeconds,
      Boolean rtoMet, Boolean rpoMet, Boolean passed, String notes, String recordedBy, Instant recordedAt,
      String ownerSignOffBy, Instant ownerSignOffAt, String itSignOffBy, Instant itSignOffAt, Long exceptionId,
      String remediation, String remediatedBy, Instant remediatedAt, Long backupId, Instant backupTakenAt,
      String backupLocation, Long seed, List<Long> candidateBackups, String checksumExpected, String checksumActual,
      Long rowsExpected, Long rowsActual, Instant createdAt) {

    public boolean dr() {
      return "dr".equals(kind);
    }

    public Duration rto() {
      return Duration.ofSeconds(rtoSeconds);
    }

    public Duration rpo() {
      return Duration.ofSeconds(rpoSeconds);
    }

    public Duration actualRto() {
      return actualRtoSeconds == null ? null : Duration.ofSeconds(actualRtoSeconds);
    }

    public Duration actualRpo() {
      return actualRpoSeconds == null ? null : Duration.ofSeconds(actualRpoSeconds);
    }
  }

  /** The test of that id; empty when there is none. */
  public Optional<Test> find(String id) {
    return store.test(id);
  }
}
