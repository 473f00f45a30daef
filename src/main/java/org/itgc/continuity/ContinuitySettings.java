package org.itgc.continuity;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import java.time.Period;
import java.util.List;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.systems.FinancialSystem;
import org.springframework.stereotype.Component;

/** The settings of {@code config/continuity.yaml}: schedules, scope and tolerances of the continuity tests. */
@Component("continuitySettings")
public class ContinuitySettings {

  public static final String FILE = "continuity.yaml";

  record DrTest(@NotBlank String schedule, @NotEmpty List<FinancialSystem.Tier> tiers, @Min(1) int signOffBusinessDays,
      @Min(1) int remediationBusinessDays, @NotNull Period retestAfter) {}

  record BackupRestoreTest(@NotBlank String schedule, @NotEmpty List<FinancialSystem.Tier> tiers,
      @NotNull @DecimalMin("0") @DecimalMax("100") BigDecimal countTolerancePercent, @Min(1) int remediationBusinessDays) {}

  record Engine(@NotBlank String backupSchedule, @NotBlank String restoreTestSchedule) {}

  record File(@NotNull @Valid DrTest drTest, @NotNull @Valid BackupRestoreTest backupRestoreTest,
      @NotNull @Valid Engine engine) {}

  private final File file;

  public ContinuitySettings(ConfigFiles configFiles) {
    this.file = configFiles.read(FILE, File.class);
  }

  /** Timer cycle of the annual DR test campaign, for the model's timer start event. */
  public String drTestSchedule() {
    return file.drTest().schedule();
  }

  public List<FinancialSystem.Tier> drTestTiers() {
    return file.drTest().tiers();
  }

  public int signOffBusinessDays() {
    return file.drTest().signOffBusinessDays();
  }

  public int drRemediationBusinessDays() {
    return file.drTest().remediationBusinessDays();
  }

  /** Delay before a failed DR test is run again, as an ISO-8601 duration for the model's timer. */
  public String retestAfter() {
    return file.drTest().retestAfter().toString();
  }

  /** Spring cron of the engine's own database backup. */
  public String engineBackupCron() {
    return file.engine().backupSchedule();
  }

  /** Spring cron of the restore test of the engine's latest backup. */
  public String engineRestoreTestCron() {
    return file.engine().restoreTestSchedule();
  }

  public String backupRestoreTestSchedule() {
    return file.backupRestoreTest().schedule();
  }

  public List<FinancialSystem.Tier> backupRestoreTestTiers() {
    return file.backupRestoreTest().tiers();
  }

  public int restoreRemediationBusinessDays() {
    return file.backupRestoreTest().remediationBusinessDays();
  }

  public BigDecimal countTolerancePercent() {
    return file.backupRestoreTest().countTolerancePercent();
  }
}
