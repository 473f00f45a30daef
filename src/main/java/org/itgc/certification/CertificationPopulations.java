package org.itgc.certification;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.itgc.audit.TrailScope;
import org.itgc.controls.SqlPopulations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The populations of certification's controls (AC-03, AC-04: the items decided), over its own tables. */
@Component
public class CertificationPopulations extends SqlPopulations {

  private static final Map<String, String> QUERIES = Map.of(
      "AC-03", """
          select id::text as item_id, campaign_id as audit_object_id, campaign_id, identity_id, system_id,
                 entitlement_id, reviewer, decision, decision_reason, decided_by, decided_at, revocation_id
          from cert_item where decided_at >= ? and decided_at < ? order by id
          """,
      "AC-04", """
          select id::text as item_id, campaign_id as audit_object_id, campaign_id, identity_id, identity_kind, system_id,
                 entitlement_id, reviewer, decision, decided_by, decided_at
          from cert_item where (privileged or identity_kind = 'service') and decided_at >= ? and decided_at < ? order by id
          """);

  /**
   * The items the trail says were decided in the period (each decision lists its items); for AC-04 those of them the
   * table holds outside its scope are dropped ({@link #outOfScope}), so a deleted item shows too.
   */
  private static final TrailScope DECIDED_IN_PERIOD = TrailScope.listedIn("itemIds", "certification.certify",
      "certification.revoke").or(TrailScope.listedIn("itemIds", "certification.non-response").where("action", "revoke"));

  private static final Reconciliation DECIDED = new Reconciliation(List.of("certification.start"), "cert_item",
      DECIDED_IN_PERIOD, null, "item_id");

  private static final String ITEM_IDS = "select id::text from cert_item where id::text = any(?)";

  public CertificationPopulations(JdbcTemplate jdbc) {
    super(jdbc, QUERIES, Map.of("AC-03", DECIDED, "AC-04", DECIDED), Map.of("AC-03", ITEM_IDS, "AC-04", ITEM_IDS));
  }

  /** AC-04: the items held that are neither privileged nor of a service account. */
  @Override
  public Set<String> outOfScope(String controlId, Collection<String> ids) {
    if (!controlId.equals("AC-04") || ids.isEmpty()) {
      return Set.of();
    }
    return ids("select id::text from cert_item where id::text = any(?) "
        + "and (privileged or identity_kind = 'service') is not true", ids);
  }
}
