package org.itgc.platform.web;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A text field of a request (or each text of a list) that is stored in a column: it must fit that column, checked
 * when the request is read (HTTP 400 naming the field), before the database sees it. The column's length is read from
 * the database itself ({@link ColumnLimits}), so that the limit is stated once; a column without one ({@code text},
 * {@code jsonb}) takes {@link #max()}, the engine's documented limit for it.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = FitsColumnValidator.class)
public @interface FitsColumn {

  /** The column, as {@code table.column}. */
  String value();

  /** The limit for a column that has none of its own. */
  int max() default 0;

  String message() default "is longer than its field allows";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};
}
