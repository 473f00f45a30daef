package org.itgc.platform;

import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.camunda.bpm.engine.delegate.VariableScope;

/**
 * A process variable declared once, with its name and its type, in the style of holunda's camunda-bpm-data (written
 * here in plain Java): the process glue reads and writes variables through these declarations, so that no cast or
 * conversion is written twice and a value of the wrong type is an error naming the variable. The services behind the
 * glue take plain values and records, never a {@code DelegateExecution} or {@code DelegateTask}.
 *
 * @param <T> the Java type the process keeps the variable as
 */
public final class ProcessVariable<T> {

  private final String name;
  private final String kind;
  private final Function<Object, T> reader;

  private ProcessVariable(String name, String kind, Function<Object, T> reader) {
    this.name = name;
    this.kind = kind;
    this.reader = reader;
  }

  /** A text (a string in the engine). */
  public static ProcessVariable<String> text(String name) {
    return new ProcessVariable<>(name, "a text", value -> value instanceof String text ? text : null);
  }

  /** True or false (a boolean in the engine). */
  public static ProcessVariable<Boolean> flag(String name) {
    return new ProcessVariable<>(name, "true or false", value -> value instanceof Boolean flag ? flag : null);
  }

  /** A whole number; the engine may hold it as an integer, a long or (from JSON and DMN) a double without fraction. */
  public static ProcessVariable<Long> number(String name) {
    return new ProcessVariable<>(name, "a whole number", value -> {
      if (value instanceof Integer || value instanceof Long || value instanceof Short) {
        return ((Number) value).longValue();
      }
      if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
        return number.longValue();
      }
      return null;
    });
  }

  /** A point in time; the engine holds a date. */
  public static ProcessVariable<Instant> instant(String name) {
    return new ProcessVariable<>(name, "a date and time", value -> value instanceof Date date ? date.toInstant() : null);
  }

  /** A list of texts. */
  public static ProcessVariable<List<String>> texts(String name) {
    return new ProcessVariable<>(name, "a list of texts", value -> {
      if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
        return list.stream().map(String.class::cast).toList();
      }
      return null;
    });
  }

  /** Values by name, such as a decision's single result ({@code camunda:mapDecisionResult="singleResult"}). */
  public static ProcessVariable<Map<String, Object>> entries(String name) {
    return new ProcessVariable<>(name, "values by name", value -> {
      if (value instanceof Map<?, ?> map && map.keySet().stream().allMatch(String.class::isInstance)) {
        Map<String, Object> entries = new LinkedHashMap<>();
        map.forEach((key, entry) -> entries.put((String) key, entry));
        return Collections.unmodifiableMap(entries);
      }
      return null;
    });
  }

  public String name() {
    return name;
  }

  /** The value, or empty when the variable is not set (or null). */
  public Optional<T> read(VariableScope scope) {
    return convert(scope.getVariable(name));
  }

  /** The value set on this scope itself (a task's or a loop instance's own), or empty. */
  public Optional<T> readLocal(VariableScope scope) {
    return convert(scope.getVariableLocal(name));
  }

  /**
   * The value, which the process must have set by now.
   *
   * @throws IllegalStateException naming the variable when it is not set (a model that skips the step setting it)
   */
  public T require(VariableScope scope) {
    return read(scope).orElseThrow(() -> new IllegalStateException("process variable " + name + " is not set"));
  }

  public void write(VariableScope scope, T value) {
    scope.setVariable(name, value instanceof Instant instant ? Date.from(instant) : value);
  }

  public void writeLocal(VariableScope scope, T value) {
    scope.setVariableLocal(name, value instanceof Instant instant ? Date.from(instant) : value);
  }

  /** The value as the process keeps it. */
  Optional<T> convert(Object value) {
    if (value == null) {
      return Optional.empty();
    }
    T converted = reader.apply(value);
    if (converted == null) {
      throw new IllegalStateException("process variable " + name + " holds " + value.getClass().getSimpleName()
          + ", not " + kind);
    }
    return Optional.of(converted);
  }

  @Override
  public String toString() {
    return name + " (" + kind + ")";
  }
}
