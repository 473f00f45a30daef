package org.itgc.access;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.itgc.controls.ControlExceptions;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Interactive use of service accounts (control AC-04): the sessions of each service login on a PostgreSQL target
 * ({@code pg_stat_activity}) are compared with the batch jobs that access.yaml declares for the account. A session
 * whose {@code application_name} is none of the jobs' is interactive use: an AC-04 control exception mailed to the
 * account's owner and the security admins, once per session (a session is its server process id and start time,
 * recorded in {@code access_service_account_session}). Runs with each reconciliation of a connected system.
 */
@Service
class ServiceAccountSessions {

  static final String OBJECT_TYPE = "service-account-session";

  /** A session of a service login, and what the check made of it. */
  record Seen(String serviceAccountId, String login, int pid, Instant backendStart, String applicationName,
      String clientAddr, boolean declaredJob, Long exceptionId) {}

  private final AccessCatalogue catalogue;
  private final ServiceAccountStore store;
  private final ServiceAccountRotations rotations;
  private final ControlExceptions exceptions;
  private final Clock clock;
  private final TransactionTemplate transactions;

  ServiceAccountSessions(AccessCatalogue catalogue, ServiceAccountStore store, ServiceAccountRotations rotations,
      ControlExceptions exceptions, Clock clock, TransactionTemplate transactions) {
    this.transactions = transactions;
    this.catalogue = catalogue;
    this.store = store;
    this.rotations = rotations;
    this.exceptions = exceptions;
    this.clock = clock;
  }

  /**
   * The sessions of the connector's service logins now, each interactive one raising its exception the first time it is
   * seen. Throws when the target cannot be read.
   */
  List<Seen> check(PostgresRolesConnector connector) {
    Map<String, String> accountOfLogin = new HashMap<>();
    connector.serviceLogins().forEach((account, login) -> accountOfLogin.put(login, account));
    if (accountOfLogin.isEmpty()) {
      return List.of();
    }
    List<Seen> seen = new ArrayList<>();
    for (PostgresRolesConnector.Session session : connector.sessions(accountOfLogin.keySet())) {
      String accountId = accountOfLogin.get(session.login());
      AccessCatalogue.ServiceAccount account = catalogue.serviceAccount(accountId).orElseThrow();
      boolean declared = session.applicationName() != null
          && account.applicationNames().contains(session.applicationName());
      Long exceptionId = null;
      if (!declared) {
        // the session's row and its exception together: a failed raise leaves the session to be seen again
        exceptionId = transactions.execute(status -> {
          if (!store.insertSession(connector.systemId(), session, accountId, clock.instant())) {
            return null; // seen before (here or on another node)
          }
          long id = raise(connector, account, session);
          store.sessionException(connector.systemId(), session, id);
          return id;
        });
      }
      seen.add(new Seen(accountId, session.login(), session.pid(), session.backendStart(), session.applicationName(),
          session.clientAddr(), declared, exceptionId));
    }
    return seen;
  }

  private long raise(PostgresRolesConnector connector, AccessCatalogue.ServiceAccount account,
      PostgresRolesConnector.Session session) {
    String app = session.applicationName() == null || session.applicationName().isEmpty() ? "(none)"
        : session.applicationName();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("serviceAccount", account.id());
    details.put("system", connector.systemId());
    details.put("login", session.login());
    details.put("pid", session.pid());
    details.put("backendStart", session.backendStart().toString());
    details.put("applicationName", app);
    details.put("clientAddr", String.valueOf(session.clientAddr()));
    details.put("declaredJobs", account.applicationNames());
    String objectId = account.id() + "/" + connector.systemId() + "/" + session.pid() + "@" + session.backendStart();
    return exceptions.raise(ServiceAccountRotations.CONTROL, OBJECT_TYPE, objectId, "Interactive use of service account "
        + account.id() + ": login " + session.login() + " on " + connector.systemId() + " connected as '" + app
        + "', which is none of its batch jobs " + account.applicationNames(), details,
        rotations.ownerAndSecurityAdmins(account.id()));
  }
}
