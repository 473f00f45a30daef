package org.itgc.security;

import org.itgc.platform.Role;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.InvalidInputException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The engine's users and their roles: the source of truth for login (table {@code sec_user}), mirrored into
 * Camunda's identity tables by {@link CamundaIdentity}. Every creation and every role granted or removed is audited
 * (a role granted is a privilege escalation).
 */
@Service
public class UserAccounts {

  private final JdbcTemplate jdbc;
  private final PasswordPolicy passwordPolicy;
  private final PasswordEncoder passwordEncoder;
  private final CamundaIdentity camundaIdentity;
  private final AuditRecorder audit;
  private final Clock clock;

  UserAccounts(JdbcTemplate jdbc, PasswordPolicy passwordPolicy, PasswordEncoder passwordEncoder,
      CamundaIdentity camundaIdentity, AuditRecorder audit, Clock clock) {
    this.jdbc = jdbc;
    this.passwordPolicy = passwordPolicy;
    this.passwordEncoder = passwordEncoder;
    this.camundaIdentity = camundaIdentity;
    this.audit = audit;
    this.clock = clock;
  }

  /** A user to create; the password is checked and hashed, never stored as given. */
  public record NewUser(String username, String displayName, String email, String password, Set<Role> roles) {}

  /**
   * Creates a user whose password someone else chose (a security admin, the bootstrap settings): it must be replaced
   * at the first login, after the second factor.
   */
  @Transactional
  public UserAccount create(NewUser user, String createdBy) {
    return create(user, createdBy, true);
  }

  /** @param initialPassword whether the password was set by someone else and must change at the first login */
  @Transactional
  public UserAccount create(NewUser user, String createdBy, boolean initialPassword) {
    if (exists(user.username())) {
      throw new BadRequestException("username", "a user named '" + user.username() + "' already exists");
    }
    checkPassword(user.username(), user.password());
    Instant now = clock.instant();
    jdbc.update("""
        insert into sec_user (username, display_name, email, password_hash, enabled, created_at, created_by,
                              password_changed_at, must_change_password)
        values (?, ?, ?, ?, true, ?, ?, ?, ?)
        """, user.username(), user.displayName(), user.email(), passwordEncoder.encode(user.password()),
        Timestamp.from(now), createdBy, Timestamp.from(now), initialPassword);
    audit.record(AuditEvent.of("user.create", "user", user.username())
        .detail("displayName", user.displayName()).detail("email", user.email())
        .detail("roles", new TreeSet<>(user.roles().stream().map(Role::groupId).toList())).build());
    for (Role role : user.roles()) {
      insertRole(user.username(), role, createdBy, now);
    }
    camundaIdentity.saveUser(user.username(), user.displayName(), user.email(), user.roles());
    return find(user.username()).orElseThrow();
  }

  /**
   * Adds and removes roles of a user, against what the user holds when the row is locked: two changes at once (a role
   * request and a connector's job, say) each apply their own difference and neither undoes the other's.
   */
  @Transactional
  public UserAccount changeRoles(String username, Set<Role> add, Set<Role> remove, String changedBy) {
    lock(username);
    Set<Role> target = EnumSet.noneOf(Role.class);
    target.addAll(find(username).orElseThrow().roles());
    target.addAll(add);
    target.removeAll(remove);
    return setRoles(username, target, changedBy);
  }

  /** Replaces a user's roles; each role granted or removed is its own audit event. */
  @Transactional
  public UserAccount setRoles(String username, Set<Role> roles, String changedBy) {
    lock(username);
    UserAccount current = find(username).orElseThrow(() -> new org.itgc.platform.web.NotFoundException("user", username));
    Instant now = clock.instant();
    for (Role role : roles) {
      if (!current.roles().contains(role)) {
        insertRole(username, role, changedBy, now);
      }
    }
    for (Role role : current.roles()) {
      if (!roles.contains(role)) {
        jdbc.update("delete from sec_user_role where username = ? and role = ?", username, role.groupId());
        audit.record(AuditEvent.of("user.role.revoke", "user", username).detail("role", role.groupId()).build());
      }
    }
    camundaIdentity.saveUser(username, current.displayName(), current.email(), roles, current.roles());
    return find(username).orElseThrow();
  }

  /** Holds the user's row until the transaction ends, so that role changes of one user follow each other. */
  private void lock(String username) {
    if (jdbc.queryForList("select username from sec_user where username = ? for update", String.class, username)
        .isEmpty()) {
      throw new org.itgc.platform.web.NotFoundException("user", username);
    }
  }

