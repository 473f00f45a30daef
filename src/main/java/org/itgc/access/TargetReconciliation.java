package org.itgc.access;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.platform.Role;
import org.itgc.platform.ScheduledOnce;
import org.itgc.platform.SchedulingConfiguration;
import org.itgc.security.UserAccounts;
import org.itgc.systems.SystemsInventory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Detective check of each connected system (control AC-01): the target's holders of the mapped groups or roles are
 * compared with the registry's active grants of the system. Access on the target without a registry grant (made
 * directly on the directory or database, past the approvals) and a registry grant missing on the target are findings:
 * each becomes an AC-01 control exception, once while it is open, mailed to the security admins, the governance leads
 * and the system's owners. Runs on {@code reconciliationSchedule} of {@code connectors.yaml} (one node per slot) and
 * on demand; a target that cannot be read is reported and audited as such, never as "no findings".
 */
@Service
class TargetReconciliation {

  static final String OBJECT_TYPE = "target-access";
  static final String CONTROL = "AC-01";
  private static final Logger log = LoggerFactory.getLogger(TargetReconciliation.class);

  /** One disagreement between a target and the registry. */
  record Finding(String systemId, String entitlementId, String target, String account, String identityId,
      String problem) {
    String key() {
      return systemId + "/" + entitlementId + "/" + account;
    }
  }

  /**
   * What the reconciliation of one system found; for a database with service logins also their sessions (interactive
   * use, AC-04: {@link ServiceAccountSessions}), or why they could not be read.
   */
  record Result(String systemId, String connectorId, boolean reachable, String error, int registryGrants,
      int targetHoldings, List<Finding> findings, int exceptionsRaised, Instant reconciledAt,
      List<ServiceAccountSessions.Seen> serviceAccountSessions, String sessionsError) {}

  static final String GRANTED_ON_TARGET = "held on the target without a grant in the access registry";
  static final String MISSING_ON_TARGET = "registry grant not held on the target";

  private final ConfiguredConnectors connectors;
  private final AccessRegistry registry;
  private final Identities identities;
  private final ControlExceptions exceptions;
  private final UserAccounts users;
  private final SystemsInventory systems;
  private final AuditRecorder audit;
  private final ScheduledOnce once;
  private final java.time.Clock clock;
  private final ServiceAccountSessions serviceAccountSessions;

  TargetReconciliation(ConfiguredConnectors connectors, AccessRegistry registry, Identities identities,
      ControlExceptions exceptions, UserAccounts users, SystemsInventory systems, AuditRecorder audit,
      ScheduledOnce once, java.time.Clock clock, ServiceAccountSessions serviceAccountSessions) {
    this.serviceAccountSessions = serviceAccountSessions;
    this.connectors = connectors;
    this.registry = registry;
    this.identities = identities;
    this.exceptions = exceptions;
    this.users = users;
    this.systems = systems;
    this.audit = audit;
    this.once = once;
    this.clock = clock;
  }

  @Scheduled(cron = "#{@configuredConnectors.reconciliationSchedule()}", scheduler = SchedulingConfiguration.ACCESS)
  void scheduled() {
    once.runWithOutcome("connector-reconciliation", connectors.reconciliationSchedule(), () -> {
      List<Result> results = reconcileAll("system");
      long unreachable = results.stream().filter(r -> !r.reachable()).count();
      return unreachable == 0 ? ScheduledOnce.DONE
          : "done; " + unreachable + " of " + results.size() + " targets could not be read";
    });
  }

  /** Reconciles every connected system, raising an exception for each new finding. */
  List<Result> reconcileAll(String actor) {
    List<Result> results = new ArrayList<>();
    for (String systemId : connectors.systemIds()) {
      results.add(reconcile(systemId, actor));
    }
    return results;
  }

