package org.itgc.access;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.itgc.security.RoleChanges;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps the access registry and the engine's roles in step when a role change is approved (four eyes, see
 * {@link RoleChanges}): each role added is a grant of {@code ITGC-ENGINE/<role>} with the role change, its asker and
 * its approver as provenance; each role removed ends the person's grant. Roles that would combine conflicting duties
 * (the {@code sod-conflicts} decision, as for access requests) refuse the approval. Runs in the approval's
 * transaction, so both change together or not at all. A login bound to no identity of the registry gets no role
 * (409, audited): the registry and the engine's memberships never disagree, and a person's second login cannot act
 * as a second person. The detective check ({@link EngineRoleReconciliation}) still lists any membership without a
 * grant (a role set by a database administrator, say).
 */
@Component
class EngineRoleGrants {

  static final String SYSTEM = "ITGC-ENGINE";

  private final Identities identities;
  private final AccessRegistry registry;
  private final AccessCatalogue catalogue;
  private final AccessRequests requests;
  private final org.itgc.audit.AuditRecorder audit;
  private final Clock clock;

  EngineRoleGrants(Identities identities, AccessRegistry registry, AccessCatalogue catalogue, AccessRequests requests,
      org.itgc.audit.AuditRecorder audit, Clock clock) {
    this.identities = identities;
    this.registry = registry;
    this.catalogue = catalogue;
    this.requests = requests;
    this.audit = audit;
    this.clock = clock;
  }

  @EventListener
  void applied(RoleChanges.Applied applied) {
    var bound = identities.findByUserName(applied.username());
    if (bound.isEmpty() && !applied.added().isEmpty()) {
      // a role given to a login that the registry cannot name would be a grant nobody certifies, and a second login
      // of one person could act as a second person: roles go to logins bound to an identity only
      audit.recordIndependently(org.itgc.audit.AuditEvent.of("access.role-change.refused", "role-change",
          applied.roleChangeId()).denied("login " + applied.username() + " is bound to no identity in the access "
          + "registry").detail("username", applied.username()).detail("roles", applied.added()).build());
      throw new org.itgc.platform.web.ConflictException("Role change " + applied.roleChangeId() + " cannot be applied: "
          + "login " + applied.username() + " is bound to no identity in the access registry (HR import or SCIM "
          + "userName). Engine roles are granted to registered people only, so that the registry lists every grant.");
    }
    bound.ifPresent(identity -> {
      // the same preventive SoD check as an access request: a role that would combine conflicting duties is refused,
      // and the whole approval with it (one transaction)
      var added = applied.added().stream().map(role -> catalogue.entitlement(SYSTEM, role)
          .map(e -> new AccessCatalogue.SystemEntitlement(SYSTEM, e))).flatMap(java.util.Optional::stream).toList();
      var check = requests.sodCheck(identity.id(), added);
      if (!check.uncovered().isEmpty()) {
        String rules = String.join(", ", check.uncovered().stream().map(c -> c.ruleId() + " (" + c.description() + ")")
            .toList());
        audit.recordIndependently(org.itgc.audit.AuditEvent.of("access.role-change.sod-violation", "role-change",
            applied.roleChangeId()).denied(rules).detail("identityId", identity.id()).build());
        throw new org.itgc.platform.web.ConflictException("Role change " + applied.roleChangeId() + " would give "
            + applied.username() + " conflicting duties: " + rules);
      }
      Instant now = clock.instant();
      var held = registry.current(identity.id());
      for (String role : applied.added()) {
        boolean already = held.stream().anyMatch(g -> g.systemId().equals(SYSTEM) && g.entitlementId().equals(role));
        if (!already) {
          registry.grant(identity.id(), SYSTEM, role, now, applied.approvedBy(), "role-change", null, Map.of("roleChange", applied.roleChangeId(), "requestedBy", applied.requestedBy(),
                  "approvedBy", applied.approvedBy()));
        }
      }
      for (String role : applied.removed()) {
        held.stream().filter(g -> g.systemId().equals(SYSTEM) && g.entitlementId().equals(role))
            .forEach(g -> registry.end(g.id(), now, applied.approvedBy(), "role-change", null));
      }
    });
  }
}