  private void insertRole(String username, Role role, String grantedBy, Instant at) {
    jdbc.update("insert into sec_user_role (username, role, granted_at, granted_by) values (?, ?, ?, ?)",
        username, role.groupId(), Timestamp.from(at), grantedBy);
    audit.record(AuditEvent.of("user.role.grant", "user", username).detail("role", role.groupId())
        .detail("privileged", role == Role.ENGINE_ADMIN || role == Role.SECURITY_ADMIN).build());
  }

  /**
   * Enables or disables a login (disabled: no password login, no API by password); audited when it changes. Returns
   * whether it changed; throws NotFoundException for an unknown user.
   */
  public boolean setEnabled(String username, boolean enabled, String by, String reason) {
    if (!exists(username)) {
      throw new org.itgc.platform.web.NotFoundException("user", username);
    }
    int changed = jdbc.update("update sec_user set enabled = ? where username = ? and enabled <> ?", enabled, username,
        enabled);
    if (changed > 0) {
      audit.record(AuditEvent.of(enabled ? "user.enable" : "user.disable", "user", username).detail("by", by)
          .detail("reason", reason).build());
    }
    return changed > 0;
  }

  public boolean exists(String username) {
    Integer count = jdbc.queryForObject("select count(*) from sec_user where username = ?", Integer.class, username);
    return count != null && count > 0;
  }

  public boolean anyoneHas(Role role) {
    Integer count = jdbc.queryForObject("select count(*) from sec_user_role r join sec_user u using (username) "
        + "where r.role = ? and u.enabled", Integer.class, role.groupId());
    return count != null && count > 0;
  }

  public Optional<UserAccount> find(String username) {
    return all(username).stream().findFirst();
  }

  public List<UserAccount> all() {
    return all(null);
  }

  private List<UserAccount> all(String only) {
    Map<String, Set<Role>> roles = new HashMap<>();
    jdbc.query("select username, role from sec_user_role" + (only == null ? "" : " where username = ?"), rs -> {
      String name = rs.getString("username");
      Role.fromGroupId(rs.getString("role")).ifPresent(role ->
          roles.computeIfAbsent(name, k -> EnumSet.noneOf(Role.class)).add(role));
    }, only == null ? new Object[0] : new Object[] {only});
    Map<String, UserAccount> users = new LinkedHashMap<>();
    jdbc.query("select * from sec_user" + (only == null ? "" : " where username = ?") + " order by username", rs -> {
      String name = rs.getString("username");
      users.put(name, new UserAccount(name, rs.getString("display_name"), rs.getString("email"),
          rs.getBoolean("enabled"), Set.copyOf(roles.getOrDefault(name, EnumSet.noneOf(Role.class))),
          rs.getTimestamp("created_at").toInstant(), rs.getString("created_by")));
    }, only == null ? new Object[0] : new Object[] {only});
    return new ArrayList<>(users.values());
  }

  /** The e-mail addresses of the enabled members of a role, for notifications. */
  public List<String> emailsOf(Role role) {
    return jdbc.queryForList("select u.email from sec_user u join sec_user_role r using (username) "
        + "where r.role = ? and u.enabled order by u.username", String.class, role.groupId());
  }

  /** A user's e-mail address, if the user exists. */
  public Optional<String> email(String username) {
    return jdbc.queryForList("select email from sec_user where username = ?", String.class, username).stream().findFirst();
  }

  /**
   * The login whose e-mail address is {@code email} (without regard to case), when exactly one login has it: how an
   * identity provider's user name that is an e-mail address or UPN finds the person's login of this engine.
   */
  public Optional<String> loginWithEmail(String email) {
    if (email == null || email.isBlank()) {
      return Optional.empty();
    }
    List<String> logins = jdbc.queryForList("select username from sec_user where lower(email) = lower(?)", String.class,
        email.strip());
    return logins.size() == 1 ? Optional.of(logins.get(0)) : Optional.empty();
  }

  /** The hash and roles that login needs. */
  record Credentials(String username, String passwordHash, boolean enabled, Set<Role> roles) {}

  Optional<Credentials> credentials(String username) {
    var rows = jdbc.query("select password_hash, enabled from sec_user where username = ?",
        (rs, i) -> new Object[] {rs.getString(1), rs.getBoolean(2)}, username);
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    jdbc.query("select role from sec_user_role where username = ?",
        rs -> { Role.fromGroupId(rs.getString(1)).ifPresent(roles::add); }, username);
    return Optional.of(new Credentials(username, (String) rows.get(0)[0], (Boolean) rows.get(0)[1], roles));
  }

