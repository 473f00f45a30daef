package org.itgc.continuity;

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

/** The populations of continuity's controls (BC-01 restore tests, BC-02 DR tests), over continuity's own tables. */
@Component
public class ContinuityPopulations implements PopulationSource {

  /** The trail's events of a period, by object (two parameters: from, to); the action filter follows. */
  private static final String EVENTS_IN_PERIOD = "select object_id from audit_event where occurred_at >= ? "
      + "and occurred_at < ? and object_id is not null and ";

  private static final Map<String, String> QUERIES = Map.of(
      "BC-01", """
          select id as item_id, id as audit_object_id, system_id, passed, checksum_expected, checksum_actual,
                 rows_expected, rows_actual, created_at
          from continuity_test where kind = 'backup-restore' and created_at >= ? and created_at < ? order by id
          """,
      "BC-02", """
          select id as item_id, id as audit_object_id, system_id, planned_date, rto_met, rpo_met, passed, created_at
          from continuity_test where kind = 'dr' and created_at >= ? and created_at < ? order by id
          """);

  private static final Map<String, Reconciliation> RECONCILIATIONS = Map.of(
      "BC-01", new Reconciliation(List.of("restore-test.pick", "engine.restore-test"), "continuity_test",
          EVENTS_IN_PERIOD + "action in ('restore-test.pick', 'engine.restore-test')"),
      "BC-02", new Reconciliation(List.of("dr-test.plan"), "continuity_test",
          EVENTS_IN_PERIOD + "action = 'dr-test.plan'"));

  private final JdbcTemplate jdbc;

  public ContinuityPopulations(JdbcTemplate jdbc) {
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
    return new HashSet<>(jdbc.query(con -> {
      var ps = con.prepareStatement("select id from continuity_test where id = any(?)");
      ps.setArray(1, con.createArrayOf("varchar", ids.toArray()));
      return ps;
    }, (rs, i) -> rs.getString(1)));
  }
}
