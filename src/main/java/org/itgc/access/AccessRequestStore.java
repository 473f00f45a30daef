package org.itgc.access;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.itgc.platform.web.ColumnTimestamp;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.itgc.access.AccessRequests.Approval;
import org.itgc.access.AccessRequests.Item;
import org.itgc.access.AccessRequests.SodCheck;
import org.itgc.access.AccessRequests.StoredRequest;
import org.itgc.access.SodRules.Conflict;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * Every statement over the access requests' tables ({@code access_request}, {@code access_approval},
 * {@code sod_exception}), answering records. The JSON columns of a request (its items and its SoD check) are read into
 * their records; a request's process instance is the server's record of which request an instance is.
 */
@Repository
class AccessRequestStore {

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;

  AccessRequestStore(JdbcTemplate jdbc, ObjectMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** A request as registered, before its process instance goes on. */
  record NewRow(String id, String processInstanceId, String requester, String requesterIdentityId,
      String beneficiaryId, String justification, List<Item> items, SodCheck sodCheck, Instant createdAt) {}

  /** An SoD exception (a row of {@code sod_exception}), with its columns' names in JSON as the API always had. */
  record SodException(String id, @JsonProperty("identity_id") String identityId,
      @JsonProperty("rule_id") String ruleId, String risk, String description,
      @JsonProperty("mitigating_control") String mitigatingControl, @JsonProperty("request_id") String requestId,
      @JsonProperty("security_approver") String securityApprover,
      @JsonProperty("finance_approver") String financeApprover,
      @JsonProperty("approved_at") @ColumnTimestamp Instant approvedAt,
      @JsonProperty("expires_at") @ColumnTimestamp Instant expiresAt,
      String status, @JsonProperty("expired_finding_id") Long expiredFindingId) {}

  /** An exception to record for one conflict the approvers accepted. */
  record NewException(String id, String identityId, Conflict conflict, String mitigatingControl, String requestId,
      String securityApprover, String financeApprover, Instant approvedAt, Instant expiresAt) {}

  /** Which exception covers which person's rule (for the detective scan). */
  record ActiveException(String identityId, String ruleId, String id) {}

  // ---------------------------------------------------------------- access_request, access_approval

  void insert(NewRow row) {
    jdbc.update("""
        insert into access_request (id, process_instance_id, requester, requester_identity_id, beneficiary_id,
            justification, items, conflicts, status, created_at)
        values (?, ?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), 'open', ?)
        """, row.id(), row.processInstanceId(), row.requester(), row.requesterIdentityId(), row.beneficiaryId(),
        row.justification(),
        write(row.items()), write(row.sodCheck()), Timestamp.from(row.createdAt()));
  }

  /** An open request that asks for this entitlement for this person, if any. */
  Optional<String> openRequestFor(String beneficiaryId, String systemId, String entitlementId) {
    return jdbc.queryForList("""
        select id from access_request where beneficiary_id = ? and status = 'open'
          and items @> cast(? as jsonb) order by created_at limit 1
        """, String.class, beneficiaryId, write(List.of(java.util.Map.of("systemId", systemId, "entitlementId",
        entitlementId)))).stream().findFirst();
  }

  /** The person who asked, as the registry named them when the request was made (not whoever holds the login now). */
  Optional<String> requesterIdentityOf(String requestId) {
    return jdbc.queryForList("select requester_identity_id from access_request where id = ?", String.class, requestId)
        .stream().filter(java.util.Objects::nonNull).findFirst();
  }

  Optional<StoredRequest> find(String id) {
    List<Approval> approvals = approvals(id);
    return jdbc.query("select * from access_request where id = ?", (rs, n) -> request(rs, approvals), id).stream()
        .findFirst();
  }

  /** The requests {@code requester} made (for themselves or others), newest first, one page, without approvals. */
  List<StoredRequest> requestedBy(String requester, int offset, int limit) {
    return jdbc.query("select * from access_request where requester = ? order by created_at desc, id desc offset ? limit ?",
        (rs, n) -> request(rs, List.of()), requester, offset, limit);
  }

  long countRequestedBy(String requester) {
    return jdbc.queryForObject("select count(*) from access_request where requester = ?", Long.class, requester);
  }

  /**
   * The request of a process instance, from the request table (the server's record of which request an instance is),
   * never from a variable that a task's client could shadow.
   */
  String requestOfInstance(String processInstanceId) {
    return jdbc.query("select id from access_request where process_instance_id = ?", (rs, n) -> rs.getString(1),
        processInstanceId).stream().findFirst().orElseThrow(() ->
        new IllegalStateException("process instance " + processInstanceId + " has registered no access request"));
  }

  /** The request of a process instance, with its approvals so far. */
  StoredRequest ofInstance(String processInstanceId) {
    return find(requestOfInstance(processInstanceId)).orElseThrow();
  }

  List<Item> items(String requestId) {
    return read(jdbc.queryForObject("select items from access_request where id = ?", String.class, requestId),
        new TypeReference<List<Item>>() {});
  }

  void close(String requestId, String status, Instant at) {
    jdbc.update("update access_request set status = ?, closed_at = ? where id = ?", status, Timestamp.from(at),
        requestId);
  }

  List<Approval> approvals(String requestId) {
    return jdbc.query("""
        select step, approver, decision, comment, decided_at from access_approval where request_id = ? order by id
        """, APPROVAL, requestId);
  }

  void insertApproval(String requestId, String step, String approver, String decision, String comment, Instant at) {
    jdbc.update("""
        insert into access_approval (request_id, step, approver, decision, comment, decided_at) values (?, ?, ?, ?, ?, ?)
        """, requestId, step, approver, decision, comment, Timestamp.from(at));
  }

  // ---------------------------------------------------------------- sod_exception

  /** The rules of a person's conflicts that an active exception covers at {@code at}. */
  Set<String> coveredRules(String identityId, Instant at) {
    return jdbc.queryForList("""
        select rule_id from sod_exception where identity_id = ? and status = 'active' and expires_at > ?
        """, String.class, identityId, Timestamp.from(at)).stream().collect(Collectors.toCollection(
        java.util.LinkedHashSet::new));
  }

  /** Every exception active at {@code at} (the detective scan's coverage). */
  List<ActiveException> activeExceptions(Instant at) {
    return jdbc.query("select identity_id, rule_id, id from sod_exception where status = 'active' and expires_at > ?",
        (rs, n) -> new ActiveException(rs.getString(1), rs.getString(2), rs.getString(3)), Timestamp.from(at));
  }

  void insertException(NewException exception) {
    jdbc.update("""
        insert into sod_exception (id, identity_id, rule_id, risk, description, mitigating_control, request_id,
            security_approver, finance_approver, approved_at, expires_at, status)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')
        """, exception.id(), exception.identityId(), exception.conflict().ruleId(), exception.conflict().risk(),
        exception.conflict().description(), exception.mitigatingControl(), exception.requestId(),
        exception.securityApprover(), exception.financeApprover(), Timestamp.from(exception.approvedAt()),
        Timestamp.from(exception.expiresAt()));
  }

  /** Every exception, as the API lists them. */
  List<SodException> exceptions() {
    return jdbc.query("""
        select id, identity_id, rule_id, risk, description, mitigating_control, request_id, security_approver,
               finance_approver, approved_at, expires_at, status, expired_finding_id
        from sod_exception order by approved_at
        """, EXCEPTION);
  }

  List<SodException> activeExceptionsOfRequest(String requestId) {
    return jdbc.query("select * from sod_exception where request_id = ? and status = 'active'", EXCEPTION, requestId);
  }

  void expire(String exceptionId, long findingId) {
    jdbc.update("update sod_exception set status = 'expired', expired_finding_id = ? where id = ?", findingId,
        exceptionId);
  }

  // ---------------------------------------------------------------- rows

  private static final RowMapper<Approval> APPROVAL = (rs, n) -> new Approval(rs.getString("step"),
      rs.getString("approver"), rs.getString("decision"), rs.getString("comment"), instant(rs, "decided_at"));

  private static final RowMapper<SodException> EXCEPTION = (rs, n) -> new SodException(rs.getString("id"),
      rs.getString("identity_id"), rs.getString("rule_id"), rs.getString("risk"), rs.getString("description"),
      rs.getString("mitigating_control"), rs.getString("request_id"), rs.getString("security_approver"),
      rs.getString("finance_approver"), instant(rs, "approved_at"), instant(rs, "expires_at"),
      rs.getString("status"), rs.getObject("expired_finding_id") == null ? null : rs.getLong("expired_finding_id"));

  private StoredRequest request(ResultSet rs, List<Approval> approvals) throws SQLException {
    return new StoredRequest(rs.getString("id"), rs.getString("process_instance_id"), rs.getString("requester"),
        rs.getString("beneficiary_id"), rs.getString("justification"),
        read(rs.getString("items"), new TypeReference<List<Item>>() {}),
        read(rs.getString("conflicts"), new TypeReference<SodCheck>() {}), rs.getString("status"),
        instant(rs, "created_at"), instant(rs, "closed_at"), approvals);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private <T> T read(String value, TypeReference<T> type) {
    try {
      return json.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
