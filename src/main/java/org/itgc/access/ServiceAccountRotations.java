package org.itgc.access;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.platform.Role;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.security.UserAccounts;
import org.springframework.stereotype.Service;

/**
 * Password rotation of a service account's database login by its system's PostgreSQL connector (control AC-04): the
 * new password is set, written to the connector's {@code rotatedPasswordFolder} for the batch job, verified by signing
 * in with it. Every rotation, whatever triggered it (the schedule, a change of owner, a security admin on demand), is
 * recorded in {@code access_service_account_rotation} with its outcome and audited
 * ({@code access.service-account.rotate}: who, which login, where it was written, how it was verified; never the
 * password). A failed rotation is recorded as failed and raises an AC-04 control exception mailed to the account's
 * owner and the security admins (one while it is open).
 */
@Service
class ServiceAccountRotations {

  static final String SCHEDULE = "schedule";
  static final String OWNER_CHANGE = "owner-change";
  static final String ON_DEMAND = "on-demand";
  static final String CONTROL = "AC-04";
  static final String OBJECT_TYPE = "service-account";

  /** What a rotation did. */
  record Rotated(long rotationId, String serviceAccountId, String trigger, String outcome, String systemId,
      String connectorId, String login, String writtenTo, String verification, String error, Long exceptionId,
      Instant rotatedAt) {
    boolean succeeded() {
      return ServiceAccountStore.ROTATED.equals(outcome);
    }
  }

  private final ConfiguredConnectors connectors;
  private final AccessCatalogue catalogue;
  private final ServiceAccountStore store;
  private final Identities identities;
  private final ControlExceptions exceptions;
  private final UserAccounts users;
  private final AuditRecorder audit;
  private final Clock clock;

  ServiceAccountRotations(ConfiguredConnectors connectors, AccessCatalogue catalogue, ServiceAccountStore store,
      Identities identities, ControlExceptions exceptions, UserAccounts users, AuditRecorder audit, Clock clock) {
    this.connectors = connectors;
    this.catalogue = catalogue;
    this.store = store;
    this.identities = identities;
    this.exceptions = exceptions;
    this.users = users;
    this.audit = audit;
    this.clock = clock;
  }

  /** The PostgreSQL connector that rotates a service account's login, if one names it. */
  Optional<PostgresRolesConnector> connectorOf(String serviceAccountId) {
    return connectors.all().stream()
        .filter(PostgresRolesConnector.class::isInstance).map(PostgresRolesConnector.class::cast)
        .filter(c -> c.serviceLogins().containsKey(serviceAccountId)).findFirst();
  }

  /**
   * A rotation a security admin asks for: an unknown account, or one no connector rotates, is refused (400 naming
   * {@code serviceAccountId}); a rotation that fails on the target is recorded, raises its exception and answers 502
   * (problem+json with the rotation's and the exception's ids).
   */
  Rotated rotateOnDemand(String serviceAccountId, String actor) {
    if (catalogue.serviceAccount(serviceAccountId).isEmpty()) {
      throw InvalidInputException.of("serviceAccountId", "'" + serviceAccountId + "' is not a service account of "
          + AccessCatalogue.FILE);
    }
    if (connectorOf(serviceAccountId).isEmpty()) {
      throw InvalidInputException.of("serviceAccountId", serviceAccountId + " has no database login that a connector "
          + "of " + ConnectorsFile.FILE + " rotates (postgresql.serviceLogins)");
    }
    Rotated rotated = rotate(serviceAccountId, ON_DEMAND, actor, null);
    if (!rotated.succeeded()) {
      var problem = org.springframework.http.ProblemDetail.forStatusAndDetail(
          org.springframework.http.HttpStatus.BAD_GATEWAY, rotated.error());
      problem.setTitle("Rotation failed on the target");
      problem.setProperty("rotationId", rotated.rotationId());
      problem.setProperty("exceptionId", rotated.exceptionId());
      throw new org.springframework.web.ErrorResponseException(org.springframework.http.HttpStatus.BAD_GATEWAY, problem,
          null);
    }
    return rotated;
  }

