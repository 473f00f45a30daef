package org.itgc.access;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.csv.Columns;
import org.itgc.platform.csv.Csv;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.NotFoundException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Service accounts over HTTP (control AC-04): each with its owner, purpose, jobs, last rotation and next due date; the
 * population of rotations (JSON or CSV) for auditors; a security admin's change of owner. Reads are audited.
 */
@RestController
class ServiceAccountsController {

  /** The owner change a security admin asks for. */
  record OwnerChangeRequest(String employeeId, String reason) {}

  /** A rotation a security admin did by hand: how ({@link ServiceAccountRotationTasks#METHODS}) and a reference. */
  record ManualRotationRequest(String method, String reference) {}

  /** One service account as the evidence shows it. */
  record Account(String id, String name, String purpose, String ownerId, String ownerName, String ownerStatus,
      String configOwnerId, List<AccessCatalogue.Job> jobs, String systemId, String connectorId, String login,
      int rotationDays, Instant lastRotatedAt, Instant nextDueAt, boolean due, String lastOutcome,
      Instant lastAttemptAt) {}

  static final Columns<ServiceAccountStore.Rotation> ROTATION_COLUMNS = Columns.of(ServiceAccountStore.Rotation.class)
      .column("rotation_id", ServiceAccountStore.Rotation::id)
      .column("service_account_id", ServiceAccountStore.Rotation::serviceAccountId)
      .column("trigger", ServiceAccountStore.Rotation::trigger)
      .column("triggered_by", ServiceAccountStore.Rotation::triggeredBy)
      .column("owner_change_id", ServiceAccountStore.Rotation::ownerChangeId)
      .column("started_at", ServiceAccountStore.Rotation::startedAt)
      .column("finished_at", ServiceAccountStore.Rotation::finishedAt)
      .column("system_id", ServiceAccountStore.Rotation::systemId)
      .column("connector_id", ServiceAccountStore.Rotation::connectorId)
      .column("login", ServiceAccountStore.Rotation::login)
      .column("written_to", ServiceAccountStore.Rotation::writtenTo)
      .column("verification", ServiceAccountStore.Rotation::verification)
      .column("outcome", ServiceAccountStore.Rotation::outcome)
      .column("error", ServiceAccountStore.Rotation::error)
      .column("exception_id", ServiceAccountStore.Rotation::exceptionId)
      .column("method", ServiceAccountStore.Rotation::method)
      .column("performed_via", ServiceAccountStore.Rotation::performedVia)
      .column("reference", ServiceAccountStore.Rotation::reference)
      .column("performed_by", ServiceAccountStore.Rotation::performedBy)
      .column("rotation_task_id", ServiceAccountStore.Rotation::rotationTaskId);

  private final AccessCatalogue catalogue;
  private final ServiceAccountStore store;
  private final ServiceAccountRotations rotations;
  private final ServiceAccountOwners owners;
  private final ServiceAccountRotationTasks manual;
  private final Identities identities;
  private final BusinessCalendar calendar;
  private final AuditRecorder audit;
  private final java.time.Clock clock;

  ServiceAccountsController(AccessCatalogue catalogue, ServiceAccountStore store, ServiceAccountRotations rotations,
      ServiceAccountOwners owners, ServiceAccountRotationTasks manual, Identities identities, BusinessCalendar calendar,
      AuditRecorder audit, java.time.Clock clock) {
    this.catalogue = catalogue;
    this.store = store;
    this.rotations = rotations;
    this.owners = owners;
    this.manual = manual;
    this.identities = identities;
    this.calendar = calendar;
    this.audit = audit;
    this.clock = clock;
  }

  @GetMapping("/api/access/service-accounts")
  @PreAuthorize(AccessController.READERS)
  List<Account> accounts() {
    Map<String, Instant> last = store.lastRotated();
    Instant now = clock.instant();
    List<Account> accounts = new ArrayList<>();
    for (AccessCatalogue.ServiceAccount account : catalogue.serviceAccounts()) {
      accounts.add(account(account, last.get(account.id()), now));
    }
    audit.record(AuditEvent.of("access.service-accounts.read", "report", "service-accounts")
        .detail("rows", accounts.size()).build());
    return accounts;
  }

