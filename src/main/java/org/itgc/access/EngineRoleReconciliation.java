package org.itgc.access;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Detective check that the engine's roles and the access registry agree: every role a login holds is a current grant
 * of {@code ITGC-ENGINE/<role>} of the person behind it, and every such grant is held as a role. A mismatch is a role
 * that came in past the approvals (or a grant that was not provisioned); each check is audited with what it found,
 * and the scheduled run raises an AC-01 control exception for each new one.
 */
@RestController
class EngineRoleReconciliation {

  /** One disagreement between the engine and the registry. */
  record Mismatch(String username, String identityId, String role, String problem) {}

  private final UserAccounts users;
  private final Identities identities;
  private final AccessRegistry registry;
  private final AuditRecorder audit;
  private final org.itgc.controls.ControlExceptions exceptions;

  EngineRoleReconciliation(UserAccounts users, Identities identities, AccessRegistry registry, AuditRecorder audit,
      org.itgc.controls.ControlExceptions exceptions) {
    this.exceptions = exceptions;
    this.users = users;
    this.identities = identities;
    this.registry = registry;
    this.audit = audit;
  }

  @GetMapping("/api/access/engine-roles/reconciliation")
  @PreAuthorize("hasAnyAuthority('security-admin', 'governance-lead', 'auditor')")
  List<Mismatch> reconcile() {
    List<Mismatch> mismatches = check();
    audit.record(AuditEvent.of("access.engine-roles.reconcile", "system", EngineRoleRequests.SYSTEM)
        .outcome(mismatches.isEmpty() ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE)
        .detail("mismatches", mismatches.size()).build());
    return mismatches;
  }

  /**
   * The scheduled detective run (with the SoD scan): each disagreement that has no open exception yet becomes an AC-01
   * control exception (a role nobody approved), mailed to the security admins and the governance leads.
   */
  List<Mismatch> reconcileAndRaise() {
    List<Mismatch> mismatches = reconcile();
    for (Mismatch mismatch : mismatches) {
      String key = mismatch.username() + "/" + mismatch.role();
      boolean open = exceptions.find("AC-01", key).stream()
          .anyMatch(e -> "engine-role".equals(e.objectType()) && "open".equals(e.status()));
      if (!open) {
        var to = new java.util.ArrayList<>(users.emailsOf(Role.SECURITY_ADMIN));
        to.addAll(users.emailsOf(Role.GOVERNANCE_LEAD));
        var details = new java.util.LinkedHashMap<String, Object>();
        details.put("username", mismatch.username());
        details.put("identityId", String.valueOf(mismatch.identityId()));
        details.put("role", mismatch.role());
        details.put("problem", mismatch.problem());
        exceptions.raise("AC-01", "engine-role", key, "Engine role " + mismatch.role() + " of " + mismatch.username()
            + ": " + mismatch.problem(), details, to);
      }
    }
    return mismatches;
  }

  List<Mismatch> check() {
    List<Mismatch> mismatches = new ArrayList<>();
    for (var user : users.all()) {
      if (!user.enabled() && user.roles().isEmpty()) {
        continue;
      }
      var identity = identities.findByUserName(user.username());
      if (identity.isEmpty()) {
        user.roles().forEach(role -> mismatches.add(new Mismatch(user.username(), null, role.groupId(),
            "role held by a login that no HR identity stands behind")));
        continue;
      }
      Set<String> granted = new HashSet<>();
      registry.current(identity.get().id()).stream().filter(g -> g.systemId().equals(EngineRoleRequests.SYSTEM))
          .forEach(g -> granted.add(g.entitlementId()));
      for (Role role : user.roles()) {
        if (!granted.remove(role.groupId())) {
          mismatches.add(new Mismatch(user.username(), identity.get().id(), role.groupId(),
              "role held without a grant in the access registry"));
        }
      }
      granted.stream().filter(g -> Role.fromGroupId(g).isPresent()).sorted().forEach(g -> mismatches.add(
          new Mismatch(user.username(), identity.get().id(), g, "registry grant not held as a role")));
    }
    return mismatches;
  }
}
