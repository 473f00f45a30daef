package org.itgc.access;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.platform.Role;
import org.itgc.platform.web.ConflictException;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.NotFoundException;
import org.itgc.security.UserAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Who answers for each service account (control AC-04). The owner is kept in {@code access_service_account_owner}
 * with the owner {@code access.yaml} named when the two were last compared: at start-up a new name in the file is a
 * change of owner (source {@code config}); a security admin may change it through the API (source {@code api}), and
 * that change stands until the file names another owner. Every change is recorded with who and when, audited, and
 * rotates the account's credential (trigger {@code owner-change}). An owner who is not an active person of the registry
 * (unknown, or terminated by HR) leaves the account ownerless: an AC-04 control exception, raised once while open.
 */
@Service
class ServiceAccountOwners {

  static final String INITIAL = "initial";
  static final String CONFIG = "config";
  static final String API = "api";
  private static final Logger log = LoggerFactory.getLogger(ServiceAccountOwners.class);

  /** A change of owner and the rotation it triggered. */
  record Changed(ServiceAccountStore.OwnerChange change, ServiceAccountRotations.Rotated rotation) {}

  private final AccessCatalogue catalogue;
  private final ServiceAccountStore store;
  private final Identities identities;
  private final ServiceAccountRotations rotations;
  private final ServiceAccountRotationTasks tasks;
  private final ControlExceptions exceptions;
  private final UserAccounts users;
  private final AuditRecorder audit;
  private final Clock clock;

