package org.itgc.access;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.web.InvalidInputException;
import org.springframework.stereotype.Service;

/**
 * Password rotation of a service account's database login by its system's PostgreSQL connector: the new password is
 * set, written to the connector's {@code rotatedPasswordFolder} for the batch job, verified by signing in with it, and
 * the rotation audited ({@code access.service-account.rotate}: who, which login, where it was written, how it was
 * verified; never the password).
 */
@Service
class ServiceAccountRotations {

  /** What a rotation did. */
  record Rotated(String serviceAccountId, String systemId, String connectorId, String login, String writtenTo,
      String verification, Instant rotatedAt) {}

  private final ConfiguredConnectors connectors;
  private final AccessCatalogue catalogue;
  private final AuditRecorder audit;
  private final Clock clock;

  ServiceAccountRotations(ConfiguredConnectors connectors, AccessCatalogue catalogue, AuditRecorder audit, Clock clock) {
    this.connectors = connectors;
    this.catalogue = catalogue;
    this.audit = audit;
    this.clock = clock;
  }

  Rotated rotate(String serviceAccountId, String actor) {
    if (catalogue.serviceAccounts().stream().noneMatch(a -> a.id().equals(serviceAccountId))) {
      throw InvalidInputException.of("serviceAccountId", "'" + serviceAccountId + "' is not a service account of "
          + AccessCatalogue.FILE);
    }
    Optional<PostgresRolesConnector> connector = connectors.all().stream()
        .filter(PostgresRolesConnector.class::isInstance).map(PostgresRolesConnector.class::cast)
        .filter(c -> c.serviceLogins().containsKey(serviceAccountId)).findFirst();
    if (connector.isEmpty()) {
      throw InvalidInputException.of("serviceAccountId", serviceAccountId + " has no database login that a connector "
          + "of " + ConnectorsFile.FILE + " rotates (postgresql.serviceLogins)");
    }
    PostgresRolesConnector c = connector.get();
    try {
      PostgresRolesConnector.Rotation rotation = c.rotate(serviceAccountId);
      Instant at = clock.instant();
      audit.record(AuditEvent.of("access.service-account.rotate", "service-account", serviceAccountId)
          .actor(actor, null).detail("systemId", c.systemId()).detail("connector", c.id())
          .detail("login", rotation.login()).detail("writtenTo", rotation.writtenTo().toString())
          .detail("verification", rotation.verification()).detail("rotatedAt", at.toString()).build());
      return new Rotated(serviceAccountId, c.systemId(), c.id(), rotation.login(), rotation.writtenTo().toString(),
          rotation.verification(), at);
    } catch (RuntimeException e) {
      audit.recordIndependently(AuditEvent.of("access.service-account.rotate", "service-account", serviceAccountId)
          .actor(actor, null).outcome(AuditEvent.Outcome.FAILURE).detail("systemId", c.systemId())
          .detail("connector", c.id()).detail("error", String.valueOf(e.getMessage())).build());
      throw e;
    }
  }
}
