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
 * sources stops the start. Another capability may supplement a control's population with rows of its own
 * ({@link PopulationSource#supplements()}); a supplement to a control that nobody answers stops the start too.
 */
@Component
class EvidencePopulations {

  private final Map<String, PopulationSource> byControl;
  private final Map<String, List<PopulationSource>> supplements;

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
    Map<String, List<PopulationSource>> more = new TreeMap<>();
    for (PopulationSource source : sources) {
      for (String control : source.supplements()) {
        if (!map.containsKey(control)) {
          throw new IllegalStateException(source.getClass().getName() + " supplements the population of " + control
              + ", which no source answers");
        }
        more.computeIfAbsent(control, c -> new java.util.ArrayList<>()).add(source);
      }
    }
    more.values().forEach(list -> list.sort(java.util.Comparator.comparing(s -> s.getClass().getName())));
    this.supplements = Collections.unmodifiableMap(more);
  }

  /** The source that answers a control, then those that supplement it (by class name): empty when none answers. */
  List<PopulationSource> sourcesOf(String controlId) {
    PopulationSource answering = byControl.get(controlId);
    if (answering == null) {
      return List.of();
    }
    List<PopulationSource> all = new java.util.ArrayList<>();
    all.add(answering);
    all.addAll(supplements.getOrDefault(controlId, List.of()));
    return List.copyOf(all);
  }

  /** A control's whole population for [from, to): the answering source's rows, then each supplement's. */
  List<Map<String, Object>> population(String controlId, java.time.Instant from, java.time.Instant to) {
    List<Map<String, Object>> rows = new java.util.ArrayList<>();
    for (PopulationSource source : sourcesOf(controlId)) {
      rows.addAll(source.population(controlId, from, to));
    }
    return rows;
  }

  Optional<PopulationSource> sourceOf(String controlId) {
    return Optional.ofNullable(byControl.get(controlId));
  }

  /** The controls with a population, sorted. */
  Set<String> controls() {
    return byControl.keySet();
  }
}
