package org.itgc.access;

import java.util.List;
import java.util.Map;
import org.itgc.audit.TrailScope;
import org.itgc.controls.SqlPopulations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The populations of access's controls (AC-01 requests, AC-02 revocations, AC-05 SoD findings, AC-06 elevations and
 * break-glass), over access's own
 * tables, for the evidence packs.
 */
@Component
public class AccessPopulations extends SqlPopulations {

  private static final Map<String, String> QUERIES = Map.of(
      "AC-01", """
          select id as item_id, id as audit_object_id, requester, beneficiary_id, items::text as items, status,
                 created_at, closed_at from access_request where created_at >= ? and created_at < ? order by id
          """,
      "AC-02", """
          select i.id::text as item_id, r.id as audit_object_id, r.identity_id, r.reason, g.system_id, g.entitlement_id,
                 r.triggered_at, i.sla_business_days, i.deadline, i.removed_at, i.business_days_taken, i.met_sla
          from access_revocation_item i join access_revocation r on r.id = i.revocation_id
               join access_grant g on g.id = i.grant_id
          where r.triggered_at >= ? and r.triggered_at < ? order by i.id
          """,
      "AC-05", """
          select identity_id || ':' || rule_id || ':' || first_seen_at as item_id, identity_id as audit_object_id,
                 identity_id, rule_id, risk, first_seen_at, resolved_at, exception_id, first_scan_id
          from sod_finding where first_seen_at >= ? and first_seen_at < ? order by identity_id, rule_id
          """,
      "AC-06", """
          select id as item_id, id as audit_object_id, system_id, entitlement_id, kind, identity_id, requested_by,
                 reason, change_id, incident_id, requested_at, requested_minutes, max_minutes, approved_by,
                 approved_at, provisioned_at, expires_at, removed_at, verified_at, verification, status, review_due,
                 reviewed_by, review_outcome, review_exception_id
          from access_elevation where requested_at >= ? and requested_at < ? order by system_id, entitlement_id, id
          """);

  // AC-05 is reconciled with the digests its scans recorded (batchKeys), not by creating events
  private static final Map<String, Reconciliation> RECONCILIATIONS = Map.of(
      "AC-01", new Reconciliation(List.of("access.request.submit"), "access_request",
          TrailScope.objectsOf("access.request.submit")),
      "AC-02", new Reconciliation(List.of("access.revocation.start"), "access_revocation", null),
      "AC-06", new Reconciliation(List.of("access.elevation.request"), "access_elevation", null));

  private static final Map<String, String> PRESENT = Map.of(
      "AC-01", "select id from access_request where id = any(?)",
      "AC-02", "select id from access_revocation where id = any(?)",
      "AC-06", "select id from access_elevation where id = any(?)");

  public AccessPopulations(JdbcTemplate jdbc) {
    super(jdbc, QUERIES, RECONCILIATIONS, PRESENT);
  }

  /** AC-05: the findings a scan added, as {@code identity|rule}. */
  @Override
  public List<String> batchKeys(String controlId, String batchId) {
    return jdbc.queryForList("select identity_id || '|' || rule_id from sod_finding where first_scan_id = ?",
        String.class, Long.parseLong(batchId));
  }
}
