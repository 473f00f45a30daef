package org.itgc.continuity;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.itgc.platform.CurrentUser;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.springframework.stereotype.Component;

/** Reads what a continuity task's form submitted, collecting every field at fault, and who completed it. */
@Component
class TaskInputs {

  private final CurrentUser currentUser;
  private final BusinessCalendar calendar;

  TaskInputs(CurrentUser currentUser, BusinessCalendar calendar) {
    this.currentUser = currentUser;
    this.calendar = calendar;
  }

  String actor(DelegateTask task) {
    String name = currentUser.name();
    return name != null ? name : task.getAssignee() != null ? task.getAssignee() : "unknown";
  }

  static String required(DelegateTask task, String name, List<FieldError> errors) {
    Object value = task.getVariable(name);
    if (value == null || value.toString().isBlank()) {
      errors.add(new FieldError(name, "is required"));
      return null;
    }
    return value.toString().strip();
  }

  Instant instant(DelegateTask task, String name, List<FieldError> errors) {
    String value = required(task, name, errors);
    if (value == null) {
      return null;
    }
    try {
      return calendar.parseInstant(value);
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(name, "'" + value + "' is not a date and time such as 2027-01-20T10:00:00Z"));
      return null;
    }
  }
}
