package org.itgc.security;

import org.itgc.platform.Role;
import java.util.EnumSet;
import java.util.Optional;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * At every start: role groups, grants and filters in Camunda; demo users in the demo profile; and, when no enabled
 * engine administrator exists, the first one from {@code itgc.bootstrap-admin.*} (production's way in, see docs/operations.md).
 */
@Component
class IdentityStartup implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(IdentityStartup.class);

  private final CamundaIdentity camundaIdentity;
  private final UserAccounts accounts;
  private final ObjectProvider<DemoUsers> demoUsers;
  private final TransactionTemplate transactions;
  private final AuditRecorder audit;
  /** The database lock key of the identity set-up at start (any constant unique to it). */
  static final long STARTUP_LOCK = 0x17_6c_1d_00L;

  private final org.springframework.jdbc.core.JdbcTemplate jdbc;
  private final String adminUsername;
  private final String adminPassword;
  private final String adminEmail;

  IdentityStartup(CamundaIdentity camundaIdentity, UserAccounts accounts, ObjectProvider<DemoUsers> demoUsers,
      TransactionTemplate transactions, AuditRecorder audit, org.springframework.jdbc.core.JdbcTemplate jdbc,
      @Value("${itgc.bootstrap-admin.username:}") String adminUsername,
      @Value("${itgc.bootstrap-admin.password:}") String adminPassword,
      @Value("${itgc.bootstrap-admin.email:}") String adminEmail) {
    this.camundaIdentity = camundaIdentity;
    this.accounts = accounts;
    this.demoUsers = demoUsers;
    this.transactions = transactions;
    this.audit = audit;
    this.jdbc = jdbc;
    this.adminUsername = adminUsername;
    this.adminPassword = adminPassword;
    this.adminEmail = adminEmail;
  }

  @Override
  public void run(ApplicationArguments args) {
    transactions.executeWithoutResult(status -> {
      // several nodes starting together on an empty database: one creates the groups and filters, the others wait
      // for its commit and find them (create-if-absent under a transaction-scoped database lock)
      jdbc.query("select pg_advisory_xact_lock(?)", rs -> null, STARTUP_LOCK);
      camundaIdentity.ensureRolesAndFilters();
      Optional.ofNullable(demoUsers.getIfAvailable()).ifPresent(DemoUsers::ensure);
      bootstrapAdmin();
      // the engine's user store is the source of truth: repair any drift in Camunda's copy
      for (UserAccount user : accounts.all()) {
        camundaIdentity.saveUser(user.username(), user.displayName(), user.email(), user.roles());
      }
    });
  }

  private void bootstrapAdmin() {
    if (accounts.anyoneHas(Role.ENGINE_ADMIN)) {
      return;
    }
    if (adminUsername.isBlank() || adminPassword.isBlank()) {
      log.warn("No engine administrator exists. Start once with ITGC_BOOTSTRAP_ADMIN_USERNAME, "
          + "ITGC_BOOTSTRAP_ADMIN_PASSWORD and ITGC_BOOTSTRAP_ADMIN_EMAIL set to create the first one (see docs/operations.md).");
      return;
    }
    accounts.create(new UserAccounts.NewUser(adminUsername, "Engine administrator",
        adminEmail.isBlank() ? adminUsername + "@localhost" : adminEmail, adminPassword,
        EnumSet.of(Role.ENGINE_ADMIN, Role.SECURITY_ADMIN)), "bootstrap");
    audit.record(AuditEvent.system("user.bootstrap-admin", "user", adminUsername).build());
    log.warn("Created the first engine administrator '{}' from itgc.bootstrap-admin.*; remove those settings now.",
        adminUsername);
  }
}
