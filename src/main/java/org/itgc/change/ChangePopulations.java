package org.itgc.change;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.itgc.controls.PopulationSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The populations of change's controls (CM-01 to CM-05), over change's own tables, for the evidence packs. */
@Component
public class ChangePopulations implements PopulationSource {

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

  /** The trail's events of a period, by object (two parameters: from, to); the action filter follows. */
  private static final String EVENTS_IN_PERIOD = "select object_id from audit_event where occurred_at >= ? "
      + "and occurred_at < ? and object_id is not null and ";

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
          EVENTS_IN_PERIOD + "action = 'change.implement'", REACHED_PRODUCTION, "audit_object_id"),
      "CM-02", new Reconciliation(List.of("change.request"), "change_request",
          EVENTS_IN_PERIOD + "action = 'change.request'"),
      "CM-04", new Reconciliation(List.of("change.request"), "change_request",
          EVENTS_IN_PERIOD + "action = 'change.request' and details->>'changeType' = 'emergency'"),
      "CM-03", new Reconciliation(List.of("deployment.receive"), "change_deployment", null),
      "CM-05", new Reconciliation(List.of("deployment.receive"), "change_deployment", null));

  private final JdbcTemplate jdbc;

  public ChangePopulations(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Set<String> controls() {
    return QUERIES.keySet();
  }

  @Override
  public List<Map<String, Object>> population(String controlId, Instant from, Instant to) {
    return jdbc.queryForList(QUERIES.get(controlId), Timestamp.from(from), Timestamp.from(to));
  }

  @Override
  public Reconciliation reconciliation(String controlId) {
    return RECONCILIATIONS.get(controlId);
  }

  @Override
  public Set<String> present(String controlId, Collection<String> ids) {
    String query = controlId.equals("CM-03") || controlId.equals("CM-05")
        ? "select id::text from change_deployment where id::text = any(?)"
        : "select id from change_request where id = any(?)";
    return new HashSet<>(jdbc.query(con -> {
      var ps = con.prepareStatement(query);
      ps.setArray(1, con.createArrayOf("varchar", ids.toArray()));
      return ps;
    }, (rs, i) -> rs.getString(1)));
  }
}
