package org.itgc.access;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.Role;
import org.itgc.platform.web.ConflictException;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.NotFoundException;
import org.itgc.security.UserAccount;
import org.itgc.security.UserAccounts;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Engine roles are access like any other (system {@value #SYSTEM}): a security admin who sets a login's roles does not
 * change them, but asks. Each role added becomes an access request for the person the registry binds to the login
 * ({@code access-request}: the SoD check, the line manager, the engine's owners and, for a privileged role, a second
 * security admin or a governance lead; nobody approves their own request), provisioned by the engine's roles connector
 * on approval with the request as the grant's provenance. Each role removed is a revocation of the person's grant
 * ({@code access-revocation}, reason {@code role-change}, removed by the connector). So the registry and the engine's
 * memberships never disagree; a role held without a grant (set by a database administrator, say) is a finding of
 * {@link EngineRoleReconciliation}, and asking to remove it removes it at once (less access needs no approval; so do
 * the roles of a login bound to nobody, which can only lose roles).
 */
@Service
public class EngineRoleRequests {

  static final String SYSTEM = "ITGC-ENGINE";

  /** What a role change asked for: the access request for the roles added, the revocation for those removed. */
  public record Outcome(String username, String identityId, List<String> requested, String accessRequestId,
      List<String> revoking, String revocationId, List<String> removedAtOnce) {}

  private final UserAccounts users;
  private final Identities identities;
  private final AccessRegistry registry;
  private final AccessRequests requests;
  private final Revocations revocations;
  private final AuditRecorder audit;

  EngineRoleRequests(UserAccounts users, Identities identities, AccessRegistry registry, AccessRequests requests,
      Revocations revocations, AuditRecorder audit) {
    this.users = users;
    this.identities = identities;
    this.registry = registry;
    this.requests = requests;
    this.revocations = revocations;
    this.audit = audit;
  }

  /** A new user and the access request for its roles. */
  public record CreatedUser(org.itgc.security.UserAccount user, Outcome roleRequest) {}

  /**
   * Creates a login chosen by a security admin (its password must change at the first login) without roles; the
   * roles are an access request, pending approval like anyone's.
   */
  @org.springframework.transaction.annotation.Transactional
  public CreatedUser createUser(org.itgc.security.UserAccounts.NewUser user, String actor, List<String> actorGroups,
      String reason) {
    var created = users.create(new org.itgc.security.UserAccounts.NewUser(user.username(), user.displayName(),
        user.email(), user.password(), Set.of()), actor);
    String why = reason == null || reason.isBlank()
        ? "New login " + created.username() + " (" + created.displayName() + ") created by " + actor : reason;
    var outcome = change(created.username(), user.roles(), actor, actorGroups, why);
    return new CreatedUser(users.find(created.username()).orElseThrow(), outcome);
  }

  /**
   * Asks for {@code username}'s roles to become {@code wanted}. {@code reason} is the access request's justification,
   * required when a role is added.
   */
  @Transactional
  public Outcome change(String username, Set<Role> wanted, String actor, List<String> actorGroups, String reason) {
    UserAccount account = users.find(username).orElseThrow(() -> new NotFoundException("user", username));
    if (username.equals(actor)) {
      audit.recordIndependently(AuditEvent.of("user.role-change.request", "user", username)
          .denied("nobody changes their own roles").detail("requestedRoles", names(wanted)).build());
      throw new AccessDeniedException("Nobody changes their own roles; ask another security administrator.");
    }
    Set<String> added = new TreeSet<>(names(wanted));
    added.removeAll(names(account.roles()));
    Set<String> removed = new TreeSet<>(names(account.roles()));
    removed.removeAll(names(wanted));
    if (added.isEmpty() && removed.isEmpty()) {
      throw InvalidInputException.of("roles", "are the roles login " + username + " holds already: nothing to change");
    }
    Identity identity = identities.findByUserName(username).orElse(null);
    if (identity == null && !added.isEmpty()) {
      // a role given to a login that the registry cannot name would be a grant nobody certifies, and a second login
      // of one person could act as a second person: roles go to logins bound to an identity only
      audit.recordIndependently(AuditEvent.of("access.role-change.refused", "user", username)
          .denied("login " + username + " is bound to no identity in the access registry")
          .detail("added", added).detail("removed", removed).build());
      throw new ConflictException("The roles of login " + username + " cannot change: it is bound to no identity in "
          + "the access registry (HR import or SCIM userName). Engine roles are granted to registered people only, "
          + "through access requests, so that the registry lists every grant.");
    }
    String requestId = null;
    if (!added.isEmpty()) {
      if (reason == null || reason.isBlank()) {
        throw InvalidInputException.of("reason", "is required when a role is added: why the person needs it (the "
            + "access request's justification)");
      }
      requestId = requests.submit(new AccessRequests.NewRequest(identity.id(),
          added.stream().map(role -> SYSTEM + "/" + role).toList(), reason, false), actor, actorGroups);
    }
    // a login bound to nobody holds no grant: whatever it holds goes at once (less access needs no approval)
    List<Grant> granted = identity == null ? List.of() : registry.current(identity.id()).stream()
        .filter(g -> g.systemId().equals(SYSTEM) && removed.contains(g.entitlementId())).toList();
    String revocationId = granted.isEmpty() ? null : revocations.start(identity.id(), "role-change",
        granted.stream().map(Grant::id).toList(), registry.now(), "roles of login " + username + " set by " + actor,
        actor).orElse(null);
    Set<String> unregistered = new TreeSet<>(removed);
    granted.forEach(g -> unregistered.remove(g.entitlementId()));
    if (!unregistered.isEmpty()) {
      Set<Role> gone = EnumSet.noneOf(Role.class);
      unregistered.forEach(name -> Role.fromGroupId(name).ifPresent(gone::add));
      users.changeRoles(username, EnumSet.noneOf(Role.class), gone, actor);
    }
    String identityId = identity == null ? null : identity.id();
    audit.record(AuditEvent.of("user.role-change.request", "user", username).detail("identityId", identityId)
        .detail("added", added).detail("removed", removed).detail("accessRequestId", requestId)
        .detail("revocationId", revocationId).detail("removedAtOnce", unregistered).detail("reason", reason).build());
    return new Outcome(username, identityId, List.copyOf(added), requestId,
        granted.stream().map(Grant::entitlementId).sorted().toList(), revocationId, List.copyOf(unregistered));
  }

  private static List<String> names(Set<Role> roles) {
    return roles.stream().map(Role::groupId).sorted().toList();
  }
}
