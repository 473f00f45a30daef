package org.itgc.certification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.platform.config.ConfigValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quarterly campaign reviews service accounts (control AC-04): a scheduled scope that leaves them out is refused. */
class CertificationSettingsTest {

  @TempDir Path dir;

  private static CertificationSettings settings(Path directory) {
    return new CertificationSettings(new ConfigFiles(directory, Validation.buildDefaultValidatorFactory().getValidator()));
  }

  @Test
  void theShippedQuarterlyScopeReviewsServiceAccounts() {
    assertThat(settings(Path.of("config")).scheduledScope().includeServiceAccounts()).isTrue();
  }

  @Test
  void aQuarterlyScopeWithoutServiceAccountsIsRefusedNamingTheEntry() throws IOException {
    String shipped = Files.readString(Path.of("config/certification.yaml"));
    String changed = shipped.replace("includeServiceAccounts: true", "includeServiceAccounts: false");
    assertThat(changed).isNotEqualTo(shipped);
    Files.writeString(dir.resolve("certification.yaml"), changed);
    assertThatThrownBy(() -> settings(dir)).isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("certification.yaml")
        .hasMessageContaining("scheduledScope.includeServiceAccounts: must be true");
  }
}