  /** Reconciles one connected system, raising an exception for each new finding. */
  Result reconcile(String systemId, String actor) {
    TargetConnector connector = connectors.ofSystem(systemId).orElseThrow(() ->
        new IllegalArgumentException(systemId + " has no connector of " + ConnectorsFile.FILE));
    Instant at = clock.instant();
    Map<String, Set<String>> onTarget;
    try {
      onTarget = connector.holders();
    } catch (RuntimeException e) {
      log.warn("Reconciliation of {}: its target cannot be read: {}", systemId, e.getMessage());
      audit.record(event(systemId, actor)
          .outcome(AuditEvent.Outcome.FAILURE).detail("connector", connector.id())
          .detail("error", String.valueOf(e.getMessage())).build());
      return new Result(systemId, connector.id(), false, e.getMessage(), 0, 0, List.of(), 0, at, List.of(), null);
    }
    List<Grant> grants = registry.activeOfSystem(systemId);
    List<Finding> findings = compare(connector, onTarget, grants);
    int raised = 0;
    for (Finding finding : findings) {
      raised += raise(finding) ? 1 : 0;
    }
    List<ServiceAccountSessions.Seen> sessions = List.of();
    String sessionsError = null;
    if (connector instanceof PostgresRolesConnector database) {
      try {
        sessions = serviceAccountSessions.check(database);
      } catch (RuntimeException e) {
        log.warn("Reconciliation of {}: the sessions of its service logins cannot be read: {}", systemId,
            e.getMessage());
        sessionsError = e.getMessage();
      }
    }
    int holdings = onTarget.values().stream().mapToInt(Set::size).sum();
    audit.record(event(systemId, actor)
        .outcome(findings.isEmpty() && sessionsError == null ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE)
        .detail("connector", connector.id()).detail("registryGrants", grants.size())
        .detail("targetHoldings", holdings).detail("findings", findings.size())
        .detail("exceptionsRaised", raised).detail("serviceAccountSessions", sessions.size())
        .detail("interactiveSessionsRaised", sessions.stream().filter(x -> x.exceptionId() != null).count())
        .detail("sessionsError", String.valueOf(sessionsError)).build());
    return new Result(systemId, connector.id(), true, null, grants.size(), holdings, findings, raised, at, sessions,
        sessionsError);
  }

  private static AuditEvent.Builder event(String systemId, String actor) {
    return "system".equals(actor) ? AuditEvent.system("access.target.reconcile", "system", systemId)
        : AuditEvent.of("access.target.reconcile", "system", systemId).actor(actor, null);
  }

  private List<Finding> compare(TargetConnector connector, Map<String, Set<String>> onTarget, List<Grant> grants) {
    List<Finding> findings = new ArrayList<>();
    String systemId = connector.systemId();
    Map<String, Set<String>> remaining = new HashMap<>();
    onTarget.forEach((entitlement, accounts) -> remaining.put(entitlement, new TreeSet<>(accounts)));
    Map<String, Identity> byAccount = new HashMap<>();
    for (Grant grant : grants) {
      if (!connector.targets().containsKey(grant.entitlementId())) {
        continue; // an eligibility: the registry's only, nothing on the target
      }
      Identity identity = identities.find(grant.identityId()).orElse(null);
      String account = identity == null ? null : connector.accountOf(identity).orElse(null);
      String target = connector.targets().get(grant.entitlementId());
      if (account == null) {
        findings.add(new Finding(systemId, grant.entitlementId(), target, grant.identityId(), grant.identityId(),
            MISSING_ON_TARGET + " (the identity names no account on the target)"));
        continue;
      }
      byAccount.put(account, identity);
      if (!remaining.getOrDefault(grant.entitlementId(), new TreeSet<>()).remove(account)) {
        findings.add(new Finding(systemId, grant.entitlementId(), target, account, grant.identityId(),
            MISSING_ON_TARGET));
      }
    }
    remaining.forEach((entitlement, accounts) -> accounts.forEach(account -> findings.add(new Finding(systemId,
        entitlement, connector.targets().get(entitlement), account,
        byAccount.containsKey(account) ? byAccount.get(account).id() : null, GRANTED_ON_TARGET))));
    findings.sort(java.util.Comparator.comparing(Finding::key));
    return findings;
  }

  /** An AC-01 exception for a finding that has none open yet. */
  private boolean raise(Finding finding) {
    boolean open = exceptions.find(CONTROL, finding.key()).stream()
        .anyMatch(e -> OBJECT_TYPE.equals(e.objectType()) && "open".equals(e.status()));
    if (open) {
      return false;
    }
    var to = new java.util.LinkedHashSet<>(users.emailsOf(Role.SECURITY_ADMIN));
    to.addAll(users.emailsOf(Role.GOVERNANCE_LEAD));
    systems.find(finding.systemId()).ifPresent(s -> {
      to.add(s.businessOwner().email());
      to.add(s.technicalOwner().email());
    });
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("system", finding.systemId());
    details.put("entitlement", finding.entitlementId());
    details.put("target", String.valueOf(finding.target()));
    details.put("account", finding.account());
    details.put("identityId", String.valueOf(finding.identityId()));
    details.put("problem", finding.problem());
    exceptions.raise(CONTROL, OBJECT_TYPE, finding.key(), finding.systemId() + "/" + finding.entitlementId() + " of "
        + finding.account() + ": " + finding.problem(), details, to);
    return true;
  }
}
