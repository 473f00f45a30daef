package org.itgc.certification;

import java.util.Optional;
import java.util.Set;
import org.itgc.platform.RecordLabels;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** A campaign's number and name for its review tasks' names, read from {@code cert_campaign} by process instance. */
@Component
class CertificationLabels implements RecordLabels {

  private final JdbcTemplate jdbc;

  CertificationLabels(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Set<String> processKeys() {
    return Set.of(CertificationProcess.KEY);
  }

  @Override
  public Optional<String> labelOf(String processInstanceId) {
    return jdbc.query("select id, name from cert_campaign where process_instance_id = ?",
        (rs, n) -> rs.getString("id") + " " + rs.getString("name"), processInstanceId).stream().findFirst();
  }
}
