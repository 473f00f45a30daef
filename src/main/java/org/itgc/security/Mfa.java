package org.itgc.security;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.itgc.platform.web.ColumnTimestamp;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The second factor of every interactive login (control IA-01): TOTP enrolment confirmed by one valid code, one-time
 * recovery codes stored hashed, no code accepted twice, reset by a security admin only; and the lockout after
 * consecutive failures (password or code), for a period that doubles with each lock.
 */
@Service
public class Mfa {

  static final int RECOVERY_CODES = 10;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

  private final JdbcTemplate jdbc;
  private final MfaSecrets secrets;
  private final PasswordEncoder encoder;
  private final AuditRecorder audit;
  private final Clock clock;
  private final int maxFailures;
  private final Duration firstLock;

  Mfa(JdbcTemplate jdbc, MfaSecrets secrets, PasswordEncoder encoder, AuditRecorder audit, Clock clock,
      @Value("${itgc.security.lockout.max-failures:5}") int maxFailures,
      @Value("${itgc.security.lockout.first-lock:PT5M}") Duration firstLock) {
    this.jdbc = jdbc;
    this.secrets = secrets;
    this.encoder = encoder;
    this.audit = audit;
    this.clock = clock;
    this.maxFailures = maxFailures;
    this.firstLock = firstLock;
  }

  public boolean enrolled(String username) {
    return Boolean.TRUE.equals(jdbc.queryForObject(
        "select mfa_secret is not null from sec_user where username = ?", Boolean.class, username));
  }

  /** Stores a secret the user proved with a valid code; returns the recovery codes, shown to them once. */
  @Transactional
  public Optional<List<String>> enrol(String username, String secret, String code, String clientAddress) {
    long step = Totp.matchingStep(secret, code == null ? null : code.strip(), clock.instant());
    if (step < 0) {
      audit.recordIndependently(AuditEvent.of("mfa.enrol", "user", username).actor(username, null)
          .clientAddress(clientAddress).denied("the confirmation code did not match").build());
      return Optional.empty();
    }
    jdbc.update("update sec_user set mfa_secret = ?, mfa_enrolled_at = ?, mfa_last_step = ? where username = ?",
        secrets.encrypt(secret), Timestamp.from(clock.instant()), step, username);
    List<String> codes = newRecoveryCodes(username);
    audit.record(AuditEvent.of("mfa.enrol", "user", username).actor(username, null).clientAddress(clientAddress)
        .detail("recoveryCodes", codes.size()).build());
    return Optional.of(codes);
  }

  /** Enrols a demo user with the secret the README's command knows. Demo profile only. */
  void enrolDemo(String username) {
    if (!enrolled(username)) {
      jdbc.update("update sec_user set mfa_secret = ?, mfa_enrolled_at = ? where username = ?",
          secrets.encrypt(Totp.demoSecret(username)), Timestamp.from(clock.instant()), username);
    }
  }

  /** A user's TOTP secret (encrypted; null before enrolment) and the last time step accepted. */
  private record SecondFactor(String secret, long lastStep) {}

  /** An unused recovery code: its row and hash. */
  private record RecoveryCode(long id, String hash) {}

  /**
   * Checks a second factor: a TOTP code of a step after the last one accepted, or an unused recovery code (then
   * used up). A failure counts towards the lockout.
   */
  @Transactional
  public boolean verify(String username, String code, String clientAddress) {
    String given = code == null ? "" : code.strip().replace(" ", "");
    SecondFactor factor = jdbc.queryForObject("select mfa_secret, mfa_last_step from sec_user where username = ? "
        + "for update", (rs, i) -> new SecondFactor(rs.getString("mfa_secret"), rs.getLong("mfa_last_step")), username);
    boolean ok = false;
    String method = "totp";
    if (factor.secret() != null && given.matches("\\d{6}")) {
      long step = Totp.matchingStep(secrets.decrypt(factor.secret()), given, clock.instant());
      if (step > factor.lastStep()) {
        jdbc.update("update sec_user set mfa_last_step = ? where username = ?", step, username);
        ok = true;
      }
    } else if (given.matches("[a-z0-9]{5}-[a-z0-9]{5}")) {
      method = "recovery-code";
      for (var recovery : jdbc.query("select id, code_hash from sec_recovery_code where username = ? and used_at is null",
          (rs, i) -> new RecoveryCode(rs.getLong("id"), rs.getString("code_hash")), username)) {
        if (encoder.matches(given, recovery.hash())) {
          jdbc.update("update sec_recovery_code set used_at = ? where id = ?", Timestamp.from(clock.instant()), recovery.id());
          ok = true;
          break;
        }
      }
    }
    if (!ok) {
      failed(username, clientAddress, "second factor");
      audit.recordIndependently(AuditEvent.of("mfa.verify", "user", username).actor(username, null)
          .clientAddress(clientAddress).denied("wrong, malformed or reused code").detail("method", method).build());
    } else {
      audit.record(AuditEvent.of("mfa.verify", "user", username).actor(username, null).clientAddress(clientAddress)
          .detail("method", method).build());
    }
    return ok;
  }

  /** Removes a user's second factor; they enrol again at their next login. Never one's own. */
  @Transactional
  public void reset(String username, String by) {
    if (username.equals(by)) {
      throw new org.springframework.security.access.AccessDeniedException("nobody resets their own second factor");
    }
    int changed = jdbc.update("update sec_user set mfa_secret = null, mfa_enrolled_at = null where username = ?", username);
    if (changed == 0) {
      throw new org.itgc.platform.web.NotFoundException("user", username);
    }
    jdbc.update("update sec_recovery_code set used_at = ? where username = ? and used_at is null",
        Timestamp.from(clock.instant()), username);
    audit.record(AuditEvent.of("mfa.reset", "user", username).detail("by", by).build());
  }

