package org.itgc.continuity;

import java.time.Duration;
import java.time.Instant;

/**
 * Judges a recovery against a system's objectives: actual RTO = service restored - outage declared, actual RPO =
 * outage declared - last recovered point. Each passes when it is at most the objective (exactly equal passes); the
 * margin is objective - actual (negative when missed).
 *
 * @param actualRto time to restore the service
 * @param actualRpo data lost, measured as the age of the last recovered point when the outage was declared
 */
public record RecoveryJudgement(Duration rto, Duration actualRto, boolean rtoMet, Duration rtoMargin, Duration rpo,
    Duration actualRpo, boolean rpoMet, Duration rpoMargin) {

  /** The times as recorded; refuses impossible orders rather than judging them. */
  public static RecoveryJudgement judge(Duration rto, Duration rpo, Instant outageDeclared, Instant serviceRestored,
      Instant lastRecoveredPoint) {
    if (serviceRestored.isBefore(outageDeclared)) {
      throw new IllegalArgumentException("serviceRestored is before outageDeclared");
    }
    if (lastRecoveredPoint.isAfter(outageDeclared)) {
      throw new IllegalArgumentException("lastRecoveredPoint is after outageDeclared");
    }
    Duration actualRto = Duration.between(outageDeclared, serviceRestored);
    Duration actualRpo = Duration.between(lastRecoveredPoint, outageDeclared);
    return new RecoveryJudgement(rto, actualRto, actualRto.compareTo(rto) <= 0, rto.minus(actualRto), rpo, actualRpo,
        actualRpo.compareTo(rpo) <= 0, rpo.minus(actualRpo));
  }

  public boolean passed() {
    return rtoMet && rpoMet;
  }
}
