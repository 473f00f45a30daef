package org.itgc.platform.web;

import java.util.List;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.BadUserRequestException;

/**
 * Input that breaks a rule, with every field at fault and the reason. A bad user request for the engine too, so that
 * a refusal inside a process step reaches Tasklist and {@code /engine-rest} as a 400 with this message, and the
 * application's API as problem+json listing the fields.
 */
public class InvalidInputException extends BadUserRequestException {

  /** One field and what is wrong with it. */
  public record FieldError(String field, String reason) {
    @Override
    public String toString() {
      return field + ": " + reason;
    }
  }

  private final List<FieldError> errors;

  public InvalidInputException(List<FieldError> errors) {
    super(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    this.errors = List.copyOf(errors);
  }

  /** Throws when any field is at fault, naming them all; returns otherwise. */
  public static void ifAny(java.util.List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
  }

  public static InvalidInputException of(String field, String reason) {
    return new InvalidInputException(List.of(new FieldError(field, reason)));
  }

  public List<FieldError> errors() {
    return errors;
  }
}
