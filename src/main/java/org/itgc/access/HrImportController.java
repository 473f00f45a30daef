package org.itgc.access;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.web.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * HR files over HTTP, and the people HR leaves without a line manager. {@code POST /api/access/identities/import} checks the file whole (a file that is not CSV or
 * lacks a column is refused at once, 400), then imports it as a job: a file of at most 1,000 rows answers 200 with the
 * finished job; a larger one, or any sent with {@code Prefer: respond-async} (RFC 7240), answers 202 Accepted while it
 * runs. Either way {@code Location} names the job's status resource: rows done, counts, and the row errors so far.
 */
@RestController
class HrImportController {

  private final HrImports imports;
  private final Identities identities;
  private final AuditRecorder audit;

  HrImportController(HrImports imports, Identities identities, AuditRecorder audit) {
    this.imports = imports;
    this.identities = identities;
    this.audit = audit;
  }

  /** Active people whose line manager's approval nobody in HR's chain can give (a finding for HR to correct). */
  @GetMapping("/api/access/identities/without-manager")
  @PreAuthorize(AccessController.READERS)
  List<Identities.ManagerFinding> withoutManager() {
    var findings = identities.withoutManager();
    audit.record(AuditEvent.of("access.identities-without-manager.read", "report", "identities-without-manager")
        .detail("rows", findings.size()).build());
    return findings;
  }

  @PostMapping(path = "/api/access/identities/import", consumes = {"text/csv", "text/plain"})
  @PreAuthorize(AccessController.ADMINS)
  ResponseEntity<HrImports.Job> start(jakarta.servlet.http.HttpServletRequest request,
      @RequestHeader(name = "Prefer", required = false) String prefer, Authentication authentication)
      throws java.io.IOException {
    String csv = org.itgc.platform.csv.Csv.upload(request);
    boolean async = prefer != null && prefer.toLowerCase(Locale.ROOT).contains("respond-async");
    HrImports.Job job = imports.start(csv, authentication.getName(), async);
    return ResponseEntity.status(job.finished() ? HttpStatus.OK : HttpStatus.ACCEPTED)
        .location(URI.create("/api/access/identities/imports/" + job.id())).body(job);
  }

  @GetMapping("/api/access/identities/imports/{id}")
  @PreAuthorize(AccessController.ADMINS)
  HrImports.Job job(@PathVariable String id) {
    return imports.find(id).orElseThrow(() -> new NotFoundException("HR import", id));
  }

  @GetMapping("/api/access/identities/imports")
  @PreAuthorize(AccessController.ADMINS)
  List<HrImports.Job> recent() {
    return imports.recent(50);
  }
}
