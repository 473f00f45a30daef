package org.itgc.platform.web;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.util.Collection;

/** Checks {@link FitsColumn}: a text, or each text of a list, no longer than its column. */
public class FitsColumnValidator implements ConstraintValidator<FitsColumn, Object> {

  private String column;
  private int max;

  @Override
  public void initialize(FitsColumn annotation) {
    this.column = annotation.value();
    this.max = annotation.max();
  }

  @Override
  public boolean isValid(Object value, ConstraintValidatorContext context) {
    if (value == null) {
      return true;
    }
    int limit = ColumnLimits.limit(column, max);
    boolean fits = value instanceof Collection<?> items
        ? items.stream().allMatch(item -> item == null || String.valueOf(item).length() <= limit)
        : String.valueOf(value).length() <= limit;
    if (!fits) {
      context.disableDefaultConstraintViolation();
      context.buildConstraintViolationWithTemplate((value instanceof Collection ? "each must have" : "must have")
          + " at most " + limit + " characters").addConstraintViolation();
    }
    return fits;
  }
}
