package org.itgc.access;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.AsServer;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.ConflictException;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.platform.web.NotFoundException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Rotations of service accounts' credentials done by a person (control AC-04). A due credential that no connector
 * rotates, or whose connector failed {@code settings.serviceAccountRotationAttempts} runs in a row, and a change of
 * owner whose rotation failed, become a task: a row of {@code access_service_account_rotation_task} (at most one open
 * per account) and an instance of {@code service-account-rotation} whose business key names it, started here and
 * nowhere else. Its completion, and a security admin's rotation recorded through the API, add a rotation with method
 * {@code manual}, how, a reference and who did it. The account's owner never records the rotation of their own
 * account (403, audited).
 */
@Service
class ServiceAccountRotationTasks {

  /** How a credential was rotated by hand (the form's and the API's choices). */
  static final List<String> METHODS = List.of("password-vault", "system-console", "script", "ticket");
  static final int REFERENCE_MAX = 200;

  /** What the form shows of an opened task. */
  record Opened(long taskRowId, String account, String reason, Instant dueAt) {}

  private final AccessCatalogue catalogue;
  private final ServiceAccountStore store;
  private final ServiceAccountRotations rotations;
  private final Identities identities;
  private final RuntimeService runtime;
  private final IdentityService identity;
  private final BusinessCalendar calendar;
  private final AuditRecorder audit;
  private final Clock clock;

  ServiceAccountRotationTasks(AccessCatalogue catalogue, ServiceAccountStore store, ServiceAccountRotations rotations,
      Identities identities, RuntimeService runtime, IdentityService identity, BusinessCalendar calendar,
      AuditRecorder audit, Clock clock) {
    this.catalogue = catalogue;
    this.store = store;
    this.rotations = rotations;
    this.identities = identities;
    this.runtime = runtime;
    this.identity = identity;
    this.calendar = calendar;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Opens a task for a security admin to rotate an account's credential by hand, unless one is open already (then
   * empty). The row and the instance are made in one transaction: no row without its instance.
   */
  @Transactional
  Optional<Long> request(String serviceAccountId, String trigger, Long ownerChangeId, Long failedRotationId,
      String reason) {
    Instant now = clock.instant();
    Instant due = calendar.addBusinessDays(now, catalogue.serviceAccountRotationTaskBusinessDays());
    Optional<Long> row = store.insertRotationTask(serviceAccountId, trigger, ownerChangeId, failedRotationId, reason,
        now, due);
    if (row.isEmpty()) {
      return row;
    }
    String businessKey = ServiceAccountRotationProcess.BUSINESS_KEY_PREFIX + row.get();
    var instance = AsServer.call(identity, () -> runtime.createProcessInstanceByKey(ServiceAccountRotationProcess.KEY)
        .businessKey(businessKey).execute());
    audit.record(AuditEvent.system("access.service-account.rotation-task", ServiceAccountRotations.OBJECT_TYPE,
        serviceAccountId).detail("taskRowId", row.get()).detail("trigger", trigger)
        .detail("ownerChangeId", String.valueOf(ownerChangeId))
        .detail("failedRotationId", String.valueOf(failedRotationId)).detail("reason", reason)
        .detail("dueAt", due.toString()).detail("processInstanceId", instance.getId()).build());
    return row;
  }

  /**
   * The start of an instance: its business key must name an open task row that no instance holds yet, which only
   * {@link #request} makes. Any other start (a forged one) is refused and audited.
   */
  Opened open(String businessKey, String processInstanceId) {
    Optional<ServiceAccountStore.RotationTask> row = rowOf(businessKey);
    if (row.isEmpty() || !row.get().open() || !store.bindRotationTask(row.get().id(), processInstanceId)) {
      String reason = "a service-account-rotation instance is started by the server only, for a task it recorded; "
          + "business key '" + businessKey + "' names none open";
      audit.recordIndependently(AuditEvent.of("access.service-account.rotation-task",
          ServiceAccountRotations.OBJECT_TYPE, String.valueOf(businessKey)).denied(reason).build());
      throw new AuthorizationException(reason);
    }
    ServiceAccountStore.RotationTask task = row.get();
    String account = catalogue.serviceAccount(task.serviceAccountId())
        .map(a -> a.name() + " (" + a.id() + ")").orElse(task.serviceAccountId());
    return new Opened(task.id(), account, task.reason(), task.dueAt());
  }

  /** When the task of an instance is due, from the server's row. */
  Instant dueAt(String businessKey) {
    return rowOf(businessKey).orElseThrow().dueAt();
  }

  /**
   * Task_RotateCredentialByHand completed: the fields checked, the owner refused, the rotation recorded with the
   * trigger that made it due, and the task row closed.
   */
  ServiceAccountStore.Rotation complete(String businessKey, String method, String reference, String actor) {
    ServiceAccountStore.RotationTask task = rowOf(businessKey).filter(ServiceAccountStore.RotationTask::open)
        .orElseThrow(() -> new ConflictException("the rotation task " + businessKey + " is not open"));
    checkFields(method, reference, ServiceAccountRotationProcess.Fields.METHOD,
        ServiceAccountRotationProcess.Fields.REFERENCE);
    refuseOwner(task.serviceAccountId(), actor, "task " + businessKey);
    ServiceAccountStore.Rotation rotation = record(task.serviceAccountId(), task.trigger(), "system",
        task.ownerChangeId(), method.strip(), reference.strip(), actor, task.id());
    if (!store.closeRotationTask(task.id(), rotation.id(), actor, rotation.finishedAt())) {
      throw new ConflictException("the rotation task " + businessKey + " was closed meanwhile");
    }
    return rotation;
  }

