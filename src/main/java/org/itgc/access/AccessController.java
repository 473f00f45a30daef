package org.itgc.access;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.csv.Columns;
import org.itgc.platform.csv.Csv;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.ConflictException;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The access registry and lifecycle over HTTP: identities and HR imports, what a person holds (now or on a date),
 * who holds an entitlement, a grant's full history, access requests, revocations with their measured SLA, and the
 * detective SoD scan. Reads of the registry are audited.
 */
@RestController
class AccessController {

  static final String READERS =
      "hasAnyAuthority('security-admin', 'auditor', 'governance-lead', 'system-owner', 'line-manager', 'engine-admin')";
  static final String ADMINS = "hasAnyAuthority('security-admin', 'engine-admin')";

  private final Identities identities;
  private final AccessRegistry registry;
  private final AccessCatalogue catalogue;
  private final AccessRequests requests;
  private final Revocations revocations;
  private final SodScan scan;
  private final BusinessCalendar calendar;
  private final AuditRecorder audit;
  private final AccessRequestStore requestStore;

  AccessController(Identities identities, AccessRegistry registry, AccessCatalogue catalogue, AccessRequests requests,
      Revocations revocations, SodScan scan, BusinessCalendar calendar, AuditRecorder audit,
      AccessRequestStore requestStore) {
    this.requestStore = requestStore;
    this.identities = identities;
    this.registry = registry;
    this.catalogue = catalogue;
    this.requests = requests;
    this.revocations = revocations;
    this.scan = scan;
    this.calendar = calendar;
    this.audit = audit;
  }

  // ---------------------------------------------------------------- catalogue and identities

  @GetMapping("/api/access/catalogue")
  Map<String, Object> catalogue() {
    return Map.of("functions", catalogue.functions(), "entitlements", catalogue.entitlements());
  }

  @GetMapping("/api/access/identities")
  @PreAuthorize(READERS)
  List<Identity> search(@RequestParam(required = false) String q) {
    return identities.search(q, 200);
  }

  @GetMapping("/api/access/identities/{id}")
  @PreAuthorize(READERS)
  Identity identity(@PathVariable String id) {
    return identities.find(id).orElseThrow(() -> new NotFoundException("identity", id));
  }

  /** Pre-existing grants (columns of config/access-baseline.csv), recorded as "pre-existing, imported". */
  @PostMapping(path = "/api/access/grants/import", consumes = {"text/csv", "text/plain"})
  @PreAuthorize(ADMINS)
  AccessRegistry.BaselineReport importBaseline(jakarta.servlet.http.HttpServletRequest request,
      Authentication authentication) throws java.io.IOException {
    String csv = Csv.upload(request);
    return registry.importBaseline(csv, authentication.getName());
  }

  /** When grants were last used, as a system reports it (columns employeeId, systemId, entitlementId, lastUsedAt). */
  @PostMapping(path = "/api/access/usage", consumes = {"text/csv", "text/plain"})
  @PreAuthorize(ADMINS)
  AccessRegistry.UsageReport importUsage(jakarta.servlet.http.HttpServletRequest request,
      Authentication authentication) throws java.io.IOException {
    String csv = Csv.upload(request);
    return registry.importUsage(csv, authentication.getName());
  }

  // ---------------------------------------------------------------- registry

  /** What a person holds now, on a date ({@code at}: a date or date-time), or ever ({@code history=true}). */
  @GetMapping("/api/access/identities/{id}/grants")
  @PreAuthorize(READERS)
  List<Grant> grants(@PathVariable String id, @RequestParam(required = false) String at,
      @RequestParam(defaultValue = "false") boolean history) {
    Identity identity = identities.find(id).orElseThrow(() -> new NotFoundException("identity", id));
    List<Grant> grants;
    if (history) {
      grants = registry.history(identity.id());
    } else if (at != null) {
      grants = registry.heldAt(identity.id(), instant("at", at, true));
    } else {
      grants = registry.current(identity.id());
    }
    audit.record(AuditEvent.of("access.registry.read", "identity", identity.id()).detail("at", at)
        .detail("history", history).detail("grants", grants.size()).build());
    return grants;
  }

  /** The caller's own identity and grants. */
  @GetMapping("/api/access/me")
  Map<String, Object> me(Authentication authentication) {
    Identity identity = identities.findByUserName(authentication.getName())
        .orElseThrow(() -> new NotFoundException("identity of login", authentication.getName()));
    return Map.of("identity", identity, "grants", registry.current(identity.id()));
  }

