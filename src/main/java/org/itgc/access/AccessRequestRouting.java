package org.itgc.access;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.itgc.access.AccessRequests.StoredRequest;
import org.itgc.platform.Role;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Service;

/**
 * Who approves an access request: the beneficiary's line manager (a stand-in when HR names none), each system's
 * owners, and the stand-ins for privileged access. Every answer rests on the request as registered, read by process
 * instance from its table, and on the systems inventory.
 */
@Service
class AccessRequestRouting {

  private final AccessRequestStore store;
  private final Identities identities;
  private final SystemsInventory systems;

  AccessRequestRouting(AccessRequestStore store, Identities identities, SystemsInventory systems) {
    this.store = store;
    this.identities = identities;
    this.systems = systems;
  }

  /** The distinct systems of a request, for the system owners' approvals. */
  List<String> systemsOf(String processInstanceId) {
    return store.items(store.requestOfInstance(processInstanceId)).stream().map(AccessRequests.Item::systemId)
        .distinct().toList();
  }

  /** The login of the beneficiary's manager, for the line manager's task; null when they have none. */
  String lineManagerOf(String processInstanceId) {
    StoredRequest request = store.ofInstance(processInstanceId);
    return lineManager(identities.find(request.beneficiaryId()).orElseThrow(), request.requester());
  }

  /**
   * Who approves as line manager: the beneficiary's manager; when that manager is the requester (a manager asking for
   * a report), the manager's own manager, so that nobody approves their own request. Null when HR names nobody with a
   * login: then a stand-in approves in the manager's place (never any line manager: see {@link #lineManagerGroupOf}),
   * and the person is a finding of {@code /api/access/identities/without-manager}.
   */
  String lineManager(Identity beneficiary, String requester) {
    return identities.managerLogin(beneficiary, requester).orElse(null);
  }

  /**
   * The group of the line manager's task: line managers, or the stand-ins when HR names no manager (security admins;
   * for a request of this engine's own roles only, governance leads too).
   */
  String lineManagerGroupOf(String processInstanceId) {
    return lineManagerOf(processInstanceId) != null ? Role.LINE_MANAGER.groupId()
        : standInGroups(store.requestOfInstance(processInstanceId));
  }

  /**
   * The groups of the privileged approval: security admins; for a request of this engine's own roles only, governance
   * leads too, so that a security admin's request for a privileged engine role is approved by a second security admin
   * or a governance lead.
   */
  String privilegedApproverGroupsOf(String processInstanceId) {
    return standInGroups(store.requestOfInstance(processInstanceId));
  }

  /**
   * The owners' logins of the system of one system owner's task, as its candidate users: an owner who does not hold
   * the {@code system-owner} role (the governance lead owning this engine, say) still finds the task.
   */
  List<String> systemOwnersOf(String systemId) {
    return ownersOf(systemId).map(List::copyOf).orElse(List.of());
  }

  /** The logins of a system's business and technical owners; empty when the inventory does not know the system. */
  Optional<Set<String>> ownersOf(String systemId) {
    return systems.find(systemId).map(AccessRequestRouting::owners);
  }

  /** Whether a request asks for this engine's own roles only. */
  boolean engineRolesOnly(String requestId) {
    return AccessRequestRules.engineRolesOnly(store.items(requestId).stream().map(AccessRequests.Item::systemId)
        .toList());
  }

  private String standInGroups(String requestId) {
    return AccessRequestRules.standIns(engineRolesOnly(requestId)).stream().map(Role::groupId)
        .collect(Collectors.joining(","));
  }

  private static Set<String> owners(FinancialSystem system) {
    Set<String> owners = new LinkedHashSet<>();
    if (system.businessOwner().user() != null) {
      owners.add(system.businessOwner().user());
    }
    if (system.technicalOwner().user() != null) {
      owners.add(system.technicalOwner().user());
    }
    return owners;
  }
}
