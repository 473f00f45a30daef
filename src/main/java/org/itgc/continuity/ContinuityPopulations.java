package org.itgc.continuity;

import java.util.List;
import java.util.Map;
import org.itgc.audit.TrailScope;
import org.itgc.controls.SqlPopulations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The populations of continuity's controls (BC-01 restore tests, BC-02 DR tests), over continuity's own tables. */
@Component
public class ContinuityPopulations extends SqlPopulations {

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
          TrailScope.objectsOf("restore-test.pick", "engine.restore-test")),
      "BC-02", new Reconciliation(List.of("dr-test.plan"), "continuity_test",
          TrailScope.objectsOf("dr-test.plan")));

  private static final String TEST_IDS = "select id from continuity_test where id = any(?)";

  public ContinuityPopulations(JdbcTemplate jdbc) {
    super(jdbc, QUERIES, RECONCILIATIONS, Map.of("BC-01", TEST_IDS, "BC-02", TEST_IDS));
  }
}
