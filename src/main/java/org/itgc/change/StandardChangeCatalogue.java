package org.itgc.change;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.systems.FinancialSystem;
import org.springframework.stereotype.Component;

/** The pre-approved standard change types of {@code config/standard-changes.yaml}. */
@Component
public class StandardChangeCatalogue {

  public static final String FILE = "standard-changes.yaml";

  /** One pre-approved type. */
  public record StandardChange(@NotBlank @Pattern(regexp = "STD-[A-Z0-9-]+", message = "must look like STD-OS-PATCH") String id,
      @NotBlank String name, @NotEmpty List<FinancialSystem.Tier> tiers) {}

  record CatalogueFile(@NotEmpty @Valid List<StandardChange> standardChanges) implements ConfigFiles.SelfValidating {
    @Override
    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      var ids = new HashSet<String>();
      for (int i = 0; i < standardChanges.size(); i++) {
        if (!ids.add(standardChanges.get(i).id())) {
          problems.add("standardChanges[" + i + "] (id=" + standardChanges.get(i).id() + "): id is used twice");
        }
      }
      return problems;
    }
  }

  private final List<StandardChange> types;

  public StandardChangeCatalogue(ConfigFiles configFiles) {
    this.types = List.copyOf(configFiles.read(FILE, CatalogueFile.class).standardChanges());
  }

  public List<StandardChange> all() {
    return types;
  }

  public Optional<StandardChange> find(String id) {
    return types.stream().filter(t -> t.id().equals(id)).findFirst();
  }
}
