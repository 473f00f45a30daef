package org.itgc.change;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Component;

/** The rules a change request must meet, for the API and the Tasklist start form alike (never only in a form). */
@Component
public class ChangeValidation {

  static final Set<String> CHANGE_TYPES = Set.of("standard", "normal", "emergency");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{7,40}|#\\d+|https?://\\S+|![0-9]+");
  private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+");

  private final SystemsInventory systems;
  private final BusinessCalendar calendar;
  private final StandardChangeCatalogue standardChanges;
  private final java.time.Clock clock;

  /** The longest free text a field takes (the engine keeps it as a process variable too, whose column holds 4,000). */
  static final int MAX_TEXT = 4000;
  /** The most commits one change lists. */
  static final int MAX_COMMITS = 100;
  /** A plan starts at most this long before today (emergency changes are recorded afterwards) ... */
  static final java.time.Period PLAN_BEFORE = java.time.Period.ofYears(1);
  /** ... and at most this long after it. */
  static final java.time.Period PLAN_AFTER = java.time.Period.ofYears(20);

  public ChangeValidation(SystemsInventory systems, BusinessCalendar calendar, StandardChangeCatalogue standardChanges,
      java.time.Clock clock) {
    this.systems = systems;
    this.calendar = calendar;
    this.standardChanges = standardChanges;
    this.clock = clock;
  }

