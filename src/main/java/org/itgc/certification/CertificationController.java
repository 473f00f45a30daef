package org.itgc.certification;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.csv.Csv;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.xlsx.Xlsx;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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
 * Certification campaigns over HTTP: start (returns at once, the launch runs in the background), progress per
 * reviewer, a reviewer's worklist and decisions (only their own items), reassignment, closing by hand, and the report
 * in JSON, CSV and XLSX.
 */
@RestController
class CertificationController {

  static final List<String> READER_ROLES = List.of("governance-lead", "auditor", "security-admin", "engine-admin");
  static final String READERS = "hasAnyAuthority('governance-lead', 'auditor', 'security-admin', 'engine-admin')";
  private final Campaigns campaigns;
  private final AuditRecorder audit;

  CertificationController(Campaigns campaigns, AuditRecorder audit) {
    this.campaigns = campaigns;
    this.audit = audit;
  }

  @PostMapping("/api/certifications")
  ResponseEntity<Map<String, Object>> start(@jakarta.validation.Valid @RequestBody(required = false) Campaigns.NewCampaign body,
      Authentication authentication) {
    Campaigns.NewCampaign request = body == null ? new Campaigns.NewCampaign(null, null, null, null, null, null) : body;
    String id = campaigns.start(request, authentication.getName(), roles(authentication));
    return ResponseEntity.status(HttpStatus.ACCEPTED).header(HttpHeaders.LOCATION, "/api/certifications/" + id)
        .body(Map.of("id", id, "status", "launching", "progress", "/api/certifications/" + id));
  }

  /** The campaign and each reviewer's progress; a reviewer sees their own line only. */
  @GetMapping("/api/certifications/{id}")
  Campaigns.Progress progress(@PathVariable String id, Authentication authentication) {
    Campaigns.Progress progress = campaigns.progress(id);
    if (isReader(authentication)) {
      return progress;
    }
    var own = progress.reviewers().stream().filter(r -> authentication.getName().equals(r.reviewer())).toList();
    if (own.isEmpty()) {
      throw new AccessDeniedException("only reviewers of " + id + " and the governance roles see its progress");
    }
    return new Campaigns.Progress(progress.campaign(), own);
  }

  /** The caller's own items, 50 (at most 500) a page after the item id {@code after}. */
  @GetMapping("/api/certifications/{id}/worklist")
  Campaigns.Worklist worklist(@PathVariable String id, @RequestParam(required = false) String system,
      @RequestParam(required = false) String entitlement, @RequestParam(required = false) String flag,
      @RequestParam(defaultValue = "false") boolean open, @RequestParam(required = false) Long after,
      @RequestParam(defaultValue = "50") int size, Authentication authentication) {
    if (size < 1 || size > 500) {
      throw new BadRequestException("size", "must be between 1 and 500");
    }
    return campaigns.worklist(id, authentication.getName(), blank(system), blank(entitlement), blank(flag), open, after,
        size);
  }

  record DecisionBody(List<Long> itemIds, String decision,
      @org.itgc.platform.web.FitsColumn(value = "cert_item.decision_reason", max = 4000) String reason) {}

  @PostMapping("/api/certifications/{id}/decisions")
  Map<String, Object> decide(@PathVariable String id, @jakarta.validation.Valid @RequestBody DecisionBody body, Authentication authentication) {
    if (body == null) {
      throw new BadRequestException("body", "is required: {itemIds, decision, reason}");
    }
    return campaigns.decide(id, authentication.getName(), body.itemIds(), body.decision(), body.reason());
  }

  record ReassignBody(List<Long> itemIds, String to,
      @org.itgc.platform.web.FitsColumn(value = "cert_reassignment.reason", max = 4000) String reason) {}

  @PostMapping("/api/certifications/{id}/reassignments")
  Map<String, Object> reassign(@PathVariable String id, @jakarta.validation.Valid @RequestBody ReassignBody body, Authentication authentication) {
    if (body == null) {
      throw new BadRequestException("body", "is required: {itemIds, to, reason}");
    }
    boolean lead = roles(authentication).contains("governance-lead");
    return campaigns.reassign(id, authentication.getName(), lead, body.itemIds(), body.to(), body.reason());
  }

  @PostMapping("/api/certifications/{id}/close")
  @PreAuthorize("hasAuthority('governance-lead')")
  ResponseEntity<CampaignStore.Campaign> close(@PathVariable String id, Authentication authentication) {
    campaigns.requestClose(id, authentication.getName());
    return ResponseEntity.ok(campaigns.campaign(id));
  }

  /** The closure report: JSON, or CSV of the items, or a workbook of campaign, items, reassignments and notices. */
  @GetMapping("/api/certifications/{id}/report")
  @PreAuthorize(READERS)
  ResponseEntity<?> report(@PathVariable String id, @RequestParam(defaultValue = "json") String format) {
    if (!List.of("json", "csv", "xlsx").contains(format)) {
      throw new BadRequestException("format", "must be json, csv or xlsx");
    }
    CampaignClosure.Report report = campaigns.report(id);
    audit.record(AuditEvent.of("certification.report.read", "campaign", id).detail("format", format).build());
    if ("json".equals(format)) {
      return ResponseEntity.ok(report);
    }
    var items = CampaignStore.ReportItem.COLUMNS;
    if ("csv".equals(format)) {
      return Csv.download("certification-" + id + "-items.csv", items.names(), items.rows(report.items()));
    }
    Map<String, Object> campaign = report.campaign().columns();
    List<List<?>> summary = new ArrayList<>();
    for (var entry : campaign.entrySet()) {
      summary.add(java.util.Arrays.asList(entry.getKey(), cell(entry.getValue())));
    }
    summary.add(List.of("recomputed_digest", report.recomputedDigest()));
    byte[] workbook = new Xlsx()
        .sheet("Campaign", List.of("field", "value"), summary)
        .sheet("Items", items.names(), items.rows(report.items()))
        .sheet("Reassignments", CampaignStore.Reassignment.COLUMNS.names(),
            CampaignStore.Reassignment.COLUMNS.rows(report.reassignments()))
        .sheet("Notices", CampaignStore.Notice.COLUMNS.names(), CampaignStore.Notice.COLUMNS.rows(report.notices()))
        .bytes();
    return ResponseEntity.ok().header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"certification-" + id + ".xlsx\"")
        .contentType(MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        .body(workbook);
  }

  private static Object cell(Object value) {
    if (value instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (value instanceof java.time.Instant i) {
      return i.toString();
    }
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      return value.toString();
    }
    return value;
  }

  private static boolean isReader(Authentication authentication) {
    return roles(authentication).stream().anyMatch(READER_ROLES::contains);
  }

  private static List<String> roles(Authentication authentication) {
    return authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
  }

  private static String blank(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

}
