package org.itgc.continuity;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.itgc.continuity.RestoreTestProcess.Fields;
import org.itgc.platform.web.InvalidInputException.FieldError;

/** The rules of a backup restore test, as plain functions (unit-tested in RestoreTestRulesTest). */
final class RestoreTestRules {

  private RestoreTestRules() {}

  /** What the restorer submits must be complete and consistent. */
  static void check(Instant started, Instant finished, String checksum, Long rows, List<FieldError> errors) {
    if (started != null && finished != null && finished.isBefore(started)) {
      errors.add(new FieldError(Fields.RESTORE_FINISHED, "is before restoreStarted"));
    }
    if (checksum == null) {
      errors.add(new FieldError(Fields.CHECKSUM_AFTER_RESTORE, "is required"));
    } else if (!checksum.matches("[0-9a-fA-F]{32,128}")) {
      errors.add(new FieldError(Fields.CHECKSUM_AFTER_RESTORE, "must be hexadecimal"));
    }
    if (rows == null) {
      errors.add(new FieldError(Fields.RESTORED_ROW_COUNT, "is required"));
    } else if (rows < 0) {
      errors.add(new FieldError(Fields.RESTORED_ROW_COUNT, "must not be negative"));
    }
  }

  /**
   * A restore passes when its checksum equals the backup's, its row count is within {@code tolerancePercent} of the
   * backup's (when the backup recorded one), and it took no longer than the system's RTO.
   */
  static RestoreTestService.Judgement judge(String expectedChecksum, Long expectedRows, Duration rto, String checksum,
      long rows, Duration took, BigDecimal tolerancePercent) {
    boolean checksumOk = checksum.equalsIgnoreCase(expectedChecksum);
    boolean countsOk = expectedRows == null || BigDecimal.valueOf(Math.abs(rows - expectedRows))
        .multiply(BigDecimal.valueOf(100)).compareTo(tolerancePercent.multiply(BigDecimal.valueOf(expectedRows))) <= 0;
    boolean inTime = took.compareTo(rto) <= 0;
    boolean passed = checksumOk && countsOk && inTime;
    String text = (passed ? "PASSED" : "FAILED") + ": checksum " + (checksumOk ? "equal" : "differs (" + checksum
        + " after restore, " + expectedChecksum + " at backup)") + "; counts " + rows + " of " + expectedRows
        + (countsOk ? " within" : " outside") + " tolerance; restore took " + took + " against an RTO of " + rto;
    return new RestoreTestService.Judgement(passed, text);
  }
}
