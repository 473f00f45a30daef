package org.itgc.change;

import java.util.List;
import java.util.Map;
import org.itgc.audit.TrailScope;
import org.itgc.controls.SqlPopulations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The populations of change's controls (CM-01 to CM-05), over change's own tables, for the evidence packs. */
@Component
public class ChangePopulations extends SqlPopulations {

  /**
   * CM-01's membership: the trail must say that each change of the population reached production (implemented in
   * the change process, or listed by a received production deployment).
   */
  private static final TrailScope REACHED_PRODUCTION = TrailScope.objectsOf("change.implement")
      .or(TrailScope.listedIn("changes", "deployment.receive"));

  private static final String REQUEST_IDS = "select id from change_request where id = any(?)";
  private static final String DEPLOYMENT_IDS = "select id::text from change_deployment where id::text = any(?)";

  private static final Map<String, String> QUERIES = Map.of(
      // the changes that reached production in the period: implemented then, or deployed to production then
      "CM-01", """
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
          """,
      "CM-02", """
          select id as item_id, id as audit_object_id, title, system_id, test_evidence_required, test_evidence, status,
                 created_at from change_request where created_at >= ? and created_at < ? order by id
          """,
      "CM-03", """
          select id::text as item_id, id::text as audit_object_id, system_id, source, external_ref, deployed_at,
                 deployed_by, array_to_string(change_ids, ' ') as change_ids, developer_differs, problem
          from change_deployment where deployed_at >= ? and deployed_at < ? order by id
          """,
      "CM-04", """
          select id as item_id, id as audit_object_id, title, system_id, status, requester, implemented_at, created_at
          from change_request where change_type = 'emergency' and created_at >= ? and created_at < ? order by id
          """,
      "CM-05", """
          select id::text as item_id, id::text as audit_object_id, system_id, source, external_ref, deployed_at,
                 deployed_by, array_to_string(change_ids, ' ') as change_ids, matched, problem
          from change_deployment where deployed_at >= ? and deployed_at < ? order by id
          """);

  private static final Map<String, Reconciliation> RECONCILIATIONS = Map.of(
      // CM-01: implemented in the period (a deployment's reported time is not the event's, so not in the scope)
      "CM-01", new Reconciliation(List.of("change.request"), "change_request",
          TrailScope.objectsOf("change.implement"), REACHED_PRODUCTION, "audit_object_id"),
      "CM-02", new Reconciliation(List.of("change.request"), "change_request", TrailScope.objectsOf("change.request")),
      "CM-04", new Reconciliation(List.of("change.request"), "change_request",
          TrailScope.objectsOf("change.request").where("changeType", "emergency")),
      "CM-03", new Reconciliation(List.of("deployment.receive"), "change_deployment", null),
      "CM-05", new Reconciliation(List.of("deployment.receive"), "change_deployment", null));

  private static final Map<String, String> PRESENT = Map.of(
      "CM-01", REQUEST_IDS, "CM-02", REQUEST_IDS, "CM-04", REQUEST_IDS,
      "CM-03", DEPLOYMENT_IDS, "CM-05", DEPLOYMENT_IDS);

  public ChangePopulations(JdbcTemplate jdbc) {
    super(jdbc, QUERIES, RECONCILIATIONS, PRESENT);
  }
}
