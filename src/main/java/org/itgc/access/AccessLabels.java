package org.itgc.access;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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

  /**
   * A removal task of one grant: the revocation and the grant of the loop's item, when the item is one of this
   * instance's revocation (the engine's loop variable, checked against the table). Revocations records the instance
   * with its revocation once the start returns, so within the starting transaction the revocation has none yet.
   */
  @Override
  public Optional<String> labelOf(String processInstanceId, Function<String, Object> engineVariable) {
    Object item = engineVariable.apply(AccessRevocationProcess.Data.ITEM.name());
    if (item != null) {
      Optional<String> grant = jdbc.query("""
          select r.id, i.name, g.system_id, g.entitlement_id from access_revocation r
          join access_identity i on i.id = r.identity_id
          join access_revocation_item ri on ri.revocation_id = r.id
          join access_grant g on g.id = ri.grant_id
          where (r.process_instance_id = ? or r.process_instance_id is null) and ri.id = ?
          """, (rs, n) -> rs.getString("id") + " " + rs.getString("name") + ": " + rs.getString("system_id") + "/"
          + rs.getString("entitlement_id"), processInstanceId, Long.valueOf(item.toString())).stream().findFirst();
      if (grant.isPresent()) {
        return grant;
      }
    }
    return labelOf(processInstanceId);
  }
}
