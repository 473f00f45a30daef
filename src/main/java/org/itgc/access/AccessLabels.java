package org.itgc.access;

import java.util.Optional;
import java.util.Set;
import org.itgc.platform.RecordLabels;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * An access request's or revocation's number and whom it is for, for their tasks' names, read from
 * {@code access_request} and {@code access_revocation} by process instance.
 */
@Component
class AccessLabels implements RecordLabels {

  private final JdbcTemplate jdbc;

  AccessLabels(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Set<String> processKeys() {
    return Set.of(AccessRequestProcess.KEY, AccessRevocationProcess.KEY);
  }

  @Override
  public Optional<String> labelOf(String processInstanceId) {
    Optional<String> request = jdbc.query("""
        select r.id, i.name from access_request r join access_identity i on i.id = r.beneficiary_id
        where r.process_instance_id = ?
        """, (rs, n) -> rs.getString("id") + " " + rs.getString("name"), processInstanceId).stream().findFirst();
    if (request.isPresent()) {
      return request;
    }
    return jdbc.query("""
        select r.id, i.name, r.reason from access_revocation r join access_identity i on i.id = r.identity_id
        where r.process_instance_id = ?
        """, (rs, n) -> rs.getString("id") + " " + rs.getString("name") + " (" + rs.getString("reason") + ")",
        processInstanceId).stream().findFirst();
  }
}
