package org.itgc.controls;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** How often a control operates; auditors size their samples by it. */
public enum Frequency {
  PER_EVENT("per-event"),
  CONTINUOUS("continuous"),
  DAILY("daily"),
  WEEKLY("weekly"),
  MONTHLY("monthly"),
  QUARTERLY("quarterly"),
  ANNUAL("annual");

  private final String value;

  Frequency(String value) {
    this.value = value;
  }

  @JsonValue
  public String value() {
    return value;
  }

  @JsonCreator
  public static Frequency of(String value) {
    return Arrays.stream(values()).filter(f -> f.value.equals(value)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown frequency '" + value + "', expected one of "
            + String.join(", ", Arrays.stream(values()).map(Frequency::value).toList())));
  }
}
