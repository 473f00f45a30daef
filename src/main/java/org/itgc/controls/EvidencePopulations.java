package org.itgc.controls;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * The populations the engine holds, by control: each capability answers for its own controls through a
 * {@link PopulationSource} bean (its SQL over its own tables); this only collects them. A control answered by two
 * sources stops the start.
 */
@Component
class EvidencePopulations {

  private final Map<String, PopulationSource> byControl;

  EvidencePopulations(List<PopulationSource> sources) {
    Map<String, PopulationSource> map = new TreeMap<>();
    for (PopulationSource source : sources) {
      for (String control : source.controls()) {
        PopulationSource other = map.put(control, source);
        if (other != null) {
          throw new IllegalStateException("the population of " + control + " is answered by both "
              + other.getClass().getName() + " and " + source.getClass().getName());
        }
      }
    }
    this.byControl = Collections.unmodifiableMap(map);
  }

  Optional<PopulationSource> sourceOf(String controlId) {
    return Optional.ofNullable(byControl.get(controlId));
  }

  /** The controls with a population, sorted. */
  Set<String> controls() {
    return byControl.keySet();
  }
}
