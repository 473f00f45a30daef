package org.itgc.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.itgc.controls.ControlsCatalogue;
import org.itgc.platform.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invalid files in config/ are refused whole, with the file, the entry and the problem named. */
class ConfigFilesTest {

  @TempDir Path directory;

  private ConfigFiles files(Path dir) {
    return new ConfigFiles(dir, Validation.buildDefaultValidatorFactory().getValidator());
  }

  private String write(String name, String content) throws IOException {
    Files.writeString(directory.resolve(name), content);
    return name;
  }

  @Test
  void theShippedControlsCatalogueHasEveryControlOfTheDomainWithPrinciple11() {
    var catalogue = new ControlsCatalogue(files(Path.of("config")));
    assertThat(catalogue.all()).extracting(c -> c.id()).contains("AC-01", "AC-02", "AC-03", "AC-04", "AC-05",
        "IA-01", "CM-01", "CM-02", "CM-03", "CM-04", "CM-05", "LG-01", "LG-02", "BC-01", "BC-02");
    assertThat(catalogue.all()).allSatisfy(c -> {
      assertThat(c.coso()).contains(11);
      assertThat(Role.fromGroupId(c.ownerRole())).isPresent();
    });
  }

  @Test
  void anUnknownOwnerRoleAndADuplicateIdAreNamedWithTheirEntry() throws IOException {
    write("controls.yaml", """
        controls:
          - { id: AC-01, title: t, objective: o, ownerRole: system-owner, frequency: per-event, coso: [11], nist: [AC-2], automated: false }
          - { id: AC-01, title: t, objective: o, ownerRole: janitor, frequency: per-event, coso: [11], nist: [AC-2], automated: false }
        """);
    assertThatThrownBy(() -> new ControlsCatalogue(files(directory)))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("controls.yaml")
        .hasMessageContaining("controls[1] (id=AC-01): id is used twice")
        .hasMessageContaining("controls[1] (id=AC-01): ownerRole 'janitor' is not a role");
  }

  @Test
  void aMissingRequiredFieldAndABadValueAreNamed() throws IOException {
    write("controls.yaml", """
        controls:
          - { id: ac1, title: t, ownerRole: cab, frequency: per-event, coso: [11, 42], nist: [CM-3], automated: true }
        """);
    assertThatThrownBy(() -> new ControlsCatalogue(files(directory)))
        .hasMessageContaining("controls[0].objective: must not be blank")
        .hasMessageContaining("controls[0].id: must look like AC-01")
        .hasMessageContaining("controls[0].coso[1].<list element>: must be less than or equal to 17");
  }

  @Test
  void anUnknownFrequencyOrFieldOrBrokenYamlIsNamedWithItsPathOrLine() throws IOException {
    write("controls.yaml", """
        controls:
          - { id: AC-01, title: t, objective: o, ownerRole: cab, frequency: hourly, coso: [11], nist: [CM-3], automated: true }
        """);
    assertThatThrownBy(() -> new ControlsCatalogue(files(directory)))
        .hasMessageContaining("controls[0].frequency").hasMessageContaining("hourly");
    write("controls.yaml", """
        controls:
          - { id: AC-01, title: t, objective: o, ownerRole: cab, frequency: daily, coso: [11], nist: [CM-3], automated: true, colour: red }
        """);
    assertThatThrownBy(() -> new ControlsCatalogue(files(directory))).hasMessageContaining("colour");
    write("controls.yaml", "controls:\n  - id: AC-01\n    title: a: b\n");
    assertThatThrownBy(() -> new ControlsCatalogue(files(directory)))
        .hasMessageContaining("mapping values are not allowed").hasMessageContaining("(line 3)");
  }

  @Test
  void aMissingYesNoFieldIsRequired() throws IOException {
    write("controls.yaml", """
        controls:
          - { id: AC-01, title: t, objective: o, ownerRole: cab, frequency: daily, coso: [11], nist: [CM-3] }
        """);
    assertThatThrownBy(() -> new ControlsCatalogue(files(directory)))
        .hasMessageContaining("controls[0].automated: is required");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> new ControlsCatalogue(files(directory)))
        .hasMessageContaining("controls.yaml").hasMessageContaining("does not exist");
  }
}
