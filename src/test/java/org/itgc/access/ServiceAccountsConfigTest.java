package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.platform.config.ConfigValidationException;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.Mockito;

/**
 * The service accounts of config/access.yaml (control AC-04): each names its purpose, the batch jobs that use it and
 * the application name each connects with, and how often its credential is rotated; entries that do not fit are
 * named at start-up. The due-date rule of the scheduled rotation.
 */
class ServiceAccountsConfigTest {

  @TempDir Path dir;

  private static AccessCatalogue catalogue(Path directory) {
    SystemsInventory systems = Mockito.mock(SystemsInventory.class);
    Mockito.when(systems.find(Mockito.anyString())).thenReturn(Optional.of(Mockito.mock(FinancialSystem.class)));
    return new AccessCatalogue(new ConfigFiles(directory, Validation.buildDefaultValidatorFactory().getValidator()),
        systems);
  }

  /** The shipped access.yaml with its service accounts replaced (and settings edited by {@code settings}). */
  private void accessYamlWith(String serviceAccounts, java.util.function.UnaryOperator<String> settings)
      throws IOException {
    String shipped = Files.readString(Path.of("config/access.yaml"));
    int start = shipped.indexOf("\nserviceAccounts:\n");
    int end = shipped.indexOf("\njobs:\n");
    assertThat(start).isPositive();
    assertThat(end).isGreaterThan(start);
    String text = shipped.substring(0, start) + "\n" + serviceAccounts + shipped.substring(end);
    Files.writeString(dir.resolve("access.yaml"), settings.apply(text));
  }

  @Test
  void theShippedServiceAccountsHaveAPurposeTheirJobsAndARotationInterval() {
    AccessCatalogue catalogue = catalogue(Path.of("config"));
    AccessCatalogue.ServiceAccount etl = catalogue.serviceAccount("SVC-GL-ETL").orElseThrow();
    assertThat(etl.purpose()).isNotBlank();
    assertThat(etl.applicationNames()).containsExactly("gl-etl-nightly", "treasury-cash-refresh");
    assertThat(catalogue.rotationDays(etl)).isEqualTo(90);
    AccessCatalogue.ServiceAccount batch = catalogue.serviceAccount("SVC-AP-BATCH").orElseThrow();
    assertThat(batch.rotationDays()).as("not given: the settings' default").isNull();
    assertThat(catalogue.rotationDays(batch)).isEqualTo(90);
    assertThat(catalogue.serviceAccountRotationSchedule()).isEqualTo("0 15 3 * * *");
    assertThat(catalogue.serviceAccount("SVC-NOPE")).isEmpty();
  }

  @Test
  void aServiceAccountWithoutPurposeOrJobsOrWithABadIntervalIsNamed() throws IOException {
    accessYamlWith("""
        serviceAccounts:
          - id: SVC-A
            name: No purpose, no jobs
            owner: E1004
            rotationDays: 0
          - id: SVC-B
            name: Jobs that do not fit
            owner: E1004
            purpose: Loads things
            jobs:
              - { name: Quote, applicationName: "it's; drop" }
              - { name: Nameless }
        """, text -> text);
    assertThatThrownBy(() -> catalogue(dir))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("access.yaml")
        .hasMessageContaining("serviceAccounts[0].purpose: must not be blank")
        .hasMessageContaining("serviceAccounts[0].jobs: must name at least one batch job that uses the account")
        .hasMessageContaining("serviceAccounts[0].rotationDays: must be greater than or equal to 1")
        .hasMessageContaining("serviceAccounts[1].jobs[0].applicationName: must be an application name")
        .hasMessageContaining("serviceAccounts[1].jobs[1].applicationName: must not be blank");
  }

  @Test
  void aJobListedTwiceTwoJobsWithOneApplicationNameAndABadScheduleAreNamed() throws IOException {
    accessYamlWith("""
        serviceAccounts:
          - id: SVC-B
            name: Jobs that do not fit
            owner: E1004
            purpose: Loads things
            jobs:
              - { name: Load, applicationName: loader }
              - { name: Load, applicationName: loader-2 }
              - { name: Reload, applicationName: loader }
        """, text -> text.replace("serviceAccountRotationSchedule: \"0 15 3 * * *\"",
            "serviceAccountRotationSchedule: \"daily\""));
    assertThatThrownBy(() -> catalogue(dir))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("serviceAccounts[0] (SVC-B).jobs[1].name: Load is listed twice")
        .hasMessageContaining("serviceAccounts[0] (SVC-B).jobs[2].applicationName: loader is declared by another job")
        .hasMessageContaining("settings.serviceAccountRotationSchedule: 'daily' is not a cron expression");
  }

  @Test
  void aMissingRotationDefaultIsNamed() throws IOException {
    accessYamlWith("""
        serviceAccounts:
          - id: SVC-A
            name: Fine
            owner: E1004
            purpose: Loads things
            jobs: [{ name: Load, applicationName: loader }]
        """, text -> text.replaceAll("\\n  serviceAccountRotationDays: 90", ""));
    assertThatThrownBy(() -> catalogue(dir))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("serviceAccountRotationDays");
  }

  @Test
  void aCredentialIsDueWhenNeverRotatedOrWhenItsIntervalHasPassed() {
    Instant last = Instant.parse("2026-09-01T03:15:00Z");
    assertThat(ServiceAccountSchedule.nextDue(last, 90)).isEqualTo(Instant.parse("2026-11-30T03:15:00Z"));
    assertThat(ServiceAccountSchedule.nextDue(null, 90)).as("never rotated").isNull();
    assertThat(ServiceAccountSchedule.isDue(null, 90, last)).as("never rotated: due at once").isTrue();
    Instant due = last.plus(Duration.ofDays(90));
    assertThat(ServiceAccountSchedule.isDue(last, 90, due.minusSeconds(1))).isFalse();
    assertThat(ServiceAccountSchedule.isDue(last, 90, due)).isTrue();
    assertThat(ServiceAccountSchedule.isDue(last, 90, due.plus(Duration.ofDays(1)))).isTrue();
    assertThat(ServiceAccountSchedule.isDue(last, 1, last.plus(Duration.ofHours(23)))).isFalse();
  }
}
