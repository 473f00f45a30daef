package org.itgc.access;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.itgc.audit.TrailScope;
import org.itgc.controls.SqlPopulations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The populations of access's controls (AC-01 requests, AC-02 revocations, AC-05 SoD findings, AC-06 elevations and
 * break-glass), over access's own tables, for the evidence packs; and access's part of AC-04 (answered by
 * certification with its decided items): the service accounts' credential rotations (by connector or by hand, rotated
 * or failed) and changes of owner of the period, one row each, so that an auditor samples them beside the
 * certification items. Their rows are append-only (changeset 047) and each sample carries its account's audit events.
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

  /** AC-04's service-account rows: rotations finished and owner changes made in the period (not the first sight). */
  public static final String AC04_SERVICE_ACCOUNTS = """
      with period (f, t) as (select ?::timestamptz, ?::timestamptz)
      select * from (
        select 'rotation-' || r.id as item_id, r.service_account_id as audit_object_id,
               'service-account-rotation' as record, r.service_account_id, r.finished_at as occurred_at, r.trigger,
               r.method, r.performed_via, r.reference, r.outcome, r.triggered_by, r.performed_by,
               null::varchar as previous_owner_id, null::varchar as owner_id, null::varchar as owner_change_source,
               r.owner_change_id, r.system_id, r.login, r.verification, r.error, r.exception_id, r.rotation_task_id
        from access_service_account_rotation r, period p where r.finished_at >= p.f and r.finished_at < p.t
        union all
        select 'owner-change-' || c.id, c.service_account_id, 'service-account-owner-change', c.service_account_id,
               c.changed_at, null, null, null, null, null, c.changed_by, null, c.previous_owner_id, c.owner_id, c.source,
               c.id, null, null, null, null, null, null
        from access_service_account_owner_change c, period p
        where c.source <> 'initial' and c.changed_at >= p.f and c.changed_at < p.t
      ) rows order by occurred_at, item_id
      """;

  public AccessPopulations(JdbcTemplate jdbc) {
    super(jdbc, QUERIES, RECONCILIATIONS, PRESENT);
  }

  /** AC-04, which certification answers: access adds its service-account rotations and owner changes. */
  @Override
  public Set<String> supplements() {
    return Set.of("AC-04");
  }

  @Override
  public List<Map<String, Object>> population(String controlId, Instant from, Instant to) {
    if (controlId.equals("AC-04")) {
      return jdbc.queryForList(AC04_SERVICE_ACCOUNTS, Timestamp.from(from), Timestamp.from(to));
    }
    return super.population(controlId, from, to);
  }

  /** AC-05: the findings a scan added, as {@code identity|rule}. */
  @Override
  public List<String> batchKeys(String controlId, String batchId) {
    return jdbc.queryForList("select identity_id || '|' || rule_id from sod_finding where first_scan_id = ?",
        String.class, Long.parseLong(batchId));
  }
}
