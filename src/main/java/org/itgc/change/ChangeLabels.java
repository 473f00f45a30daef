package org.itgc.change;

import java.util.Optional;
import java.util.Set;
import org.itgc.platform.RecordLabels;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** A change's number and title for its tasks' names, read from {@code change_request} by process instance. */
@Component
class ChangeLabels implements RecordLabels {

  private final JdbcTemplate jdbc;

  ChangeLabels(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Set<String> processKeys() {
    return Set.of(ChangeProcess.KEY);
  }

  /**
   * The change the instance registered; none yet for the follow-up of a failed change, which starts at its rework
   * before it is registered (its rework task keeps the model's name).
   */
  @Override
  public Optional<String> labelOf(String processInstanceId) {
    return jdbc.query("select id, title from change_request where process_instance_id = ?",
        (rs, n) -> rs.getString("id") + " " + rs.getString("title"), processInstanceId).stream().findFirst();
  }
}