  private List<String> newRecoveryCodes(String username) {
    jdbc.update("update sec_recovery_code set used_at = ? where username = ? and used_at is null",
        Timestamp.from(clock.instant()), username);
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < RECOVERY_CODES; i++) {
      StringBuilder code = new StringBuilder();
      for (int c = 0; c < 10; c++) {
        if (c == 5) {
          code.append('-');
        }
        code.append(RECOVERY_ALPHABET.charAt(RANDOM.nextInt(RECOVERY_ALPHABET.length())));
      }
      codes.add(code.toString());
      jdbc.update("insert into sec_recovery_code (username, code_hash, created_at) values (?, ?, ?)", username,
          encoder.encode(code.toString()), Timestamp.from(clock.instant()));
    }
    return codes;
  }

  // ---------------------------------------------------------------- lockout

  /** Whether the account is locked now. */
  public boolean locked(String username) {
    var until = jdbc.queryForList("select locked_until from sec_user where username = ?", Timestamp.class, username);
    return !until.isEmpty() && until.get(0) != null && until.get(0).toInstant().isAfter(clock.instant());
  }

  /** A failed password or code: after N in a row the account locks, each lock twice as long as the one before. */
  public void failed(String username, String clientAddress, String what) {
    var rows = jdbc.query("select failed_attempts, lock_count from sec_user where username = ?",
        (rs, i) -> new int[] {rs.getInt("failed_attempts"), rs.getInt("lock_count")}, username);
    if (rows.isEmpty()) {
      return;
    }
    int failures = rows.get(0)[0] + 1;
    int locks = rows.get(0)[1];
    if (failures >= maxFailures) {
      Duration period = firstLock.multipliedBy(1L << Math.min(locks, 10));
      Instant until = clock.instant().plus(period);
      jdbc.update("update sec_user set failed_attempts = 0, second_factor_failures = 0, lock_count = lock_count + 1, "
          + "locked_until = ? where username = ?", Timestamp.from(until), username);
      audit.recordIndependently(AuditEvent.of("user.lock", "user", username).actor(username, null)
          .clientAddress(clientAddress).outcome(AuditEvent.Outcome.DENIED).detail("failures", failures)
          .detail("lockedUntil", until.toString()).detail("lastFailure", what).build());
    } else {
      jdbc.update("update sec_user set failed_attempts = ?, second_factor_failures = second_factor_failures + ? "
          + "where username = ?", failures, what.equals("password") ? 0 : 1, username);
    }
  }

  /**
   * A client's password was right (HTTP Basic): a run of password failures starts again, but not a run that holds a
   * wrong second-factor code; only a complete login (password and code) ends that.
   */
  public void passwordSucceeded(String username) {
    jdbc.update("update sec_user set failed_attempts = 0 where username = ? and failed_attempts > 0 "
        + "and second_factor_failures = 0", username);
  }

  /** A complete login: the failure count starts again. */
  public void succeeded(String username) {
    jdbc.update("update sec_user set failed_attempts = 0, second_factor_failures = 0, lock_count = 0, last_login_at = ? "
        + "where username = ?",
        Timestamp.from(clock.instant()), username);
  }

  /** Lifts a lockout: a security admin's act, never on her own login (another admin lifts hers). */
  @Transactional
  public void unlock(String username, String by) {
    if (username.equals(by)) {
      throw new org.springframework.security.access.AccessDeniedException("nobody unlocks their own login");
    }
    int changed = jdbc.update("update sec_user set failed_attempts = 0, second_factor_failures = 0, locked_until = null "
        + "where username = ?", username);
    if (changed == 0) {
      throw new org.itgc.platform.web.NotFoundException("user", username);
    }
    audit.record(AuditEvent.of("user.unlock", "user", username).detail("by", by).build());
  }

  /**
   * One user in the IA-01 evidence: second factor, last login, lock, password and roles (the columns' names in JSON
   * and the database timestamps' format, as the report always had).
   */
  public record UserCoverage(String username, boolean enabled, @JsonProperty("mfa_enrolled") boolean mfaEnrolled,
      @JsonProperty("mfa_enrolled_at") @ColumnTimestamp Instant mfaEnrolledAt,
      @JsonProperty("last_login_at") @ColumnTimestamp Instant lastLoginAt,
      @JsonProperty("locked_until") @ColumnTimestamp Instant lockedUntil,
      @JsonProperty("password_changed_at") @ColumnTimestamp Instant passwordChangedAt,
      @JsonProperty("password_compliant") boolean passwordCompliant,
      @JsonProperty("recovery_codes_left") long recoveryCodesLeft, String roles) {}

  /** Evidence for IA-01: every user, enrolled or not, last login, lock. */
  public List<UserCoverage> coverage() {
    return jdbc.query("""
        select u.username, u.enabled, u.mfa_secret is not null as mfa_enrolled, u.mfa_enrolled_at, u.last_login_at,
               u.locked_until, u.password_changed_at, not u.must_change_password as password_compliant,
               (select count(*) from sec_recovery_code r where r.username = u.username and r.used_at is null) as recovery_codes_left,
               (select string_agg(role, ' ' order by role) from sec_user_role r where r.username = u.username) as roles
        from sec_user u order by u.username
        """, (rs, i) -> new UserCoverage(rs.getString("username"), rs.getBoolean("enabled"),
        rs.getBoolean("mfa_enrolled"), instant(rs.getTimestamp("mfa_enrolled_at")),
        instant(rs.getTimestamp("last_login_at")), instant(rs.getTimestamp("locked_until")),
        instant(rs.getTimestamp("password_changed_at")), rs.getBoolean("password_compliant"),
        rs.getLong("recovery_codes_left"), rs.getString("roles")));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
