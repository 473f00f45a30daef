package org.itgc.controls;

import java.util.List;
import java.util.Map;

/**
 * For each control with a population the engine holds, the query that lists it for a period: one row per item, an
 * {@code item_id} that identifies it, and an {@code audit_object_id} under which the audit trail records what was done
 * to it. The period applies to the timestamp that puts an item in it.
 */
final class EvidencePopulations {

  private EvidencePopulations() {}

  /**
   * How a population is reconciled with the audit trail: the actions that record the creation of one of its records
   * (under the record's {@code audit_object_id}); the query that says which of given ids the table holds; and, where
   * the trail itself says which records belong to a period, the query listing them (two parameters: from, to). A
   * record without its creating event, or a record the trail puts in the period that the population lacks (deleted,
   * or moved out of the period or scope by an edit behind the application's back), fails the pack. Without a scope
   * query only deletions are caught (the period column is a reported time, not the time of the event).
   */
  record Reconciliation(List<String> creatingActions, String table, String presentIds, String scope, String membership,
      String scopeKey) {

    Reconciliation(List<String> creatingActions, String table, String presentIds, String scope) {
      this(creatingActions, table, presentIds, scope, null, "audit_object_id");
    }
  }

  /**
   * CM-01's membership: the trail must say that each change of the population reached production (implemented in
   * the change process, or listed by a received production deployment); the array parameter is given twice.
   */
  private static final String REACHED_PRODUCTION = """
      select object_id from audit_event where action = 'change.implement' and object_id = any(?)
      union
      select c.id from audit_event e, jsonb_array_elements_text(e.details->'changes') as c(id)
      where e.action = 'deployment.receive' and jsonb_typeof(e.details->'changes') = 'array' and c.id = any(?)
      """;

  private static final String EVENTS_IN_PERIOD = "select object_id from audit_event where occurred_at >= ? "
      + "and occurred_at < ? and object_id is not null and ";

  private static Reconciliation changes(String scope) {
    return new Reconciliation(List.of("change.request"), "change_request",
        "select id from change_request where id = any(?)", scope);
  }

  private static Reconciliation deployments() {
    return new Reconciliation(List.of("deployment.receive"), "change_deployment",
        "select id::text from change_deployment where id::text = any(?)", null);
  }

  static final Map<String, Reconciliation> RECONCILIATIONS = Map.ofEntries(
      // CM-01: implemented in the period (a deployment's reported time is not the event's, so not in the scope)
      Map.entry("CM-01", new Reconciliation(List.of("change.request"), "change_request",
          "select id from change_request where id = any(?)", EVENTS_IN_PERIOD + "action = 'change.implement'",
          REACHED_PRODUCTION, "audit_object_id")),
      Map.entry("CM-02", changes(EVENTS_IN_PERIOD + "action = 'change.request'")),
      Map.entry("CM-04", changes(EVENTS_IN_PERIOD + "action = 'change.request' and details->>'changeType' = 'emergency'")),
      Map.entry("CM-03", deployments()),
      Map.entry("CM-05", deployments()),
      Map.entry("AC-01", new Reconciliation(List.of("access.request.submit"), "access_request",
          "select id from access_request where id = any(?)", EVENTS_IN_PERIOD + "action = 'access.request.submit'")),
      Map.entry("AC-02", new Reconciliation(List.of("access.revocation.start"), "access_revocation",
          "select id from access_revocation where id = any(?)", null)),
      // AC-03: the items the trail says were decided in the period (each decision lists its items)
      Map.entry("AC-03", new Reconciliation(List.of("certification.start"), "cert_item",
          "select id::text from cert_item where id::text = any(?)", """
          select i.id from audit_event e, jsonb_array_elements_text(e.details->'itemIds') as i(id)
          where e.occurred_at >= ? and e.occurred_at < ? and jsonb_typeof(e.details->'itemIds') = 'array'
            and (e.action in ('certification.certify', 'certification.revoke')
                 or (e.action = 'certification.non-response' and e.details->>'action' = 'revoke'))
          """, null, "item_id")),
      // AC-04: the same, for the items that are privileged or of service accounts (a deleted item shows too)
      Map.entry("AC-04", new Reconciliation(List.of("certification.start"), "cert_item",
          "select id::text from cert_item where id::text = any(?)", """
          select i.id from audit_event e cross join jsonb_array_elements_text(e.details->'itemIds') as i(id)
          left join cert_item c on c.id::text = i.id
          where e.occurred_at >= ? and e.occurred_at < ? and jsonb_typeof(e.details->'itemIds') = 'array'
            and (e.action in ('certification.certify', 'certification.revoke')
                 or (e.action = 'certification.non-response' and e.details->>'action' = 'revoke'))
            and (c.id is null or c.privileged or c.identity_kind = 'service')
          """, null, "item_id")),
      Map.entry("BC-01", new Reconciliation(List.of("restore-test.pick", "engine.restore-test"), "continuity_test",
          "select id from continuity_test where id = any(?)",
          EVENTS_IN_PERIOD + "action in ('restore-test.pick', 'engine.restore-test')")),
      Map.entry("BC-02", new Reconciliation(List.of("dr-test.plan"), "continuity_test",
          "select id from continuity_test where id = any(?)", EVENTS_IN_PERIOD + "action = 'dr-test.plan'")));

