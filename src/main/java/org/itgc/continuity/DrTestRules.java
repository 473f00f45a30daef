package org.itgc.continuity;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.itgc.continuity.DrTestProcess.Fields;
import org.itgc.platform.web.InvalidInputException.FieldError;

/** The rules of a DR test's forms and sign-offs, as plain functions (unit-tested in DrTestRulesTest). */
final class DrTestRules {

  private DrTestRules() {}

  /** A plan needs a scenario, participants and a date; the planned date, or null with the fields at fault added. */
  static LocalDate plannedDate(String scenario, String participants, String planned, List<FieldError> errors) {
    required(Fields.SCENARIO, scenario, errors);
    required(Fields.PARTICIPANTS, participants, errors);
    if (!required(Fields.PLANNED_DATE, planned, errors)) {
      return null;
    }
    String day = planned.strip();
    try {
      return LocalDate.parse(day.length() > 10 ? day.substring(0, 10) : day);
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(Fields.PLANNED_DATE, "'" + planned + "' is not a date such as 2027-01-20"));
      return null;
    }
  }

  /** Service comes back after the outage was declared, from a point recovered before it. */
  static void checkTimes(Instant declared, Instant restored, Instant lastRecoveredPoint, List<FieldError> errors) {
    if (declared != null && restored != null && restored.isBefore(declared)) {
      errors.add(new FieldError(Fields.SERVICE_RESTORED, "is before outageDeclared"));
    }
    if (declared != null && lastRecoveredPoint != null && lastRecoveredPoint.isAfter(declared)) {
      errors.add(new FieldError(Fields.LAST_RECOVERED_POINT, "is after outageDeclared"));
    }
  }

  /** Who has yet to sign off, in words for the escalation mail. */
  static List<String> missingSignOffs(boolean ownerSigned, boolean itSigned) {
    List<String> missing = new ArrayList<>();
    if (!ownerSigned) {
      missing.add("the system owner");
    }
    if (!itSigned) {
      missing.add("an IT approver");
    }
    return missing;
  }

  private static boolean required(String field, String value, List<FieldError> errors) {
    if (value == null || value.isBlank()) {
      errors.add(new FieldError(field, "is required"));
      return false;
    }
    return true;
  }
}
