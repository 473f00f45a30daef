package org.itgc.certification;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.systems.FinancialSystem;
import org.springframework.stereotype.Component;

/** The settings of {@code config/certification.yaml}: schedule, scheduled scope, deadlines and non-response action. */
@Component("certificationSettings")
public class CertificationSettings {

  public static final String FILE = "certification.yaml";

  /** Which grants a campaign reviews. Empty tiers and systems: every system. */
  public record Scope(List<FinancialSystem.Tier> tiers, List<String> systems, boolean includePrivileged,
      boolean includeServiceAccounts) {
    public Scope {
      tiers = tiers == null ? List.of() : List.copyOf(tiers);
      systems = systems == null ? List.of() : List.copyOf(systems);
    }
  }

  record File(@NotBlank String schedule, @NotNull @Valid Scope scheduledScope, @Min(1) int dueBusinessDays,
      @Min(0) int reminderBusinessDaysBefore, @Min(0) int finalDeadlineBusinessDays,
      @NotBlank @Pattern(regexp = "revoke|exception", message = "must be revoke or exception") String nonResponseAction,
      @NotNull Duration revocationCheckInterval) implements ConfigFiles.SelfValidating {

    @Override
    public List<String> problems() {
      if (scheduledScope != null && !scheduledScope.includeServiceAccounts()) {
        return List.of("scheduledScope.includeServiceAccounts: must be true: control AC-04 reviews every service "
            + "account in every quarterly campaign");
      }
      return List.of();
    }
  }

  private final File file;

  public CertificationSettings(ConfigFiles configFiles) {
    this.file = configFiles.read(FILE, File.class);
  }

  /** Timer cycle of the quarterly campaign, for the schedule model's timer start event. */
  public String schedule() {
    return file.schedule();
  }

  public Scope scheduledScope() {
    return file.scheduledScope();
  }

  public int dueBusinessDays() {
    return file.dueBusinessDays();
  }

  public int reminderBusinessDaysBefore() {
    return file.reminderBusinessDaysBefore();
  }

  public int finalDeadlineBusinessDays() {
    return file.finalDeadlineBusinessDays();
  }

  public String nonResponseAction() {
    return file.nonResponseAction();
  }

  /** How often a reviewed campaign checks its revocations, as an ISO-8601 duration for the model's timer. */
  public String revocationCheckInterval() {
    return file.revocationCheckInterval().toString();
  }
}
