package org.itgc.systems;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Freeze periods that come back every year, so that config/systems.yaml never runs out of them. */
class FreezePeriodTest {

  private final FinancialSystem.FreezePeriod yearEnd = new FinancialSystem.FreezePeriod(LocalDate.of(2026, 12, 24),
      LocalDate.of(2027, 1, 8), "Year-end close", true);

  @Test
  void aYearlyFreezeTouchesItsOccurrenceInAnyYearAcrossTheYearEnd() {
    assertThat(yearEnd.occurrencesTouching(LocalDate.of(2031, 1, 3), LocalDate.of(2031, 1, 3)))
        .containsExactly(new FinancialSystem.FreezePeriod(LocalDate.of(2030, 12, 24), LocalDate.of(2031, 1, 8),
            "Year-end close", true));
    assertThat(yearEnd.occurrencesTouching(LocalDate.of(2029, 12, 24), LocalDate.of(2029, 12, 24))).hasSize(1);
    assertThat(yearEnd.occurrencesTouching(LocalDate.of(2029, 12, 23), LocalDate.of(2029, 12, 23))).isEmpty();
    assertThat(yearEnd.occurrencesTouching(LocalDate.of(2029, 1, 9), LocalDate.of(2029, 12, 23))).isEmpty();
    // and in a year before the one it was written with
    assertThat(yearEnd.occurrencesTouching(LocalDate.of(2025, 1, 8), LocalDate.of(2025, 1, 8))).hasSize(1);
  }

  @Test
  void aOneOffFreezeTouchesOnlyItsOwnDates() {
    var once = new FinancialSystem.FreezePeriod(LocalDate.of(2027, 6, 28), LocalDate.of(2027, 7, 2), "Migration");
    assertThat(once.occurrencesTouching(LocalDate.of(2027, 7, 2), LocalDate.of(2027, 7, 5))).containsExactly(once);
    assertThat(once.occurrencesTouching(LocalDate.of(2028, 6, 30), LocalDate.of(2028, 6, 30))).isEmpty();
  }
}