  ServiceAccountOwners(AccessCatalogue catalogue, ServiceAccountStore store, Identities identities,
      ServiceAccountRotations rotations, ServiceAccountRotationTasks tasks, ControlExceptions exceptions,
      UserAccounts users, AuditRecorder audit, Clock clock) {
    this.catalogue = catalogue;
    this.store = store;
    this.identities = identities;
    this.rotations = rotations;
    this.tasks = tasks;
    this.exceptions = exceptions;
    this.users = users;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * The owner an account has: the one recorded, unless access.yaml names another than it did at the last comparison
   * (then the file's, which {@link #reconcileWithConfig} records as a change).
   */
  String ownerOf(AccessCatalogue.ServiceAccount account) {
    return store.owner(account.id()).filter(o -> o.configOwnerId().equals(account.owner()))
        .map(ServiceAccountStore.Owner::ownerId).orElse(account.owner());
  }

  /**
   * Compares the recorded owners with access.yaml (at start-up, after the file was read): an account seen for the first
   * time is recorded with the file's owner; an owner the file changed is a change of owner, recorded, audited and
   * followed by a rotation. On several nodes only the node whose update lands records the change.
   */
  List<Changed> reconcileWithConfig() {
    List<Changed> changed = new ArrayList<>();
    for (AccessCatalogue.ServiceAccount account : catalogue.serviceAccounts()) {
      Instant now = clock.instant();
      Optional<ServiceAccountStore.Owner> recorded = store.owner(account.id());
      if (recorded.isEmpty()) {
        if (store.insertOwner(account.id(), account.owner(), now)) {
          store.insertOwnerChange(account.id(), null, account.owner(), INITIAL, CONFIG, now);
        }
        continue;
      }
      ServiceAccountStore.Owner owner = recorded.get();
      if (owner.configOwnerId().equals(account.owner())) {
        continue; // the file did not change; an owner set through the API stands
      }
      if (owner.ownerId().equals(account.owner())) {
        // the file now names the owner the API set: nothing changes hands, the comparison is recorded
        store.updateOwner(owner, owner.ownerId(), account.owner(), CONFIG, now);
        continue;
      }
      if (store.updateOwner(owner, account.owner(), account.owner(), CONFIG, now)) {
        changed.add(recordChange(account.id(), owner.ownerId(), account.owner(), CONFIG, "system", null));
      }
    }
    return changed;
  }

  /**
   * A security admin gives a service account another owner: an active person of the registry (400 naming
   * {@code employeeId} otherwise, audited). The change is recorded and audited, and the credential rotated.
   */
  Changed change(String serviceAccountId, String employeeId, String reason, String actor) {
    AccessCatalogue.ServiceAccount account = catalogue.serviceAccount(serviceAccountId)
        .orElseThrow(() -> new NotFoundException("service account", serviceAccountId));
    String refusal = refusal(employeeId);
    if (refusal == null && (reason == null || reason.isBlank())) {
      throw refuse(serviceAccountId, employeeId, actor, "reason", "is required: why the account changes hands");
    }
    if (refusal != null) {
      throw refuse(serviceAccountId, employeeId, actor, "employeeId", refusal);
    }
    // the owner reviews the account's grants in certification and answers for its use: nobody appoints themselves
    if (identities.findByUserName(actor).map(Identity::id).filter(employeeId::equals).isPresent()) {
      throw refuse(serviceAccountId, employeeId, actor, "employeeId", "nobody makes themselves the owner of a service "
          + "account: another security admin gives it to you");
    }
    ServiceAccountStore.Owner owner = store.owner(serviceAccountId).orElseThrow(() -> new ConflictException(
        serviceAccountId + " has no recorded owner yet; try again once the engine has started"));
    if (owner.ownerId().equals(employeeId)) {
      throw refuse(serviceAccountId, employeeId, actor, "employeeId", "'" + employeeId + "' owns "
          + serviceAccountId + " already");
    }
    if (!store.updateOwner(owner, employeeId, owner.configOwnerId(), actor, clock.instant())) {
      throw new ConflictException("the owner of " + serviceAccountId + " changed meanwhile; read it and try again");
    }
    log.info("Service account {} ({}) changes owner from {} to {} by {}", serviceAccountId, account.name(),
        owner.ownerId(), employeeId, actor);
    return recordChange(serviceAccountId, owner.ownerId(), employeeId, API, actor, reason);
  }

  private Changed recordChange(String serviceAccountId, String previous, String ownerId, String source, String actor,
      String reason) {
    Instant now = clock.instant();
    long id = store.insertOwnerChange(serviceAccountId, previous, ownerId, source, actor, now);
    identities.changeServiceOwner(serviceAccountId, ownerId, actor);
    AuditEvent.Builder event = "system".equals(actor)
        ? AuditEvent.system("access.service-account.owner", ServiceAccountRotations.OBJECT_TYPE, serviceAccountId)
        : AuditEvent.of("access.service-account.owner", ServiceAccountRotations.OBJECT_TYPE, serviceAccountId)
            .actor(actor, null);
    audit.record(event.detail("ownerChangeId", id).detail("previousOwnerId", String.valueOf(previous))
        .detail("ownerId", ownerId).detail("source", source).detail("reason", String.valueOf(reason)).build());
    ServiceAccountRotations.Rotated rotation = rotations.rotate(serviceAccountId, ServiceAccountRotations.OWNER_CHANGE,
        actor, id);
    if (!rotation.succeeded()) {
      // no connector, or it failed: the new owner must not live with the old credential, so a person rotates it
      tasks.request(serviceAccountId, ServiceAccountRotations.OWNER_CHANGE, id, rotation.rotationId(), "The owner "
          + "changed from " + previous + " to " + ownerId + " and the credential was not rotated (" + rotation.error()
          + "): rotate it by hand.");
    }
    checkOwner(serviceAccountId);
    return new Changed(new ServiceAccountStore.OwnerChange(id, serviceAccountId, previous, ownerId, source, actor, now),
        rotation);
  }

  /** Why an employee cannot own a service account, or null when they can. */
  private String refusal(String employeeId) {
    if (employeeId == null || employeeId.isBlank()) {
      return "is required: the employee id of the new owner";
    }
    Optional<Identity> person = identities.find(employeeId);
    if (person.isEmpty()) {
      return "'" + employeeId + "' is not an employee of the access registry";
    }
    if (!Identity.PERSON.equals(person.get().kind())) {
      return "'" + employeeId + "' is a service identity, not a person who can answer for an account";
    }
    if (!person.get().active()) {
      return "'" + employeeId + "' has left (terminated " + person.get().terminationDate() + ")";
    }
    return null;
  }

  private InvalidInputException refuse(String serviceAccountId, String employeeId, String actor, String field,
      String reason) {
    audit.recordIndependently(AuditEvent.of("access.service-account.owner", ServiceAccountRotations.OBJECT_TYPE,
        serviceAccountId).actor(actor, null).denied(field + ": " + reason).detail("employeeId",
        String.valueOf(employeeId)).build());
    return InvalidInputException.of(field, reason);
  }

  /** Every account's owner must be an active person: an ownerless one is an AC-04 exception, once while open. */
  int checkOwners() {
    int raised = 0;
    for (AccessCatalogue.ServiceAccount account : catalogue.serviceAccounts()) {
      raised += checkOwner(account.id()) ? 1 : 0;
    }
    return raised;
  }

  /** An owner HR terminated leaves their service accounts ownerless. */
  @EventListener
  void onHrEvent(HrEvent event) {
    if (!HrEvent.LEAVER.equals(event.kind())) {
      return;
    }
    for (AccessCatalogue.ServiceAccount account : catalogue.serviceAccounts()) {
      if (store.owner(account.id()).map(ServiceAccountStore.Owner::ownerId).filter(event.identityId()::equals)
          .isPresent()) {
        checkOwner(account.id());
      }
    }
  }

  private boolean checkOwner(String serviceAccountId) {
    String ownerId = store.owner(serviceAccountId).map(ServiceAccountStore.Owner::ownerId).orElse(null);
    if (ownerId == null) {
      return false; // not yet compared with the file (before start-up ends)
    }
    Optional<Identity> owner = identities.find(ownerId);
    String problem = owner.isEmpty() ? "its owner " + ownerId + " is not a person of the access registry"
        : !owner.get().active() ? "its owner " + ownerId + " (" + owner.get().name() + ") has left"
            + (owner.get().terminationDate() == null ? "" : " (terminated " + owner.get().terminationDate() + ")")
        : null;
    if (problem == null) {
      return false;
    }
    String objectId = serviceAccountId + "/owner/" + ownerId;
    boolean open = exceptions.find(ServiceAccountRotations.CONTROL, objectId).stream()
        .anyMatch(e -> "open".equals(e.status()));
    if (open) {
      return false;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("serviceAccount", serviceAccountId);
    details.put("ownerId", ownerId);
    details.put("problem", problem);
    details.put("remedy", "a security admin names a new owner: PUT /api/access/service-accounts/" + serviceAccountId
        + "/owner");
    Set<String> to = new LinkedHashSet<>(users.emailsOf(Role.SECURITY_ADMIN));
    to.addAll(users.emailsOf(Role.GOVERNANCE_LEAD));
    exceptions.raise(ServiceAccountRotations.CONTROL, ServiceAccountRotations.OBJECT_TYPE, objectId,
        "Service account " + serviceAccountId + " is ownerless: " + problem, details, to);
    return true;
  }

  List<ServiceAccountStore.OwnerChange> changes(String serviceAccountId) {
    return store.ownerChanges(serviceAccountId);
  }
}
