package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.camunda.bpm.engine.delegate.VariableScope;
import org.junit.jupiter.api.Test;

/** A typed process variable reads what the engine holds as its type, and names itself when the value is not. */
class ProcessVariableTest {

  private final VariableScope scope = mock(VariableScope.class);

  @Test
  void eachKindReadsTheEnginesRepresentationsOfItsType() {
    when(scope.getVariable("n")).thenReturn(5.0);
    assertThat(ProcessVariable.number("n").require(scope)).isEqualTo(5L);
    when(scope.getVariable("n")).thenReturn(7);
    assertThat(ProcessVariable.number("n").require(scope)).isEqualTo(7L);
    when(scope.getVariable("t")).thenReturn(Date.from(Instant.parse("2026-12-03T10:00:00Z")));
    assertThat(ProcessVariable.instant("t").require(scope)).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
    when(scope.getVariable("l")).thenReturn(List.of("a", "b"));
    assertThat(ProcessVariable.texts("l").require(scope)).containsExactly("a", "b");
    when(scope.getVariable("f")).thenReturn(true);
    assertThat(ProcessVariable.flag("f").require(scope)).isTrue();
    assertThat(ProcessVariable.text("absent").read(scope)).isEmpty();
    java.util.Map<String, Object> result = new java.util.LinkedHashMap<>();
    result.put("criticality", "high");
    result.put("cabReviewRequired", true);
    result.put("note", null);
    when(scope.getVariable("assessment")).thenReturn(result);
    assertThat(ProcessVariable.entries("assessment").require(scope)).containsExactly(
        java.util.Map.entry("criticality", "high"), java.util.Map.entry("cabReviewRequired", true),
        new java.util.AbstractMap.SimpleEntry<>("note", null));
  }

  @Test
  void aValueOfAnotherTypeOrAMissingOneIsAnErrorNamingTheVariable() {
    when(scope.getVariable("systemId")).thenReturn(42L);
    assertThatThrownBy(() -> ProcessVariable.text("systemId").read(scope)).isInstanceOf(IllegalStateException.class)
        .hasMessage("process variable systemId holds Long, not a text");
    when(scope.getVariable("n")).thenReturn(2.5);
    assertThatThrownBy(() -> ProcessVariable.number("n").read(scope)).hasMessageContaining("not a whole number");
    assertThatThrownBy(() -> ProcessVariable.text("drTestId").require(scope))
        .hasMessage("process variable drTestId is not set");
    when(scope.getVariable("assessment")).thenReturn(java.util.Map.of(1, "high"));
    assertThatThrownBy(() -> ProcessVariable.entries("assessment").read(scope))
        .hasMessageStartingWith("process variable assessment holds ").hasMessageEndingWith(", not values by name");
  }

  @Test
  void anInstantIsWrittenAsTheEnginesDateAndLocalWritesStayLocal() {
    ProcessVariable.instant("due").write(scope, Instant.parse("2026-12-03T10:00:00Z"));
    verify(scope).setVariable("due", Date.from(Instant.parse("2026-12-03T10:00:00Z")));
    ProcessVariable.text("systemId").writeLocal(scope, "ERP-GL");
    verify(scope).setVariableLocal("systemId", "ERP-GL");
  }
}
