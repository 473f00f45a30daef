package org.itgc.controls;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.itgc.audit.TrailScope;

/**
 * What a capability answers for the controls whose population it holds (issue #21: other capabilities ask through a
 * small public interface and never read another capability's tables). Each capability provides one bean, in its own
 * package, with the SQL over its own tables; {@link EvidencePopulations} collects them and {@link EvidencePacks} asks
 * them. A population has one row per item, an {@code item_id} that identifies it and an {@code audit_object_id} under
 * which the audit trail records what was done to it; the period applies to the timestamp that puts an item in it.
 * What the trail says of a population is declared as data ({@link Reconciliation}, {@link TrailScope}) and asked of
 * audit by {@link EvidencePacks}: a source holds SQL over its own tables only.
 */
public interface PopulationSource {

  /** The ids of the controls (config/controls.yaml) whose population this source lists. */
  Set<String> controls();

  /**
   * The controls whose population this source adds rows to, alongside the source that answers the control (AC-04:
   * certification answers with its decided items, access adds the service accounts' rotations and changes of owner).
   * A supplement's rows carry item ids of their own kind (prefixed) so that they never meet the answering source's;
   * each source's rows are reconciled with its own {@link #reconciliation}.
   */
  default Set<String> supplements() {
    return Set.of();
  }

  /** The population of one of {@link #controls()} (or {@link #supplements()}) for [from, to), in a stable order. */
  List<Map<String, Object>> population(String controlId, Instant from, Instant to);

  /** How the population is reconciled with the audit trail; null when it is not (or by other means). */
  default Reconciliation reconciliation(String controlId) {
    return null;
  }

  /** Which of the given ids the capability's table of the reconciliation holds. */
  default Set<String> present(String controlId, Collection<String> ids) {
    return Set.of();
  }

  /**
   * Of the ids the trail's scope lists, those the capability's table holds outside the control's population (AC-04:
   * items that are neither privileged nor of service accounts); an id the table no longer holds is not among them.
   */
  default Set<String> outOfScope(String controlId, Collection<String> ids) {
    return Set.of();
  }

  /**
   * The keys of the records a batch recorded in the trail added (AC-05: the {@code identity|rule} of the findings of
   * a scan), to compare with the digest its event carries ({@link PopulationDigests}).
   */
  default List<String> batchKeys(String controlId, String batchId) {
    return List.of();
  }

  /**
   * How a population is reconciled with the audit trail: the actions that record the creation of one of its records
   * (under the record's {@code audit_object_id}); the table named in a refusal (its ids come from {@link #present});
   * and, where the trail itself says which records belong to a period, the {@code scope}: the trail's events that put
   * a record in the period and name its id (in the population column {@code scopeKey}). A record without its creating
   * event, or a record the trail puts in the period that the population lacks (deleted, or moved out of the period or
   * scope by an edit behind the application's back), fails the pack. Without a scope only deletions are caught (the
   * period column is a reported time, not the time of the event). A {@code membership}, when declared, names the
   * records whose membership of the population the trail attests (asked for the population's audit object ids); the
   * others fail the pack too. Scopes are declarations, not SQL: audit answers them ({@code AuditTrail}).
   */
  record Reconciliation(List<String> creatingActions, String table, TrailScope scope, TrailScope membership,
      String scopeKey) {

    public Reconciliation(List<String> creatingActions, String table, TrailScope scope) {
      this(creatingActions, table, scope, null, "audit_object_id");
    }
  }
}