  /** Throws {@link InvalidInputException} naming every field at fault. */
  public void check(ChangeRequestInput input) {
    List<FieldError> errors = new ArrayList<>();
    required(errors, "title", input.title());
    if (input.title() != null && input.title().length() > 200) {
      errors.add(new FieldError("title", "must have at most 200 characters"));
    }
    if (input.title() != null && (input.title().contains("\n") || input.title().contains("\r"))) {
      errors.add(new FieldError("title", "must be one line"));
    }
    if (required(errors, "systemId", input.systemId()) && systems.find(input.systemId()).isEmpty()) {
      errors.add(new FieldError("systemId", "'" + input.systemId() + "' is not a system of config/systems.yaml; known: "
          + systems.all().stream().map(s -> s.id()).toList()));
    }
    if (required(errors, "changeType", input.changeType()) && !CHANGE_TYPES.contains(input.changeType())) {
      errors.add(new FieldError("changeType", "'" + input.changeType() + "' is not a change type; expected standard, normal or emergency"));
    }
    if ("standard".equals(input.changeType())) {
      if (required(errors, "standardChangeType", input.standardChangeType())) {
        var type = standardChanges.find(input.standardChangeType());
        if (type.isEmpty()) {
          errors.add(new FieldError("standardChangeType", "'" + input.standardChangeType()
              + "' is not a pre-approved type of config/standard-changes.yaml; known: "
              + standardChanges.all().stream().map(t -> t.id()).toList()));
        } else {
          systems.find(input.systemId()).filter(s -> !type.get().tiers().contains(s.tier())).ifPresent(s ->
              errors.add(new FieldError("standardChangeType", input.standardChangeType() + " is not pre-approved for "
                  + s.tier().value() + " systems such as " + s.id() + "; request a normal change")));
        }
      }
    }
    required(errors, "description", input.description());
    required(errors, "justification", input.justification());
    required(errors, "implementationPlan", input.implementationPlan());
    required(errors, "rollbackPlan", input.rollbackPlan());
    if (input.plannedStart() == null) {
      errors.add(new FieldError("plannedStart", "is required"));
    }
    if (input.plannedEnd() == null) {
      errors.add(new FieldError("plannedEnd", "is required"));
    }
    if (input.plannedStart() != null && input.plannedEnd() != null && !input.plannedEnd().isAfter(input.plannedStart())) {
      errors.add(new FieldError("plannedEnd", "must be after plannedStart"));
    }
    var today = clock.instant().atZone(calendar.zone()).toLocalDate();
    var earliest = today.minus(PLAN_BEFORE).atStartOfDay(calendar.zone()).toInstant();
    var latest = today.plus(PLAN_AFTER).atStartOfDay(calendar.zone()).toInstant();
    for (var planned : java.util.Map.of("plannedStart", java.util.Optional.ofNullable(input.plannedStart()),
        "plannedEnd", java.util.Optional.ofNullable(input.plannedEnd())).entrySet()) {
      planned.getValue().filter(at -> at.isBefore(earliest) || at.isAfter(latest)).ifPresent(at -> errors.add(
          new FieldError(planned.getKey(), "must lie between " + earliest + " and " + latest
              + " (a year before today to twenty years after it)")));
    }
    for (var text : java.util.Map.of("description", String.valueOf(input.description()), "justification",
        String.valueOf(input.justification()), "implementationPlan", String.valueOf(input.implementationPlan()),
        "rollbackPlan", String.valueOf(input.rollbackPlan()), "testEvidence", String.valueOf(input.testEvidence()))
        .entrySet()) {
      if (text.getValue().length() > MAX_TEXT) {
        errors.add(new FieldError(text.getKey(), "must have at most " + MAX_TEXT + " characters"));
      }
    }
    if (input.commits().size() > MAX_COMMITS) {
      errors.add(new FieldError("commits", "must list at most " + MAX_COMMITS + " commits (" + input.commits().size()
          + " were sent); split the change"));
    } else if (String.join("\n", input.commits()).length() > MAX_TEXT) {
      errors.add(new FieldError("commits", "must take at most " + MAX_TEXT + " characters together; split the change"));
    }
    if (input.commits().stream().anyMatch(commit -> commit != null && commit.length() > 200)) {
      errors.add(new FieldError("commits", "each must have at most 200 characters"));
    }
    if (input.repository() != null && input.repository().length() > 200) {
      errors.add(new FieldError("repository", "must have at most 200 characters"));
    }
    if (input.testEvidenceLinks() != null && String.join("\n", input.testEvidenceLinks()).length() > MAX_TEXT) {
      errors.add(new FieldError("testEvidenceLinks", "must take at most " + MAX_TEXT + " characters together"));
    }
    if (input.repository() != null && !input.repository().isBlank() && !REPOSITORY.matcher(input.repository()).matches()) {
      errors.add(new FieldError("repository", "must look like owner/name"));
    }
    if (!input.commits().isEmpty() && (input.repository() == null || input.repository().isBlank())) {
      errors.add(new FieldError("repository", "is required when commits are listed"));
    }
    for (int i = 0; i < input.commits().size(); i++) {
      if (!COMMIT.matcher(input.commits().get(i)).matches()) {
        errors.add(new FieldError("commits[" + i + "]", "'" + input.commits().get(i)
            + "' is not a commit id (7-40 hex digits), a pull request (#12) or a link"));
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
  }

  private static boolean required(List<FieldError> errors, String field, String value) {
    if (value == null || value.isBlank()) {
      errors.add(new FieldError(field, "is required and must not be empty"));
      return false;
    }
    return true;
  }

  /**
   * Reads a change request from process variables as Camunda Forms submit them (strings, booleans, ISO date-times
   * with or without offset, multi-line lists).
   */
  public ChangeRequestInput fromVariables(Map<String, Object> variables) {
    List<FieldError> errors = new ArrayList<>();
    Instant start = instant(errors, "plannedStart", variables.get(ChangeProcess.Fields.PLANNED_START));
    Instant end = instant(errors, "plannedEnd", variables.get(ChangeProcess.Fields.PLANNED_END));
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return new ChangeRequestInput(string(variables, ChangeProcess.Fields.TITLE),
        string(variables, ChangeProcess.Fields.SYSTEM_ID), string(variables, ChangeProcess.Fields.CHANGE_TYPE),
        string(variables, ChangeProcess.Fields.STANDARD_CHANGE_TYPE), string(variables, ChangeProcess.Fields.DESCRIPTION), string(variables, ChangeProcess.Fields.JUSTIFICATION),
        bool(variables, ChangeProcess.Fields.TOUCHES_FINANCIAL_DATA),
        string(variables, ChangeProcess.Fields.IMPLEMENTATION_PLAN),
        bool(variables, ChangeProcess.Fields.HAS_TESTED_ROLLBACK), string(variables, ChangeProcess.Fields.ROLLBACK_PLAN),
        start, end, string(variables, ChangeProcess.Fields.REPOSITORY),
        lines(string(variables, ChangeProcess.Fields.COMMITS)), string(variables, ChangeProcess.Fields.TEST_EVIDENCE),
        lines(string(variables, ChangeProcess.Fields.TEST_EVIDENCE_LINKS)));
  }

  /** Parses a date-time as forms and clients send it; a time without offset is read in the calendar's zone. */
  public Instant parseInstant(String value) {
    return calendar.parseInstant(value);
  }

  private Instant instant(List<FieldError> errors, String field, Object value) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      return null;
    }
    if (value instanceof java.util.Date date) {
      return date.toInstant();
    }
    try {
      return parseInstant(value.toString());
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(field, "'" + value + "' is not a date and time such as 2026-12-05T22:00+01:00"));
      return null;
    }
  }

  private static String string(Map<String, Object> variables, String name) {
    Object value = variables.get(name);
    return value == null ? null : value.toString().strip();
  }

  private static boolean bool(Map<String, Object> variables, String name) {
    Object value = variables.get(name);
    return value instanceof Boolean b ? b : value != null && Boolean.parseBoolean(value.toString());
  }

  static List<String> lines(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return Arrays.stream(text.split("[\\r\\n,]+")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
