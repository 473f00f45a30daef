package org.itgc.change;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.Validation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.itgc.platform.config.ConfigFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The request forms offer exactly the systems of config/systems.yaml and the standard change types of
 * config/standard-changes.yaml (form-js 1.8 has no dynamic option lists, so the lists are copies checked here).
 */
class ChangeFormsTest {

  private final ConfigFiles config = new ConfigFiles(Path.of("config"), Validation.buildDefaultValidatorFactory().getValidator());

  @ParameterizedTest
  @ValueSource(strings = {"change-request-start", "change-request-rework"})
  void theFormOffersExactlyTheConfiguredSystemsAndStandardTypes(String form) throws IOException {
    JsonNode components = new ObjectMapper().readTree(Path.of("forms", form + ".form").toFile()).get("components");
    var systems = new ArrayList<String>();
    new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(Path.of("config", "systems.yaml")
        .toFile()).get("systems").forEach(s -> systems.add(s.get("id").asText()));
    assertThat(options(components, "systemId")).containsExactlyElementsOf(systems);
    var standard = new StandardChangeCatalogue(config).all().stream().map(StandardChangeCatalogue.StandardChange::id).toList();
    assertThat(options(components, "standardChangeType")).containsExactlyElementsOf(standard);
  }

  private static List<String> options(JsonNode components, String key) {
    List<String> values = new ArrayList<>();
    for (JsonNode component : components) {
      if (key.equals(component.path("key").asText())) {
        component.path("values").forEach(v -> values.add(v.get("value").asText()));
      }
    }
    return values;
  }
}
