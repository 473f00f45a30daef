package org.itgc.access;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.SchedulingConfiguration;
import org.itgc.platform.ScheduledOnce;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.csv.Columns;
import org.itgc.platform.csv.Csv;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Just-in-time elevations and break-glass over HTTP (control AC-06): a person asks for themselves; the evidence, per
 * privileged entitlement, as JSON or CSV; one elevation with the person's activity in the engine during its window; the
 * detective scan of standing privileged grants (also every night, with the SoD scan's schedule). Reads are audited.
 */
@RestController
class ElevationsController {

  private final Elevations elevations;
  private final BusinessCalendar calendar;
  private final AuditRecorder audit;
  private final ScheduledOnce once;
  private final AccessCatalogue catalogue;
  private final Identities identities;

  ElevationsController(Elevations elevations, BusinessCalendar calendar, AuditRecorder audit, ScheduledOnce once,
      AccessCatalogue catalogue, Identities identities) {
    this.elevations = elevations;
    this.calendar = calendar;
    this.audit = audit;
    this.once = once;
    this.catalogue = catalogue;
    this.identities = identities;
  }

  /** Asks for an elevation (or, with breakGlass true, takes a break-glass) for oneself. */
  @PostMapping("/api/access/elevations")
  ResponseEntity<Elevations.Elevation> request(@RequestBody(required = false) Elevations.Request body,
      Authentication authentication) {
    return ResponseEntity.status(HttpStatus.CREATED).body(elevations.request(authentication.getName(), body));
  }

  static final Columns<Elevations.Elevation> COLUMNS = Columns.of(Elevations.Elevation.class)
      .column("elevation_id", Elevations.Elevation::id).column("system_id", Elevations.Elevation::systemId)
      .column("entitlement_id", Elevations.Elevation::entitlementId).column("kind", Elevations.Elevation::kind)
      .column("identity_id", Elevations.Elevation::identityId)
      .column("identity_name", Elevations.Elevation::identityName)
      .column("requested_by", Elevations.Elevation::requestedBy).column("reason", Elevations.Elevation::reason)
      .column("change_id", Elevations.Elevation::changeId).column("incident_id", Elevations.Elevation::incidentId)
      .column("eligibility_grant_id", Elevations.Elevation::eligibilityGrantId)
      .column("requested_at", Elevations.Elevation::requestedAt)
      .column("requested_minutes", Elevations.Elevation::requestedMinutes)
      .column("max_minutes", Elevations.Elevation::maxMinutes)
      .column("decision_definition_id", Elevations.Elevation::decisionDefinitionId)
      .column("approved_by", Elevations.Elevation::approvedBy).column("approved_at", Elevations.Elevation::approvedAt)
      .column("provisioned_at", Elevations.Elevation::provisionedAt)
      .column("expires_at", Elevations.Elevation::expiresAt).column("removed_at", Elevations.Elevation::removedAt)
      .column("removed_by", Elevations.Elevation::removedBy).column("verified_at", Elevations.Elevation::verifiedAt)
      .column("verification", Elevations.Elevation::verification).column("status", Elevations.Elevation::status)
      .column("review_due", Elevations.Elevation::reviewDue).column("reviewed_by", Elevations.Elevation::reviewedBy)
      .column("review_outcome", Elevations.Elevation::reviewOutcome)
      .column("review_exception_id", Elevations.Elevation::reviewExceptionId)
      .column("grant_id", Elevations.Elevation::grantId);

  /** The population (AC-06): every elevation asked in [from, to), per privileged entitlement; JSON or CSV. */
  @GetMapping("/api/access/elevations")
  @PreAuthorize(AccessController.READERS)
  Object population(@RequestParam String from, @RequestParam String to,
      @RequestParam(defaultValue = "json") String format) {
    Instant start = day("from", from);
    Instant end = day("to", to);
    if (!end.isAfter(start)) {
      throw new BadRequestException("to", "must be after from");
    }
    if (!List.of("json", "csv").contains(format)) {
      throw new BadRequestException("format", "must be json or csv");
    }
    var items = elevations.population(start, end);
    audit.record(AuditEvent.of("access.elevations.read", "report", "privileged-elevation").detail("from", from)
        .detail("to", to).detail("format", format).detail("rows", items.size()).build());
    if ("json".equals(format)) {
      return items;
    }
    return Csv.download("elevations-" + from + "-" + to + ".csv", COLUMNS.names(), COLUMNS.rows(items));
  }

  /** One elevation with its evidence and the person's events in the engine during the window; its person may read it. */
  @GetMapping("/api/access/elevations/{id}")
  Map<String, Object> elevation(@PathVariable String id, Authentication authentication) {
    var elevation = elevations.find(id).orElseThrow(() -> new NotFoundException("elevation", id));
    boolean reader = authentication.getAuthorities().stream().anyMatch(a -> List.of("security-admin", "auditor",
        "governance-lead", "system-owner", "line-manager", "engine-admin").contains(a.getAuthority()));
    boolean own = identities.findByUserName(authentication.getName()).map(Identity::id)
        .filter(elevation.identityId()::equals).isPresent();
    if (!reader && !own) {
      throw new AccessDeniedException("only its person and readers of the registry see elevation " + id);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("elevation", elevation);
    body.put("windowActivity", elevations.windowActivity(elevation));
    elevations.windowLogs(elevation).ifPresent(found -> {
      body.put("windowLogs", found.actions());
      body.put("windowLogsTruncated", found.more());
    });
    audit.record(AuditEvent.of("access.elevation.read", "access-elevation", id).build());
    return body;
  }

  /** The detective scan: grants of jit entitlements held outside an elevation that no rule allows. */
  @PostMapping("/api/access/elevations/standing-scans")
  @PreAuthorize("hasAnyAuthority('security-admin', 'governance-lead', 'auditor', 'engine-admin')")
  List<Elevations.StandingGrant> scan(Authentication authentication) {
    return elevations.scanStanding(authentication.getName());
  }

  @Scheduled(cron = "#{@accessCatalogue.sodScanSchedule()}", scheduler = SchedulingConfiguration.ACCESS)
  void scheduled() {
    once.runWithOutcome("standing-privilege-scan", catalogue.sodScanSchedule(), () -> {
      int found = elevations.scanStanding("system").size();
      return found == 0 ? ScheduledOnce.DONE : "done; " + found + " standing privileged grants";
    });
  }

  private Instant day(String field, String value) {
    try {
      return calendar.parseInstant(value);
    } catch (java.time.format.DateTimeParseException e) {
      throw new BadRequestException(field, "'" + value + "' is not a date (2026-11-30) or date-time (2026-11-30T17:00:00Z)");
    }
  }
}