  static final Map<String, String> QUERIES = Map.ofEntries(
      // the changes that reached production in the period: implemented then, or deployed to production then
      Map.entry("CM-01", """
          with period as (select ?::timestamptz as lo, ?::timestamptz as hi)
          select c.id as item_id, c.id as audit_object_id, c.title, c.system_id, c.change_type, c.criticality, c.status,
                 c.requester, c.created_at, c.implemented_at,
                 (select min(d.deployed_at) from change_deployment d where d.environment = 'production'
                   and c.id = any(d.change_ids) and d.deployed_at >= p.lo and d.deployed_at < p.hi) as deployed_at
          from change_request c, period p
          where (c.implemented_at >= p.lo and c.implemented_at < p.hi)
             or exists (select 1 from change_deployment d where d.environment = 'production' and c.id = any(d.change_ids)
                        and d.deployed_at >= p.lo and d.deployed_at < p.hi)
          order by c.id
          """),
      Map.entry("CM-02", """
          select id as item_id, id as audit_object_id, title, system_id, test_evidence_required, test_evidence, status,
                 created_at from change_request where created_at >= ? and created_at < ? order by id
          """),
      Map.entry("CM-03", """
          select id::text as item_id, id::text as audit_object_id, system_id, source, external_ref, deployed_at,
                 deployed_by, array_to_string(change_ids, ' ') as change_ids, developer_differs, problem
          from change_deployment where deployed_at >= ? and deployed_at < ? order by id
          """),
      Map.entry("CM-04", """
          select id as item_id, id as audit_object_id, title, system_id, status, requester, implemented_at, created_at
          from change_request where change_type = 'emergency' and created_at >= ? and created_at < ? order by id
          """),
      Map.entry("CM-05", """
          select id::text as item_id, id::text as audit_object_id, system_id, source, external_ref, deployed_at,
                 deployed_by, array_to_string(change_ids, ' ') as change_ids, matched, problem
          from change_deployment where deployed_at >= ? and deployed_at < ? order by id
          """),
      Map.entry("AC-01", """
          select id as item_id, id as audit_object_id, requester, beneficiary_id, items::text as items, status,
                 created_at, closed_at from access_request where created_at >= ? and created_at < ? order by id
          """),
      Map.entry("AC-02", """
          select i.id::text as item_id, r.id as audit_object_id, r.identity_id, r.reason, g.system_id, g.entitlement_id,
                 r.triggered_at, i.sla_business_days, i.deadline, i.removed_at, i.business_days_taken, i.met_sla
          from access_revocation_item i join access_revocation r on r.id = i.revocation_id
               join access_grant g on g.id = i.grant_id
          where r.triggered_at >= ? and r.triggered_at < ? order by i.id
          """),
      Map.entry("AC-03", """
          select id::text as item_id, campaign_id as audit_object_id, campaign_id, identity_id, system_id,
                 entitlement_id, reviewer, decision, decision_reason, decided_by, decided_at, revocation_id
          from cert_item where decided_at >= ? and decided_at < ? order by id
          """),
      Map.entry("AC-04", """
          select id::text as item_id, campaign_id as audit_object_id, campaign_id, identity_id, identity_kind, system_id,
                 entitlement_id, reviewer, decision, decided_by, decided_at
          from cert_item where (privileged or identity_kind = 'service') and decided_at >= ? and decided_at < ? order by id
          """),
      Map.entry("AC-05", """
          select identity_id || ':' || rule_id || ':' || first_seen_at as item_id, identity_id as audit_object_id,
                 identity_id, rule_id, risk, first_seen_at, resolved_at, exception_id, first_scan_id
          from sod_finding where first_seen_at >= ? and first_seen_at < ? order by identity_id, rule_id
          """),
      Map.entry("BC-01", """
          select id as item_id, id as audit_object_id, system_id, passed, checksum_expected, checksum_actual,
                 rows_expected, rows_actual, created_at
          from continuity_test where kind = 'backup-restore' and created_at >= ? and created_at < ? order by id
          """),
      Map.entry("BC-02", """
          select id as item_id, id as audit_object_id, system_id, planned_date, rto_met, rpo_met, passed, created_at
          from continuity_test where kind = 'dr' and created_at >= ? and created_at < ? order by id
          """),
      Map.entry("LG-01", """
          select seq::text as item_id, seq::text as audit_object_id, seq, head_hash, created_at, key_id
          from audit_checkpoint where created_at >= ? and created_at < ? order by seq
          """));
}