  /** One account with every change of owner and every rotation. */
  @GetMapping("/api/access/service-accounts/{serviceAccountId}")
  @PreAuthorize(AccessController.READERS)
  Map<String, Object> account(@PathVariable String serviceAccountId) {
    AccessCatalogue.ServiceAccount account = catalogue.serviceAccount(serviceAccountId)
        .orElseThrow(() -> new NotFoundException("service account", serviceAccountId));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("account", account(account, store.lastRotated().get(serviceAccountId), clock.instant()));
    body.put("ownerChanges", owners.changes(serviceAccountId));
    body.put("rotations", store.rotationsOf(serviceAccountId));
    audit.record(AuditEvent.of("access.service-accounts.read", "service-account", serviceAccountId).build());
    return body;
  }

  private Account account(AccessCatalogue.ServiceAccount account, Instant lastRotated, Instant now) {
    var owner = store.owner(account.id());
    String ownerId = owner.map(ServiceAccountStore.Owner::ownerId).orElse(account.owner());
    var person = identities.find(ownerId);
    var connector = rotations.connectorOf(account.id());
    var lastAttempt = store.lastRotation(account.id());
    int days = catalogue.rotationDays(account);
    return new Account(account.id(), account.name(), account.purpose(), ownerId, person.map(Identity::name).orElse(null),
        person.map(Identity::status).orElse("unknown"), account.owner(), account.jobs(),
        connector.map(PostgresRolesConnector::systemId).orElse(null), connector.map(PostgresRolesConnector::id)
            .orElse(null), connector.map(c -> c.serviceLogins().get(account.id())).orElse(null), days, lastRotated,
        ServiceAccountSchedule.nextDue(lastRotated, days), ServiceAccountSchedule.isDue(lastRotated, days, now),
        lastAttempt.map(ServiceAccountStore.Rotation::outcome).orElse(null),
        lastAttempt.map(ServiceAccountStore.Rotation::finishedAt).orElse(null));
  }

  /** The population of rotations finished in [from, to) (AC-04), JSON or CSV. */
  @GetMapping("/api/access/service-accounts/rotations")
  @PreAuthorize(AccessController.READERS)
  ResponseEntity<?> rotations(@RequestParam String from, @RequestParam String to,
      @RequestParam(defaultValue = "json") String format) {
    Instant start = instant("from", from);
    Instant end = instant("to", to);
    if (!end.isAfter(start)) {
      throw new BadRequestException("to", "must be after from");
    }
    if (!List.of("json", "csv").contains(format)) {
      throw new BadRequestException("format", "must be json or csv");
    }
    var rows = store.rotations(start, end);
    audit.record(AuditEvent.of("access.service-account-rotations.read", "report", "service-account-rotations")
        .detail("from", from).detail("to", to).detail("rows", rows.size()).build());
    if ("json".equals(format)) {
      return ResponseEntity.ok(rows);
    }
    return Csv.download("service-account-rotations-" + from + "-" + to + ".csv", ROTATION_COLUMNS.names(),
        ROTATION_COLUMNS.rows(rows));
  }

  /** A security admin gives a service account a new owner; the credential is rotated (trigger owner-change). */
  @PutMapping("/api/access/service-accounts/{serviceAccountId}/owner")
  @PreAuthorize("hasAnyAuthority('security-admin')")
  ServiceAccountOwners.Changed owner(@PathVariable String serviceAccountId,
      @RequestBody(required = false) OwnerChangeRequest request, Authentication authentication) {
    OwnerChangeRequest body = request == null ? new OwnerChangeRequest(null, null) : request;
    return owners.change(serviceAccountId, body.employeeId() == null ? null : body.employeeId().strip(), body.reason(),
        authentication.getName());
  }

  /**
   * A security admin records a rotation they did by hand outside a task (trigger on-demand, method manual): 201 with
   * the recorded rotation; 400 naming {@code method} or {@code reference}; 403 for the account's owner (audited); 409
   * while a rotation task is open for the account.
   */
  @PostMapping("/api/access/service-accounts/{serviceAccountId}/rotations")
  @PreAuthorize("hasAnyAuthority('security-admin')")
  ResponseEntity<ServiceAccountStore.Rotation> rotatedByHand(@PathVariable String serviceAccountId,
      @RequestBody(required = false) ManualRotationRequest request, Authentication authentication) {
    ManualRotationRequest body = request == null ? new ManualRotationRequest(null, null) : request;
    return ResponseEntity.status(org.springframework.http.HttpStatus.CREATED)
        .body(manual.recordByHand(serviceAccountId, body.method(), body.reference(), authentication.getName()));
  }

  private Instant instant(String field, String value) {
    try {
      return calendar.parseInstant(value);
    } catch (java.time.format.DateTimeParseException e) {
      throw new BadRequestException(field, "'" + value + "' is not a date (2026-11-30) or date-time "
          + "(2026-11-30T17:00:00Z)");
    }
  }
}
