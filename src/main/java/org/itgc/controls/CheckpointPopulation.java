package org.itgc.controls;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.itgc.audit.AuditCheckpoints;
import org.springframework.stereotype.Component;

/**
 * LG-01's population, the signed checkpoints of the period, from audit (which may not know controls, so the source
 * is here and the SQL there). It is reconciled with the checkpoints published outside the database, not the trail.
 */
@Component
class CheckpointPopulation implements PopulationSource {

  private final AuditCheckpoints checkpoints;

  CheckpointPopulation(AuditCheckpoints checkpoints) {
    this.checkpoints = checkpoints;
  }

  @Override
  public Set<String> controls() {
    return Set.of("LG-01");
  }

  @Override
  public List<Map<String, Object>> population(String controlId, Instant from, Instant to) {
    return checkpoints.signedBetween(from, to);
  }
}
