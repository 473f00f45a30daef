package org.itgc.security;

import org.itgc.platform.Role;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The demo profile's users: one per role, all with the password of {@code itgc.demo.password}. Exists only in the
 * {@code demo} profile; production has no user with a known password.
 */
@Component
@Profile("demo")
class DemoUsers {

  private static final Logger log = LoggerFactory.getLogger(DemoUsers.class);

  record DemoUser(String username, String displayName, Set<Role> roles) {}

  static final List<DemoUser> USERS = List.of(
      new DemoUser("rachel", "Rachel Requester", EnumSet.of(Role.REQUESTER)),
      new DemoUser("ryan", "Ryan Developer", EnumSet.of(Role.REQUESTER)),
      new DemoUser("lucas", "Lucas Manager", EnumSet.of(Role.LINE_MANAGER)),
      new DemoUser("sofia", "Sofia Owner", EnumSet.of(Role.SYSTEM_OWNER)),
      new DemoUser("carlos", "Carlos Board", EnumSet.of(Role.CAB)),
      new DemoUser("ivan", "Ivan Approver", EnumSet.of(Role.IT_APPROVER)),
      new DemoUser("fiona", "Fiona Finance", EnumSet.of(Role.FINANCE_APPROVER)),
      new DemoUser("dmitri", "Dmitri Deployer", EnumSet.of(Role.DEPLOYER)),
      new DemoUser("sam", "Sam Security", EnumSet.of(Role.SECURITY_ADMIN)),
      new DemoUser("grace", "Grace Governance", EnumSet.of(Role.GOVERNANCE_LEAD)),
      new DemoUser("audrey", "Audrey Auditor", EnumSet.of(Role.AUDITOR)),
      new DemoUser("admin", "Ada Admin", EnumSet.of(Role.ENGINE_ADMIN)));

  private final UserAccounts accounts;
  private final Mfa mfa;
  private final String password;

  DemoUsers(UserAccounts accounts, Mfa mfa, @Value("${itgc.demo.password}") String password) {
    this.accounts = accounts;
    this.mfa = mfa;
    this.password = password;
  }

  void ensure() {
    int created = 0;
    for (DemoUser user : USERS) {
      if (!accounts.exists(user.username())) {
        accounts.create(new UserAccounts.NewUser(user.username(), user.displayName(),
            user.username() + "@demo.itgc.local", password, user.roles()), "demo-profile", false);
        created++;
      }
      mfa.enrolDemo(user.username());
    }
    log.info("Demo profile: {} demo users ({} new), password '{}'. Log in at /camunda/app/tasklist/ as rachel "
        + "(requester), carlos (cab), audrey (auditor), admin (engine-admin) and others; see README.",
        USERS.size(), created, password);
    StringBuilder secrets = new StringBuilder();
    USERS.forEach(u -> secrets.append(String.format("%n  %-7s %s", u.username(), Totp.demoSecret(u.username()))));
    log.info("Demo profile: the second factor of the demo users (TOTP secrets for an authenticator app):{}\n"
        + "  or print the current code of a user: java -cp target/classes org.itgc.security.Totp --demo rachel",
        secrets);
  }
}
