package org.itgc.systems;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.itgc.platform.config.ConfigFiles;

/** The shape of {@code config/systems.yaml}. */
record SystemsFile(@NotEmpty @Valid List<FinancialSystem> systems) implements ConfigFiles.SelfValidating {

  @Override
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    var ids = new HashSet<String>();
    var repositories = new HashSet<String>();
    for (int i = 0; i < systems.size(); i++) {
      FinancialSystem system = systems.get(i);
      String entry = "systems[" + i + "] (id=" + system.id() + ")";
      if (system.id() != null && !ids.add(system.id())) {
        problems.add(entry + ": id is used twice");
      }
      if (system.rto() != null && (system.rto().isNegative() || system.rto().isZero())) {
        problems.add(entry + ": rto must be a positive duration such as PT4H");
      }
      if (system.rpo() != null && system.rpo().isNegative()) {
        problems.add(entry + ": rpo must not be negative");
      }
      for (int w = 0; w < system.maintenanceWindows().size(); w++) {
        var window = system.maintenanceWindows().get(w);
        if (window.start() != null && window.start().equals(window.end())) {
          problems.add(entry + ": maintenanceWindows[" + w + "]: start and end are the same time");
        }
      }
      for (int f = 0; f < system.freezePeriods().size(); f++) {
        var freeze = system.freezePeriods().get(f);
        if (freeze.from() != null && freeze.to() != null && freeze.to().isBefore(freeze.from())) {
          problems.add(entry + ": freezePeriods[" + f + "]: to (" + freeze.to() + ") is before from (" + freeze.from() + ")");
        }
        if (freeze.from() != null && freeze.to() != null && freeze.everyYear()
            && !freeze.to().isBefore(freeze.from().plusYears(1))) {
          problems.add(entry + ": freezePeriods[" + f + "]: a period that comes back every year must be shorter than a year");
        }
      }
      for (String repository : system.repositories()) {
        if (repository != null && !repositories.add(repository)) {
          problems.add(entry + ": repository " + repository + " is mapped to two systems");
        }
      }
    }
    return problems;
  }
}