  /**
   * Rotates and records; never throws for a target that fails: the failure is the recorded outcome (with its AC-04
   * exception). An account that no connector rotates is a failed rotation too (its credential must be rotated by
   * hand), so that a change of owner is never silently left with the old credential.
   */
  Rotated rotate(String serviceAccountId, String trigger, String actor, Long ownerChangeId) {
    Instant started = clock.instant();
    Optional<PostgresRolesConnector> connector = connectorOf(serviceAccountId);
    if (connector.isEmpty()) {
      return failed(serviceAccountId, trigger, actor, ownerChangeId, started, null, null, null,
          "no connector of " + ConnectorsFile.FILE + " rotates the credential of " + serviceAccountId
              + " (postgresql.serviceLogins): rotate it by hand");
    }
    PostgresRolesConnector c = connector.get();
    String login = c.serviceLogins().get(serviceAccountId);
    PostgresRolesConnector.Rotation rotation;
    try {
      rotation = c.rotate(serviceAccountId);
    } catch (RuntimeException e) {
      return failed(serviceAccountId, trigger, actor, ownerChangeId, started, c.systemId(), c.id(), login,
          String.valueOf(e.getMessage()));
    }
    Instant at = clock.instant();
    long id = store.insertRotation(new ServiceAccountStore.Rotation(0, serviceAccountId, trigger, actor, ownerChangeId,
        started, at, c.systemId(), c.id(), rotation.login(), rotation.writtenTo().toString(), rotation.verification(),
        ServiceAccountStore.ROTATED, null, null));
    audit.record(event(actor, serviceAccountId).detail("rotationId", id).detail("trigger", trigger)
        .detail("systemId", c.systemId()).detail("connector", c.id()).detail("login", rotation.login())
        .detail("writtenTo", rotation.writtenTo().toString()).detail("verification", rotation.verification())
        .detail("rotatedAt", at.toString()).build());
    return new Rotated(id, serviceAccountId, trigger, ServiceAccountStore.ROTATED, c.systemId(), c.id(),
        rotation.login(), rotation.writtenTo().toString(), rotation.verification(), null, null, at);
  }

  private Rotated failed(String serviceAccountId, String trigger, String actor, Long ownerChangeId, Instant started,
      String systemId, String connectorId, String login, String error) {
    Instant at = clock.instant();
    Long exceptionId = raise(serviceAccountId, trigger, systemId, login, error);
    long id = store.insertRotation(new ServiceAccountStore.Rotation(0, serviceAccountId, trigger, actor, ownerChangeId,
        started, at, systemId, connectorId, login, null, null, ServiceAccountStore.FAILED, error, exceptionId));
    audit.recordIndependently(event(actor, serviceAccountId).outcome(AuditEvent.Outcome.FAILURE)
        .detail("rotationId", id).detail("trigger", trigger).detail("systemId", String.valueOf(systemId))
        .detail("connector", String.valueOf(connectorId)).detail("error", error)
        .detail("exceptionId", String.valueOf(exceptionId)).build());
    return new Rotated(id, serviceAccountId, trigger, ServiceAccountStore.FAILED, systemId, connectorId, login, null,
        null, error, exceptionId, at);
  }

  /** The AC-04 exception of a failed rotation: a new one unless one of the account's failed rotations is open. */
  private Long raise(String serviceAccountId, String trigger, String systemId, String login, String error) {
    String objectId = serviceAccountId + "/rotation";
    Optional<ControlExceptions.ControlException> open = exceptions.find(CONTROL, objectId).stream()
        .filter(e -> OBJECT_TYPE.equals(e.objectType()) && "open".equals(e.status())).findFirst();
    if (open.isPresent()) {
      return open.get().id();
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("serviceAccount", serviceAccountId);
    details.put("trigger", trigger);
    details.put("system", String.valueOf(systemId));
    details.put("login", String.valueOf(login));
    details.put("error", error);
    return exceptions.raise(CONTROL, OBJECT_TYPE, objectId, "The credential of service account " + serviceAccountId
        + " was not rotated (" + trigger + "): " + error, details, ownerAndSecurityAdmins(serviceAccountId));
  }

  /** The mail addresses of an account's current owner and of the security admins. */
  Set<String> ownerAndSecurityAdmins(String serviceAccountId) {
    Set<String> to = new LinkedHashSet<>();
    String ownerId = store.owner(serviceAccountId).map(ServiceAccountStore.Owner::ownerId)
        .or(() -> catalogue.serviceAccount(serviceAccountId).map(AccessCatalogue.ServiceAccount::owner)).orElse(null);
    if (ownerId != null) {
      identities.find(ownerId).filter(Identity::active).map(Identity::email).ifPresent(to::add);
    }
    to.addAll(users.emailsOf(Role.SECURITY_ADMIN));
    return to;
  }

  private static AuditEvent.Builder event(String actor, String serviceAccountId) {
    return "system".equals(actor) ? AuditEvent.system("access.service-account.rotate", OBJECT_TYPE, serviceAccountId)
        : AuditEvent.of("access.service-account.rotate", OBJECT_TYPE, serviceAccountId).actor(actor, null);
  }
}
