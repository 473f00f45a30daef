package org.itgc.platform;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.springframework.stereotype.Component;

/** Reads what a task's form submitted, collecting every field at fault, and who completed it. */
@Component
public class TaskInputs {

  private final CurrentUser currentUser;
  private final BusinessCalendar calendar;

  public TaskInputs(CurrentUser currentUser, BusinessCalendar calendar) {
    this.currentUser = currentUser;
    this.calendar = calendar;
  }

  public String actor(DelegateTask task) {
    String name = currentUser.name();
    return name != null ? name : task.getAssignee() != null ? task.getAssignee() : "unknown";
  }

  /** Who completes the task; an approval nobody can be named for is refused. */
  public String requireActor(DelegateTask task) {
    String name = currentUser.name();
    if (name == null) {
      name = task.getAssignee();
    }
    if (name == null) {
      throw new org.camunda.bpm.engine.AuthorizationException("Task " + task.getName()
          + " can only be completed by a logged-in user");
    }
    return name;
  }

  /** An optional text field, stripped; null when empty. */
  public static String optional(DelegateTask task, String name) {
    Object value = task.getVariable(name);
    return value == null || value.toString().isBlank() ? null : value.toString().strip();
  }

  public static String required(DelegateTask task, String name, List<FieldError> errors) {
    Object value = task.getVariable(name);
    if (value == null || value.toString().isBlank()) {
      errors.add(new FieldError(name, "is required"));
      return null;
    }
    return value.toString().strip();
  }

  /** A required whole number (a form may send a number or its text). */
  public static Long wholeNumber(DelegateTask task, String name, List<FieldError> errors) {
    Object value = task.getVariable(name);
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value == null || value.toString().isBlank()) {
      errors.add(new FieldError(name, "is required"));
      return null;
    }
    try {
      return Long.parseLong(value.toString().strip());
    } catch (NumberFormatException e) {
      errors.add(new FieldError(name, "'" + value + "' is not a whole number"));
      return null;
    }
  }

  public Instant instant(DelegateTask task, String name, List<FieldError> errors) {
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