  /**
   * Changes a user's password: the current one must match, the new one must meet the policy and must not be one of
   * the last {@code historySize} passwords (nor the current one).
   */
  @Transactional
  public void changePassword(String username, String current, String next) {
    var row = jdbc.queryForList("select password_hash from sec_user where username = ? for update", String.class, username);
    if (row.isEmpty()) {
      throw new org.itgc.platform.web.NotFoundException("user", username);
    }
    String hash = row.get(0);
    List<InvalidInputException.FieldError> errors = new java.util.ArrayList<>();
    if (current == null || hash == null || !passwordEncoder.matches(current, hash)) {
      errors.add(new InvalidInputException.FieldError("currentPassword", "does not match"));
    }
    if (next == null) {
      errors.add(new InvalidInputException.FieldError("newPassword", "is required"));
    } else {
      passwordPolicy.problems(username, next).forEach(p -> errors.add(new InvalidInputException.FieldError("newPassword", p)));
      int history = passwordPolicy.rules().historySize();
      List<String> previous = new java.util.ArrayList<>();
      if (hash != null) {
        previous.add(hash);
      }
      if (history > 0) {
        previous.addAll(jdbc.queryForList("""
            select password_hash from sec_password_history where username = ? order by replaced_at desc limit ?
            """, String.class, username, history));
      }
      if (previous.stream().anyMatch(old -> passwordEncoder.matches(next, old))) {
        errors.add(new InvalidInputException.FieldError("newPassword",
            "was used before: the policy keeps the last " + Math.max(1, history) + " passwords"));
      }
    }
    if (!errors.isEmpty()) {
      audit.recordIndependently(AuditEvent.of("user.password.change", "user", username).actor(username, null)
          .denied(errors.stream().map(InvalidInputException.FieldError::field).distinct().toList().toString()).build());
      throw new InvalidInputException(errors);
    }
    Instant now = clock.instant();
    if (hash != null) {
      jdbc.update("insert into sec_password_history (username, password_hash, replaced_at) values (?, ?, ?)", username,
          hash, Timestamp.from(now));
    }
    jdbc.update("""
        update sec_user set password_hash = ?, password_changed_at = ?, must_change_password = false where username = ?
        """, passwordEncoder.encode(next), Timestamp.from(now), username);
    audit.record(AuditEvent.of("user.password.change", "user", username).actor(username, null).build());
  }

  /** Whether a user's password is marked to change, and when it was last changed (null: never). */
  private record PasswordState(boolean marked, Instant changedAt) {}

  /**
   * At a password login: why the password must change now (it no longer meets the policy, has expired under it, or the
   * account is marked), or empty. Marks the account and audits why.
   */
  public Optional<String> passwordChangeNeeded(String username, String password) {
    var rows = jdbc.query("select must_change_password, password_changed_at from sec_user where username = ?",
        (rs, i) -> new PasswordState(rs.getBoolean("must_change_password"),
            rs.getTimestamp("password_changed_at") == null ? null : rs.getTimestamp("password_changed_at").toInstant()),
        username);
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    boolean marked = rows.get(0).marked();
    String reason = null;
    if (marked) {
      reason = "marked to change";
    } else if (password != null && !passwordPolicy.problems(username, password).isEmpty()) {
      reason = "no longer meets the password policy: " + String.join("; ", passwordPolicy.problems(username, password));
    } else {
      int expiry = passwordPolicy.rules().expiryDays();
      Instant changed = rows.get(0).changedAt();
      if (expiry > 0 && changed != null && changed.plus(java.time.Duration.ofDays(expiry)).isBefore(clock.instant())) {
        reason = "expired after " + expiry + " days";
      }
    }
    if (reason != null && !marked) {
      jdbc.update("update sec_user set must_change_password = true where username = ?", username);
      audit.record(AuditEvent.of("user.password.must-change", "user", username).actor(username, null)
          .detail("reason", reason).build());
    }
    return Optional.ofNullable(reason);
  }

  /** The password policy of config/password-policy.yaml; every problem is named. */
  void checkPassword(String username, String password) {
    List<String> problems = passwordPolicy.problems(username, password);
    if (!problems.isEmpty()) {
      throw new BadRequestException("password", String.join("; ", problems));
    }
  }
}
