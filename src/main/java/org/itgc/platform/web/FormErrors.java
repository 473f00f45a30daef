package org.itgc.platform.web;

import java.util.Map;
import org.itgc.platform.EngineRefusals;

/**
 * A page form's refusal, by field, for showing beside the fields: the input's own problems, a request the engine
 * refused from inside its start command (wrapped there), a conflict with what is stored. Anything that is not a
 * refusal of the input is thrown on, to the error page.
 */
public final class FormErrors {

  private FormErrors() {}

  /**
   * Adds the refusal's problems to {@code errors} (field to reason; two reasons of one field joined), or rethrows.
   *
   * @param conflictField the field a conflict with what is stored belongs to
   */
  public static void collect(RuntimeException e, Map<String, String> errors, String conflictField) {
    RuntimeException refusal = e instanceof InvalidInputException ? e : EngineRefusals.refusal(e);
    var bad = Causes.of(e).filter(BadRequestException.class::isInstance).map(BadRequestException.class::cast)
        .findFirst();
    var conflict = Causes.of(e).filter(ConflictException.class::isInstance).findFirst();
    if (refusal instanceof InvalidInputException invalid) {
      invalid.errors().forEach(error -> errors.merge(error.field().replaceAll("\\[.*", ""), error.reason(),
          (a, b) -> a + "; " + b));
    } else if (bad.isPresent()) {
      String field = bad.get().field();
      errors.merge(field.replaceAll("\\[.*", ""), bad.get().getMessage().substring(field.length() + 2),
          (a, b) -> a + "; " + b);
    } else if (conflict.isPresent()) {
      errors.merge(conflictField, conflict.get().getMessage(), (a, b) -> a + "; " + b);
    } else if (refusal instanceof org.camunda.bpm.engine.BadUserRequestException) {
      errors.merge("form", refusal.getMessage(), (a, b) -> a + "; " + b);
    } else {
      throw e;
    }
  }
}
