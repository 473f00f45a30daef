package org.itgc.access;

import com.unboundid.ldap.sdk.DN;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.itgc.platform.config.ConfigFiles;

/**
 * {@code config/connectors.yaml}: the provisioning connectors to real targets, each named by a system of
 * {@code access.yaml} with {@code provisioning: <id>}. An LDAP directory maps each entitlement to a group's DN; a
 * PostgreSQL database maps each entitlement to a database role. Secrets are never in the file: a connector names the
 * environment variable ({@code passwordEnv}) or the key file ({@code passwordFile}) that holds its password. URLs may
 * name environment variables as {@code ${NAME:default}}; both are read at each connection, so a target that is away
 * (or a secret not yet set) fails the connector's step, never the engine's start.
 */
record ConnectorsFile(@NotBlank String reconciliationSchedule, @NotNull List<@Valid Connector> connectors)
    implements ConfigFiles.SelfValidating {

  static final String FILE = "connectors.yaml";
  static final String LDAP = "ldap";
  static final String POSTGRESQL = "postgresql";
  /** What an identity's account on the target is named after. */
  static final String ACCOUNT_FIELDS = "userName|email|id";

  ConnectorsFile {
    connectors = connectors == null ? null : List.copyOf(connectors);
  }

  /** One connector: its kind's settings and the target object of each entitlement. */
  record Connector(@NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]*") String id,
      @NotBlank @Pattern(regexp = LDAP + "|" + POSTGRESQL, message = "must be ldap or postgresql") String type,
      @Valid Ldap ldap, @Valid Postgresql postgresql, @NotNull Map<String, @NotBlank String> entitlements) {}

  /** The password: an environment variable or a key file, exactly one. */
  record Secret(@Pattern(regexp = "[A-Za-z_][A-Za-z0-9_.]*") String passwordEnv, String passwordFile) {}

  /**
   * An LDAP directory: who the engine binds as, where people are, which attribute names a person (its value is the
   * identity's {@code accountField}), the groups' member attribute, and, optionally, how a leaver's account is
   * disabled (an attribute set to a value, such as 389 Directory Server's {@code nsAccountLock: true}).
   */
  record Ldap(@NotBlank @Pattern(regexp = "ldaps?://.+", message = "must be ldap://host:port or ldaps://host:port")
      String url, @NotBlank String bindDn, String passwordEnv, String passwordFile, @NotBlank String peopleBase,
      @NotBlank @Pattern(regexp = "[A-Za-z][A-Za-z0-9-]*") String personAttribute,
      @NotBlank @Pattern(regexp = ACCOUNT_FIELDS, message = "must be userName, email or id") String accountField,
      @Pattern(regexp = "[A-Za-z][A-Za-z0-9-]*") String memberAttribute, @Valid Disable disableLeavers) {

    Ldap {
      memberAttribute = memberAttribute == null ? "member" : memberAttribute;
    }

    Secret secret() {
      return new Secret(passwordEnv, passwordFile);
    }
  }

  /** How a leaver's directory account is disabled. */
  record Disable(@NotBlank @Pattern(regexp = "[A-Za-z][A-Za-z0-9-]*") String attribute, @NotBlank String value) {}

  /**
   * A PostgreSQL database: its JDBC URL, the login the engine acts as, which identity field names a person's login, the
   * logins of service accounts (service account id to login) whose passwords the connector rotates, and the folder
   * where a rotated password is written for the batch job that uses it (owner-only files; never in the trail).
   */
  record Postgresql(@NotBlank @Pattern(regexp = "jdbc:postgresql://.+", message = "must be jdbc:postgresql://...")
      String url, @NotBlank String username, String passwordEnv, String passwordFile,
      @NotBlank @Pattern(regexp = ACCOUNT_FIELDS, message = "must be userName, email or id") String accountField,
      Map<String, @NotBlank String> serviceLogins, String rotatedPasswordFolder) {

    Postgresql {
      serviceLogins = serviceLogins == null ? Map.of() : Map.copyOf(serviceLogins);
    }

    Secret secret() {
      return new Secret(passwordEnv, passwordFile);
    }
  }

  /** A database role or login name this connector accepts (it is quoted as an identifier besides). */
  static final java.util.regex.Pattern ROLE_NAME = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  @Override
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (reconciliationSchedule != null
        && !org.springframework.scheduling.support.CronExpression.isValidExpression(reconciliationSchedule)) {
      problems.add("reconciliationSchedule: '" + reconciliationSchedule
          + "' is not a cron expression (seconds minutes hours day-of-month month day-of-week)");
    }
    if (connectors == null) {
      return problems;
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < connectors.size(); i++) {
      Connector c = connectors.get(i);
      String at = "connectors[" + i + "]";
      if (c.id() != null && !ids.add(c.id())) {
        problems.add(at + ".id: " + c.id() + " is listed twice");
      }
      if (EngineRolesConnector.ID.equals(c.id())) {
        problems.add(at + ".id: " + c.id() + " is this engine's own connector");
      }
      if (LDAP.equals(c.type())) {
        if (c.ldap() == null || c.postgresql() != null) {
          problems.add(at + ": a connector of type ldap has an ldap block and no postgresql block");
          continue;
        }
        secret(c.ldap().secret(), at + ".ldap", problems);
        if (!DN.isValidDN(c.ldap().bindDn())) {
          problems.add(at + ".ldap.bindDn: '" + c.ldap().bindDn() + "' is not a DN");
        }
        if (!DN.isValidDN(c.ldap().peopleBase())) {
          problems.add(at + ".ldap.peopleBase: '" + c.ldap().peopleBase() + "' is not a DN");
        }
        c.entitlements().forEach((entitlement, group) -> {
          if (group != null && !DN.isValidDN(group)) {
            problems.add(at + ".entitlements." + entitlement + ": '" + group + "' is not a group's DN");
          }
        });
      } else if (POSTGRESQL.equals(c.type())) {
        if (c.postgresql() == null || c.ldap() != null) {
          problems.add(at + ": a connector of type postgresql has a postgresql block and no ldap block");
          continue;
        }
        secret(c.postgresql().secret(), at + ".postgresql", problems);
        c.entitlements().forEach((entitlement, role) -> {
          if (role != null && !ROLE_NAME.matcher(role).matches()) {
            problems.add(at + ".entitlements." + entitlement + ": '" + role
                + "' is not a database role name (lower case letters, digits, _)");
          }
        });
        c.postgresql().serviceLogins().forEach((account, login) -> {
          if (login != null && !ROLE_NAME.matcher(login).matches()) {
            problems.add(at + ".postgresql.serviceLogins." + account + ": '" + login + "' is not a login name");
          }
        });
        if (!c.postgresql().serviceLogins().isEmpty() && (c.postgresql().rotatedPasswordFolder() == null
            || c.postgresql().rotatedPasswordFolder().isBlank())) {
          problems.add(at + ".postgresql.rotatedPasswordFolder: is required when serviceLogins are named");
        }
      }
    }
    return problems;
  }

  private static void secret(Secret secret, String at, List<String> problems) {
    boolean env = secret.passwordEnv() != null && !secret.passwordEnv().isBlank();
    boolean file = secret.passwordFile() != null && !secret.passwordFile().isBlank();
    if (env == file) {
      problems.add(at + ": name the password's environment variable (passwordEnv) or its key file (passwordFile), "
          + "exactly one; the password itself is never in this file");
    }
  }
}
