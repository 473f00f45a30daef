package org.itgc.systems;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;

/**
 * A financially significant system of {@code config/systems.yaml}.
 *
 * @param rto recovery time objective (ISO-8601 duration, such as PT4H)
 * @param rpo recovery point objective (ISO-8601 duration, such as PT15M)
 * @param repositories source repositories (owner/name) whose deployments change this system
 */
public record FinancialSystem(
    @NotBlank @Pattern(regexp = "[A-Z0-9][A-Z0-9-]*", message = "must be upper-case letters, digits and dashes")
        String id,
    @NotBlank String name,
    @NotNull Tier tier,
    @NotNull @Valid Owner businessOwner,
    @NotNull @Valid Owner technicalOwner,
    @NotNull Duration rto,
    @NotNull Duration rpo,
    boolean mfaEnforced,
    List<@Valid MaintenanceWindow> maintenanceWindows,
    List<@Valid FreezePeriod> freezePeriods,
    List<@NotBlank String> repositories) {

  public FinancialSystem {
    maintenanceWindows = maintenanceWindows == null ? List.of() : List.copyOf(maintenanceWindows);
    freezePeriods = freezePeriods == null ? List.of() : List.copyOf(freezePeriods);
    repositories = repositories == null ? List.of() : List.copyOf(repositories);
  }

  /** tier1 is the most critical. */
  public enum Tier {
    TIER1, TIER2, TIER3;

    @JsonValue
    public String value() {
      return name().toLowerCase();
    }

    @JsonCreator
    public static Tier of(String value) {
      return Arrays.stream(values()).filter(t -> t.value().equals(value)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown tier '" + value + "', expected tier1, tier2 or tier3"));
    }
  }

  /** A person accountable for the system; {@code user} is their engine user name where they have one. */
  public record Owner(@NotBlank String name, @NotBlank @Email String email, String user) {}

  /** Weekly window in which changes may be implemented, in the business calendar's time zone. */
  public record MaintenanceWindow(@NotEmpty List<@NotNull DayOfWeek> days, @NotNull LocalTime start,
      @NotNull LocalTime end) {}

  /**
   * A blackout period (inclusive dates) in which no change may be implemented without the CAB. With
   * {@code everyYear: true} it comes back every year on the same days (a year-end close from 24 December to 8 January
   * is written once, with the dates of any one year), so the file never runs out.
   */
  public record FreezePeriod(@NotNull LocalDate from, @NotNull LocalDate to, @NotBlank String reason,
      Boolean everyYear) {

    public FreezePeriod {
      everyYear = Boolean.TRUE.equals(everyYear);
    }

    public FreezePeriod(LocalDate from, LocalDate to, String reason) {
      this(from, to, reason, false);
    }

    /** The occurrences of this period that share at least one day with {@code first..last} (inclusive). */
    public java.util.List<FreezePeriod> occurrencesTouching(LocalDate first, LocalDate last) {
      java.util.List<FreezePeriod> touching = new java.util.ArrayList<>();
      if (!everyYear) {
        if (!from.isAfter(last) && !to.isBefore(first)) {
          touching.add(this);
        }
        return touching;
      }
      for (int years = first.getYear() - from.getYear() - 1; years <= last.getYear() - from.getYear() + 1; years++) {
        LocalDate start = from.plusYears(years);
        LocalDate end = to.plusYears(years);
        if (!start.isAfter(last) && !end.isBefore(first)) {
          touching.add(new FreezePeriod(start, end, reason, true));
        }
      }
      return touching;
    }
  }
}
