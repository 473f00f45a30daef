package org.itgc.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.itgc.platform.config.ConfigFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each preset of config/password-policy.yaml accepts and refuses the right passwords, the blocklist included. */
class PasswordPolicyTest {

  private static ConfigFiles config(Path dir) {
    return new ConfigFiles(dir, Validation.buildDefaultValidatorFactory().getValidator());
  }

  private static PasswordPolicy preset(String name) {
    return new PasswordPolicy(config(Path.of("config")), name);
  }

  @ParameterizedTest(name = "nist-800-63b-4: {0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "correct-horse-battery-staple | ok",
      "all lower case but long enough | ok",
      "ABCDEFGHIJKLMNOPQ | ok",
      "Itgc-Demo-2026! | ok",
      "zzzzzzzzzzzzzzzzzzzzzzzzzz | ok",
      "short-but-ok | must have at least 15 characters",
      "Sh0rt!Pass#1 | must have at least 15 characters",
      "passwordpassword | is a common or breached password",
      "PasswordPassword | is a common or breached password",
      "123456789012345 | is a common or breached password",
      "qwertyuiopasdfghjkl | is a common or breached password",
      "maria.lopez.long | must not be the user name",
  })
  void nist(String password, String expected) {
    check(preset("nist-800-63b-4"), password, expected);
  }

  @ParameterizedTest(name = "classic-sox: {0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "Str0ng!Passw | ok",
      "Itgc-Demo-2026! | ok",
      "C0mplex#Enough99 | ok",
      "Aa1!aaaaaaaa | ok",
      "alllowercase1! | must contain an upper-case letter",
      "ALLUPPERCASE1! | must contain a lower-case letter",
      "NoDigitsHere!! | must contain a digit",
      "NoSpecial12345 | must contain a character that is neither a letter nor a digit",
      "Sh0rt!Pass | must have at least 12 characters",
      "Password123456! | is a common or breached password",
      "Welcome12345! | is a common or breached password",
      "Maria.Lopez.Long | must contain a digit",
  })
  void classicSox(String password, String expected) {
    check(preset("classic-sox"), password, expected);
  }

  @ParameterizedTest(name = "pci-dss-4: {0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "letters4digits | ok",
      "123456abcdefg | ok",
      "Itgc-Demo-2026! | ok",
      "ab12ab12ab12 | ok",
      "onlyletterslong | must contain both letters and digits",
      "987654321098 | must contain both letters and digits",
      "short1a | must have at least 12 characters",
      "password123456 | is a common or breached password",
      "1q2w3e4r5t6y7u8i | is a common or breached password",
      "zaq12wsxcde3 | is a common or breached password",
      "maria2lopez99 | must not be the user name",
  })
  void pciDss(String password, String expected) {
    String user = password.startsWith("maria") ? password : "maria.lopez";
    var problems = preset("pci-dss-4").problems(user, password);
    assertExpectation(problems, expected);
  }

  private static void check(PasswordPolicy policy, String password, String expected) {
    String user = expected.contains("user name") ? password : "maria.lopez";
    assertExpectation(policy.problems(user, password), expected);
  }

  private static void assertExpectation(java.util.List<String> problems, String expected) {
    if (expected.equals("ok")) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems).contains(expected);
    }
  }

  @Test
  void anOverLongPasswordIsRefusedByEveryPreset() {
    String longPassword = "Aa1!".repeat(40);
    for (String name : new String[] {"nist-800-63b-4", "classic-sox", "pci-dss-4"}) {
      assertThat(preset(name).problems("x", longPassword)).contains("must have at most 128 characters");
    }
  }

  @Test
  void theActivePresetAndItsOverridesComeFromTheFile(@TempDir Path dir) throws IOException {
    Files.copy(Path.of("config", PasswordPolicy.BLOCKLIST), dir.resolve(PasswordPolicy.BLOCKLIST));
    String file = Files.readString(Path.of("config", PasswordPolicy.FILE))
        .replace("preset: nist-800-63b-4", "preset: classic-sox").replace("overrides: {}", "overrides: { minLength: 16 }");
    Files.writeString(dir.resolve(PasswordPolicy.FILE), file);
    var policy = new PasswordPolicy(config(dir));
    assertThat(policy.preset()).isEqualTo("classic-sox");
    assertThat(policy.rules().minLength()).isEqualTo(16);
    assertThat(policy.rules().expiryDays()).isEqualTo(90);
    assertThat(policy.problems("x", "Str0ng!Passw")).contains("must have at least 16 characters");

    Files.writeString(dir.resolve(PasswordPolicy.FILE), file.replace("overrides: { minLength: 16 }",
        "overrides: { minLenght: 16 }"));
    assertThatThrownBy(() -> new PasswordPolicy(config(dir))).hasMessageContaining("overrides.minLenght: is not a policy field");
    Files.writeString(dir.resolve(PasswordPolicy.FILE), file.replace("preset: classic-sox", "preset: lax"));
    assertThatThrownBy(() -> new PasswordPolicy(config(dir))).hasMessageContaining("preset: 'lax' is not one of");
  }
}
