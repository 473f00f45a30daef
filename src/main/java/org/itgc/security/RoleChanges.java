package org.itgc.security;

import org.itgc.platform.Role;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.web.ConflictException;
import org.itgc.platform.web.NotFoundException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Four eyes on engine roles: a security admin asks for a user's roles to change (at creation or later), and the
 * change applies only when a second person approves it, a security admin or a governance lead who is neither the asker
 * nor the user. Every step is audited; an approved change is published ({@link Applied}) so that the access registry
 * records the grants with this change as their provenance.
 */
@Service
public class RoleChanges {

  /** A role change as stored. */
  public record RoleChange(String id, String username, List<String> rolesBefore, List<String> rolesAfter,
      String requestedBy, Instant requestedAt, String reason, String status, String decidedBy, Instant decidedAt) {}

  /** Published when a role change is approved and applied (in its transaction). */
  public record Applied(String roleChangeId, String username, Set<String> added, Set<String> removed,
      String requestedBy, String approvedBy) {}

  private final JdbcTemplate jdbc;
  private final UserAccounts accounts;
  private final AuditRecorder audit;
  private final ApplicationEventPublisher events;
  private final Clock clock;

  RoleChanges(JdbcTemplate jdbc, UserAccounts accounts, AuditRecorder audit, ApplicationEventPublisher events,
      Clock clock) {
    this.jdbc = jdbc;
    this.accounts = accounts;
    this.audit = audit;
    this.events = events;
    this.clock = clock;
  }

  /** Asks for {@code username}'s roles to become {@code roles}; nothing changes until another person approves. */
  @Transactional
  public RoleChange request(String username, Set<Role> roles, String requestedBy, String reason) {
    var user = accounts.find(username).orElseThrow(() -> new NotFoundException("user", username));
    if (username.equals(requestedBy)) {
      audit.recordIndependently(AuditEvent.of("user.role-change.request", "user", username)
          .denied("nobody changes their own roles").detail("requestedRoles", names(roles)).build());
      throw new AccessDeniedException("Nobody changes their own roles; ask another security administrator.");
    }
    Instant now = clock.instant();
    String id = "RC-" + Year.from(now.atZone(ZoneOffset.UTC)) + "-"
        + String.format("%05d", jdbc.queryForObject("select nextval('role_change_number')", Long.class));
    jdbc.update(con -> {
      var ps = con.prepareStatement("""
          insert into role_change (id, username, roles_before, roles_after, requested_by, requested_at, reason, status)
          values (?, ?, ?, ?, ?, ?, ?, 'pending')
          """);
      ps.setString(1, id);
      ps.setString(2, username);
      ps.setArray(3, con.createArrayOf("varchar", names(user.roles()).toArray()));
      ps.setArray(4, con.createArrayOf("varchar", names(roles).toArray()));
      ps.setString(5, requestedBy);
      ps.setTimestamp(6, Timestamp.from(now));
      ps.setString(7, reason);
      return ps;
    });
    audit.record(AuditEvent.of("user.role-change.request", "role-change", id).detail("username", username)
        .detail("before", names(user.roles())).detail("after", names(roles)).detail("reason", reason).build());
    return find(id).orElseThrow();
  }

  /** Approves and applies a pending change: a second person, neither the asker nor the user. */
  @Transactional
  public RoleChange approve(String id, String approver) {
    RoleChange change = pending(id, approver, "approve");
    Set<Role> current = accounts.find(change.username()).orElseThrow().roles();
    Set<Role> after = EnumSet.noneOf(Role.class);
    change.rolesAfter().forEach(r -> Role.fromGroupId(r).ifPresent(after::add));
    Set<Role> before = EnumSet.noneOf(Role.class);
    change.rolesBefore().forEach(r -> Role.fromGroupId(r).ifPresent(before::add));
    // the difference the asker saw, applied to what the user holds now
    Set<Role> target = EnumSet.noneOf(Role.class);
    target.addAll(current);
    after.stream().filter(r -> !before.contains(r)).forEach(target::add);
    before.stream().filter(r -> !after.contains(r)).forEach(target::remove);
    // decided once, whoever comes second: the row changes only while it is pending
    if (jdbc.update("update role_change set status = 'approved', decided_by = ?, decided_at = ? "
        + "where id = ? and status = 'pending'", approver, Timestamp.from(clock.instant()), id) != 1) {
      throw new ConflictException("role change " + id + " was decided meanwhile");
    }
    accounts.setRoles(change.username(), target, approver);
    Set<String> added = new TreeSet<>(names(target));
    added.removeAll(names(current));
    Set<String> removed = new TreeSet<>(names(current));
    removed.removeAll(names(target));
    audit.record(AuditEvent.of("user.role-change.approve", "role-change", id).detail("username", change.username())
        .detail("requestedBy", change.requestedBy()).detail("added", added).detail("removed", removed).build());
    events.publishEvent(new Applied(id, change.username(), added, removed, change.requestedBy(), approver));
    return find(id).orElseThrow();
  }

  @Transactional
  public RoleChange reject(String id, String approver) {
    pending(id, approver, "reject");
    if (jdbc.update("update role_change set status = 'rejected', decided_by = ?, decided_at = ? "
        + "where id = ? and status = 'pending'", approver, Timestamp.from(clock.instant()), id) != 1) {
      throw new ConflictException("role change " + id + " was decided meanwhile");
    }
    audit.record(AuditEvent.of("user.role-change.reject", "role-change", id).build());
    return find(id).orElseThrow();
  }

  private RoleChange pending(String id, String approver, String what) {
    RoleChange change = find(id).orElseThrow(() -> new NotFoundException("role change", id));
    if (!change.status().equals("pending")) {
      throw new ConflictException("role change " + id + " is " + change.status() + ", not pending");
    }
    String reason = approver.equals(change.requestedBy()) ? "the asker of a role change does not " + what + " it"
        : approver.equals(change.username()) ? "nobody decides on their own roles" : null;
    if (reason != null) {
      audit.recordIndependently(AuditEvent.of("user.role-change." + what, "role-change", id).denied(reason).build());
      throw new AccessDeniedException(reason.substring(0, 1).toUpperCase() + reason.substring(1) + ".");
    }
    return change;
  }

  public Optional<RoleChange> find(String id) {
    return list("id = ?", id).stream().findFirst();
  }

  public List<RoleChange> pendingFor(String username) {
    return list(username == null ? "status = 'pending'" : "status = 'pending' and username = ?",
        username == null ? new Object[0] : new Object[] {username});
  }

  private List<RoleChange> list(String where, Object... args) {
    return jdbc.query("select * from role_change where " + where + " order by requested_at, id", (rs, i) ->
        new RoleChange(rs.getString("id"), rs.getString("username"),
            Arrays.asList((String[]) rs.getArray("roles_before").getArray()),
            Arrays.asList((String[]) rs.getArray("roles_after").getArray()), rs.getString("requested_by"),
            rs.getTimestamp("requested_at").toInstant(), rs.getString("reason"), rs.getString("status"),
            rs.getString("decided_by"), rs.getTimestamp("decided_at") == null ? null
                : rs.getTimestamp("decided_at").toInstant()), args);
  }

  private static List<String> names(Set<Role> roles) {
    return roles.stream().map(Role::groupId).sorted().toList();
  }
}
