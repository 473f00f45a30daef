package org.itgc.audit;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.itgc.platform.web.BadRequestException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Queries of the audit trail for auditors and security administrators. Each query is itself an audit event. Unknown
 * parameters are refused, so that a typo never returns an unfiltered answer that looks filtered.
 */
@RestController
@Validated
class AuditController {

  private static final Set<String> PARAMETERS = Set.of("actor", "action", "objectType", "objectId", "from", "to",
      "page", "size");

  private final AuditTrail trail;
  private final AuditRecorder audit;
  private final AuditSealer sealer;
  private final javax.sql.DataSource dataSource;

  AuditController(AuditTrail trail, AuditRecorder audit, AuditSealer sealer, javax.sql.DataSource dataSource) {
    this.trail = trail;
    this.audit = audit;
    this.sealer = sealer;
    this.dataSource = dataSource;
  }

  /** Verifies the whole chain against the checkpoints published outside the database. */
  @GetMapping("/api/audit/verify")
  @PreAuthorize("hasAnyAuthority('auditor', 'security-admin', 'engine-admin')")
  AuditVerifier.Result verify() throws java.io.IOException {
    sealer.seal();
    var result = AuditVerifier.verify(dataSource, sealer.checkpointFolder());
    audit.record(AuditEvent.of("audit.verify", "audit-trail", "chain").outcome(result.ok()
        ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE).detail("eventsVerified", result.eventsVerified())
        .detail("problem", result.problem()).build());
    return result;
  }

  @GetMapping("/api/audit/events")
  @PreAuthorize("hasAnyAuthority('auditor', 'security-admin', 'engine-admin')")
  List<StoredAuditEvent> events(@RequestParam Map<String, String> all,
      @RequestParam(required = false) String actor, @RequestParam(required = false) String action,
      @RequestParam(required = false) String objectType, @RequestParam(required = false) String objectId,
      @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
      @RequestParam(defaultValue = "0") @Min(0) int page,
      @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
    for (String name : all.keySet()) {
      if (!PARAMETERS.contains(name)) {
        throw new BadRequestException(name, "is not a query parameter; use one of " + PARAMETERS.stream().sorted().toList());
      }
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new BadRequestException("to", "must be after from");
    }
    var query = new AuditTrail.Query(actor, action, objectType, objectId, from, to, page, size);
    audit.record(AuditEvent.of("audit.query", "audit-trail", objectId)
        .detail("actor", actor).detail("action", action).detail("objectType", objectType)
        .detail("from", from == null ? null : from.toString()).detail("to", to == null ? null : to.toString())
        .detail("page", page).detail("size", size).build());
    return trail.find(query);
  }
}