  /**
   * A security admin records a rotation they did by hand outside a task (trigger on-demand): refused while a task is
   * open for the account (409: complete it instead), and for the account's owner (403).
   */
  ServiceAccountStore.Rotation recordByHand(String serviceAccountId, String method, String reference, String actor) {
    if (catalogue.serviceAccount(serviceAccountId).isEmpty()) {
      throw new NotFoundException("service account", serviceAccountId);
    }
    checkFields(method, reference, "method", "reference");
    refuseOwner(serviceAccountId, actor, "the API");
    store.openRotationTask(serviceAccountId).ifPresent(open -> {
      throw new ConflictException(serviceAccountId + " has an open rotation task ("
          + ServiceAccountRotationProcess.BUSINESS_KEY_PREFIX + open.id() + "): record the rotation by completing it");
    });
    return record(serviceAccountId, ServiceAccountRotations.ON_DEMAND, actor, null, method.strip(),
        reference.strip(), actor, null);
  }

  private ServiceAccountStore.Rotation record(String serviceAccountId, String trigger, String triggeredBy,
      Long ownerChangeId, String method, String reference, String actor, Long taskRowId) {
    Instant at = clock.instant();
    var connector = rotations.connectorOf(serviceAccountId);
    String systemId = connector.map(PostgresRolesConnector::systemId).orElse(null);
    String login = connector.map(c -> c.serviceLogins().get(serviceAccountId)).orElse(null);
    String verification = "attested by " + actor + " (rotated by hand, not verified by the server)";
    var rotation = new ServiceAccountStore.Rotation(0, serviceAccountId, trigger, triggeredBy, ownerChangeId, at, at,
        systemId, null, login, null, verification, ServiceAccountStore.ROTATED, null, null,
        ServiceAccountStore.MANUAL, method, reference, actor, taskRowId);
    long id = store.insertRotation(rotation);
    audit.record(AuditEvent.of("access.service-account.rotate", ServiceAccountRotations.OBJECT_TYPE, serviceAccountId)
        .actor(actor, null).detail("rotationId", id).detail("trigger", trigger).detail("method", "manual")
        .detail("performedVia", method).detail("reference", reference)
        .detail("taskRowId", String.valueOf(taskRowId)).detail("rotatedAt", at.toString()).build());
    return store.rotationsOf(serviceAccountId).stream().filter(r -> r.id() == id).findFirst().orElseThrow();
  }

  private static void checkFields(String method, String reference, String methodField, String referenceField) {
    List<FieldError> errors = new ArrayList<>();
    if (method == null || method.isBlank()) {
      errors.add(new FieldError(methodField, "is required: how the credential was rotated (one of "
          + String.join(", ", METHODS) + ")"));
    } else if (!METHODS.contains(method.strip())) {
      errors.add(new FieldError(methodField, "'" + method + "' is not one of " + String.join(", ", METHODS)));
    }
    if (reference == null || reference.isBlank()) {
      errors.add(new FieldError(referenceField, "is required: the vault change, ticket, script run or console change"));
    } else if (reference.strip().length() > REFERENCE_MAX) {
      errors.add(new FieldError(referenceField, "is longer than " + REFERENCE_MAX + " characters"));
    }
    InvalidInputException.ifAny(errors);
  }

  /** The owner of an account answers for it and does not attest its rotation (four eyes); refused and audited. */
  private void refuseOwner(String serviceAccountId, String actor, String where) {
    String ownerId = store.owner(serviceAccountId).map(ServiceAccountStore.Owner::ownerId)
        .or(() -> catalogue.serviceAccount(serviceAccountId).map(AccessCatalogue.ServiceAccount::owner)).orElse(null);
    if (ownerId == null) {
      return;
    }
    boolean owner = identities.findByUserName(actor).map(Identity::id).filter(ownerId::equals).isPresent()
        || identities.find(ownerId).map(Identity::userName).filter(actor::equals).isPresent();
    if (!owner) {
      return;
    }
    String reason = "the owner of a service account does not record the rotation of its credential: " + actor
        + " owns " + serviceAccountId + " (" + ownerId + ")";
    audit.recordIndependently(AuditEvent.of("access.service-account.rotate", ServiceAccountRotations.OBJECT_TYPE,
        serviceAccountId).actor(actor, null).denied(reason).detail("via", where).build());
    throw new AuthorizationException(reason);
  }

  private Optional<ServiceAccountStore.RotationTask> rowOf(String businessKey) {
    if (businessKey == null || !businessKey.startsWith(ServiceAccountRotationProcess.BUSINESS_KEY_PREFIX)) {
      return Optional.empty();
    }
    try {
      return store.rotationTask(Long.parseLong(businessKey.substring(
          ServiceAccountRotationProcess.BUSINESS_KEY_PREFIX.length())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
