package org.itgc.controls;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.itgc.platform.web.NotFoundException;
import org.springframework.stereotype.Service;

/**
 * The populations of the catalogue's controls for other capabilities' pages (the governance dashboard, the evidence
 * browser): which controls have one, and a control's rows for a period, as its {@link PopulationSource} answers them
 * (columns {@code item_id}, {@code audit_object_id}, then the control's own).
 */
@Service
public class ControlPopulations {

  private final EvidencePopulations populations;

  ControlPopulations(EvidencePopulations populations) {
    this.populations = populations;
  }

  /** The controls with a population, sorted. */
  public Set<String> controls() {
    return populations.controls();
  }

  /** The population of a control for [from, to), in the source's stable order; 404 for a control without one. */
  public List<Map<String, Object>> of(String controlId, Instant from, Instant to) {
    if (populations.sourceOf(controlId).isEmpty()) {
      throw new NotFoundException("population of control", controlId);
    }
    return populations.population(controlId, from, to);
  }
}
