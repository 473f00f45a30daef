package org.itgc.access;

import java.time.Instant;
import java.util.List;
import org.itgc.access.AccessRevocationProcess.Fields;
import org.itgc.platform.web.InvalidInputException.FieldError;

/** The rules of a removal recorded by hand, as plain functions (unit-tested in RevocationRulesTest). */
final class RevocationRules {

  private RevocationRules() {}

  /** A removal is recorded once done (not in the future) and cannot precede the grant it ends. */
  static void checkRemoval(Instant removedAt, Instant now, Instant grantedAt, List<FieldError> errors) {
    if (removedAt == null) {
      return;
    }
    if (removedAt.isAfter(now)) {
      errors.add(new FieldError(Fields.REMOVED_AT, "is in the future: record the removal once it is done"));
    }
    if (removedAt.isBefore(grantedAt)) {
      errors.add(new FieldError(Fields.REMOVED_AT, "is before the grant was made (" + grantedAt + ")"));
    }
  }
}
