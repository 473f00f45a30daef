package org.itgc.continuity;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.itgc.platform.RecordLabels;
import org.itgc.systems.SystemsInventory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A DR or restore test's number and system for its tasks' names, read from {@code continuity_test} by process
 * instance and the system's name from the inventory.
 */
@Component
class ContinuityLabels implements RecordLabels {

  private final JdbcTemplate jdbc;
  private final SystemsInventory systems;

  ContinuityLabels(JdbcTemplate jdbc, SystemsInventory systems) {
    this.jdbc = jdbc;
    this.systems = systems;
  }

  @Override
  public Set<String> processKeys() {
    return Set.of(DrTestProcess.KEY, RestoreTestProcess.KEY);
  }

  @Override
  public Optional<String> labelOf(String processInstanceId) {
    // a DR test: its one test; a quarter's restore tests outside the loop: the first of them
    return jdbc.query("select id, system_id from continuity_test where process_instance_id = ? order by id",
        (rs, n) -> label(rs.getString("id"), rs.getString("system_id")), processInstanceId).stream().findFirst();
  }

  /**
   * A task inside a loop: a restore of one picked backup (the loop's test, when it is one of this instance's tests), or
   * a DR test of one system of the scope (the loop's system: its test of this instance, else the system as planned).
   */
  @Override
  public Optional<String> labelOf(String processInstanceId, Function<String, Object> engineVariable) {
    for (String variable : new String[] {RestoreTestProcess.Data.TEST.name(), DrTestProcess.Data.TEST.name()}) {
      if (engineVariable.apply(variable) instanceof String id) {
        Optional<String> own = jdbc.query("select id, system_id from continuity_test where id = ? "
            + "and process_instance_id = ?", (rs, n) -> label(rs.getString("id"), rs.getString("system_id")),
            id, processInstanceId).stream().findFirst();
        if (own.isPresent()) {
          return own;
        }
      }
    }
    if (engineVariable.apply(DrTestProcess.Data.SYSTEM.name()) instanceof String systemId
        && systems.find(systemId).isPresent()) {
      return jdbc.query("select id, system_id from continuity_test where process_instance_id = ? and system_id = ? "
          + "order by id desc", (rs, n) -> label(rs.getString("id"), rs.getString("system_id")), processInstanceId,
          systemId).stream().findFirst().or(() -> Optional.of("DR test of " + label(systemId)));
    }
    return labelOf(processInstanceId);
  }

  private String label(String systemId) {
    return systems.find(systemId).map(s -> s.name() + " (" + s.id() + ")").orElse(systemId);
  }

  private String label(String id, String systemId) {
    return id + " " + label(systemId);
  }
}