  @GetMapping("/api/access/holders")
  @PreAuthorize(READERS)
  List<Grant> holders(@RequestParam String system, @RequestParam String entitlement) {
    if (!catalogue.systemIds().contains(system)) {
      throw new BadRequestException("system", "'" + system + "' is not a system of config/access.yaml");
    }
    if (catalogue.entitlement(system, entitlement).isEmpty()) {
      throw new BadRequestException("entitlement", "'" + entitlement + "' is not an entitlement of " + system);
    }
    var holders = registry.holders(system, entitlement);
    audit.record(AuditEvent.of("access.registry.read", "entitlement", system + "/" + entitlement)
        .detail("holders", holders.size()).build());
    return holders;
  }

  /** A grant's full history: the grant, the request and approvals that caused it, and its revocation. */
  @GetMapping("/api/access/grants/{id}")
  @PreAuthorize(READERS)
  Map<String, Object> grant(@PathVariable long id) {
    Grant grant = registry.find(id).orElseThrow(() -> new NotFoundException("grant", String.valueOf(id)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("grant", grant);
    body.put("request", grant.requestId() == null ? null : requests.find(grant.requestId()).orElse(null));
    body.put("revocations", revocations.ofGrant(id));
    audit.record(AuditEvent.of("access.registry.read", "access-grant", String.valueOf(id)).build());
    return body;
  }

  // ---------------------------------------------------------------- requests

  /** Starts {@code access-request} for the caller (a requester, or a line manager for a report). */
  @PostMapping("/api/access/requests")
  ResponseEntity<Map<String, String>> request(@jakarta.validation.Valid @RequestBody AccessRequests.NewRequest body, Authentication authentication) {
    if (body == null) {
      throw new BadRequestException("body", "is required");
    }
    List<String> groups = authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
    String id = requests.submit(body, authentication.getName(), groups);
    return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", id));
  }

  @GetMapping("/api/access/requests/{id}")
  AccessRequests.StoredRequest request(@PathVariable String id, Authentication authentication) {
    return requests.readBy(id, authentication.getName(),
        authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList());
  }

  /** What a request would conflict with, without requesting (the preventive check, for planning). */
  @PostMapping("/api/access/sod/check")
  @PreAuthorize(READERS)
  Map<String, Object> check(@RequestBody Map<String, Object> body) {
    Object identityId = body.get("identityId");
    Identity identity = identities.require("identityId", identityId == null ? null : identityId.toString());
    Object listed = body.get("entitlements");
    if (!(listed instanceof List<?> keys) || keys.isEmpty()) {
      throw InvalidInputException.of("entitlements", "name at least one entitlement as SYSTEM/ENTITLEMENT");
    }
    List<AccessCatalogue.SystemEntitlement> wanted = keys.stream().map(k -> {
      String[] parts = String.valueOf(k).split("/", 2);
      return catalogue.entitlement(parts[0], parts.length == 2 ? parts[1] : "")
          .map(e -> new AccessCatalogue.SystemEntitlement(parts[0], e))
          .orElseThrow(() -> InvalidInputException.of("entitlements", "'" + k + "' is not SYSTEM/ENTITLEMENT of config/access.yaml"));
    }).toList();
    return requests.sodCheck(identity.id(), wanted).asMap();
  }

  // ---------------------------------------------------------------- revocations

  record RevocationBody(String identityId, @org.itgc.platform.web.FitsColumn("access_revocation.reason") String reason, List<Long> grantIds,
      String triggeredAt, @org.itgc.platform.web.FitsColumn("access_revocation.source_ref") String sourceRef) {}

  /** Starts a revocation by hand (SoD remediation, or a certification revoke from outside). */
  @PostMapping("/api/access/revocations")
  @PreAuthorize(ADMINS)
  ResponseEntity<Map<String, Object>> revoke(@jakarta.validation.Valid @RequestBody RevocationBody body, Authentication authentication) {
    if (body == null || body.reason() == null) {
      throw InvalidInputException.of("reason", "is required: one of " + String.join(", ", Revocations.REASONS));
    }
    Instant triggered = body.triggeredAt() == null ? registry.now() : instant("triggeredAt", body.triggeredAt(), false);
    var id = revocations.start(body.identityId(), body.reason(), body.grantIds(), triggered, body.sourceRef(),
        authentication.getName());
    if (id.isEmpty()) {
      throw InvalidInputException.of("grantIds", body.identityId() + " holds no grant that is not already being revoked");
    }
    return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", id.get(), "items", revocations.itemsOf(id.get())));
  }

  @GetMapping("/api/access/revocations/{id}")
  @PreAuthorize(READERS)
  List<Revocations.Item> revocation(@PathVariable String id) {
    var items = revocations.itemsOf(id);
    if (items.isEmpty()) {
      throw new NotFoundException("revocation", id);
    }
    return items;
  }

  /** The SLA report's CSV columns (AC-02), one per removal. */
  static final Columns<Revocations.Item> REPORT_COLUMNS = Columns.of(Revocations.Item.class)
      .column("revocation_id", Revocations.Item::revocationId).column("identity_id", Revocations.Item::identityId)
      .column("identity_name", Revocations.Item::identityName).column("reason", Revocations.Item::reason)
      .column("triggered_at", Revocations.Item::triggeredAt).column("system_id", Revocations.Item::systemId)
      .column("entitlement_id", Revocations.Item::entitlementId).column("privileged", Revocations.Item::privileged)
      .column("sla_business_days", Revocations.Item::slaBusinessDays).column("deadline", Revocations.Item::deadline)
      .column("removed_at", Revocations.Item::removedAt).column("removed_by", Revocations.Item::removedBy)
      .column("business_days_taken", Revocations.Item::businessDaysTaken).column("met_sla", Revocations.Item::metSla)
      .column("status", Revocations.Item::status).column("exception_id", Revocations.Item::exceptionId)
      .column("grant_id", Revocations.Item::grantId);

  /** The measured SLA report (AC-02): every removal of the revocations triggered in [from, to). JSON or CSV. */
  @GetMapping("/api/access/revocations")
  @PreAuthorize(READERS)
  ResponseEntity<?> report(@RequestParam String from, @RequestParam String to,
      @RequestParam(defaultValue = "json") String format) {
    Instant start = instant("from", from, true);
    Instant end = instant("to", to, true);
    if (!end.isAfter(start)) {
      throw new BadRequestException("to", "must be after from");
    }
    if (!List.of("json", "csv").contains(format)) {
      throw new BadRequestException("format", "must be json or csv");
    }
    var items = revocations.report(start, end);
    audit.record(AuditEvent.of("access.revocations.read", "report", "revocation-sla").detail("from", from)
        .detail("to", to).detail("rows", items.size()).build());
    if ("json".equals(format)) {
      return ResponseEntity.ok(items);
    }
    return Csv.download("revocations-" + from + "-" + to + ".csv", REPORT_COLUMNS.names(), REPORT_COLUMNS.rows(items));
  }

  // ---------------------------------------------------------------- SoD

  @PostMapping("/api/access/sod/scans")
  @PreAuthorize("hasAnyAuthority('security-admin', 'governance-lead', 'engine-admin')")
  ResponseEntity<SodScan.Result> scan(Authentication authentication) {
    return scan.scan("on-demand", authentication.getName()).map(r -> ResponseEntity.status(HttpStatus.CREATED).body(r))
        .orElseThrow(() -> new ConflictException("a scan is running; try again when it has finished"));
  }

  @GetMapping("/api/access/sod/findings")
  @PreAuthorize(READERS)
  List<SodScan.Finding> findings(@RequestParam(defaultValue = "false") boolean all,
      @RequestParam(required = false) String identityId) {
    var findings = scan.findings(all, identityId);
    audit.record(AuditEvent.of("access.sod-findings.read", "report", "sod-findings").detail("rows", findings.size()).build());
    return findings;
  }

  @GetMapping("/api/access/sod/exceptions")
  @PreAuthorize(READERS)
  List<AccessRequestStore.SodException> exceptions() {
    return requestStore.exceptions();
  }

  private Instant instant(String field, String value, boolean dateAllowed) {
    try {
      return calendar.parseInstant(value);
    } catch (java.time.format.DateTimeParseException e) {
      throw new BadRequestException(field, "'" + value + "' is not a date (2026-11-30) or date-time (2026-11-30T17:00:00Z)");
    }
  }
}
