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
  private final AuditChainReads reads;
  private final AuditCheckpoints checkpoints;
  private final AuditArchive archive;

  AuditController(AuditTrail trail, AuditRecorder audit, AuditSealer sealer, javax.sql.DataSource dataSource,
      AuditChainReads reads, AuditCheckpoints checkpoints, AuditArchive archive) {
    this.checkpoints = checkpoints;
    this.archive = archive;
    this.reads = reads;
    this.trail = trail;
    this.audit = audit;
    this.sealer = sealer;
    this.dataSource = dataSource;
  }

  /** The audit key that signs checkpoints and packs: its id, fingerprint (what auditors pin) and public half. */
  @GetMapping("/api/audit/signing-key")
  @PreAuthorize("hasAnyAuthority('auditor', 'security-admin', 'engine-admin', 'governance-lead')")
  java.util.Map<String, Object> signingKey() {
    return java.util.Map.of("keyId", sealer.key().keyId(), "fingerprint", sealer.key().fingerprint(),
        "publicKeyPem", sealer.key().publicPem(), "trustedFingerprints", sealer.trustedFingerprints());
  }

  /** The signed checkpoints (newest first), as published to the checkpoint folder and the audit mailbox. */
  @GetMapping("/api/audit/checkpoints")
  @PreAuthorize("hasAnyAuthority('auditor', 'security-admin', 'engine-admin')")
  List<AuditCheckpoints.Checkpoint> checkpoints(@RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
    // createdAt exactly as signed (AuditChain.checkpointText): the instant's ISO text, microseconds as stored
    return checkpoints.newest(size);
  }

  /**
   * The chain itself, for auditors who re-perform the verification with their own script (docs/audit-format.md): the
   * links fromSeq.. (at most size), each with its format, previous hash, hash and canonical content; links that have
   * left the hot tier come from the archive's verified segments.
   */
  @GetMapping("/api/audit/chain")
  @PreAuthorize("hasAnyAuthority('auditor', 'security-admin', 'engine-admin')")
  Map<String, Object> chain(@RequestParam(defaultValue = "1") @Min(1) long fromSeq,
      @RequestParam(defaultValue = "1000") @Min(1) @Max(10000) int size) throws java.io.IOException {
    long head = reads.head();
    long last = Math.min(head, fromSeq + size - 1);
    List<AuditArchive.ChainLink> links = fromSeq > last ? List.of() : archive.chainLinks(fromSeq, last);
    audit.record(AuditEvent.of("audit.chain-read", "audit-trail", "chain").detail("fromSeq", fromSeq)
        .detail("links", links.size()).build());
    Map<String, Object> page = new java.util.LinkedHashMap<>();
    page.put("head", head);
    page.put("links", links);
    return page;
  }

  /**
   * Events sealed long after the time they carry: the database stamps an event when it is inserted, so a transaction
   * held open commits events that look older than they are; the link's sealing time bounds the commit. Each one here
   * deserves a question (a long import, or an attempt to back-date).
   */
  @GetMapping("/api/audit/late-commits")
  @PreAuthorize("hasAnyAuthority('auditor', 'security-admin', 'engine-admin')")
  List<AuditChainReads.LateSealed> lateCommits(@RequestParam(defaultValue = "300") @Min(1) int seconds,
      @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
    audit.record(AuditEvent.of("audit.late-commits.read", "audit-trail", "chain").detail("seconds", seconds).build());
    return reads.sealedLate(seconds, size);
  }

  /** Key rotations, each signed by the previous key (docs/audit-format.md). */
  @GetMapping("/api/audit/key-rotations")
  @PreAuthorize("hasAnyAuthority('auditor', 'security-admin', 'engine-admin')")
  List<AuditChainReads.KeyRotation> keyRotations() {
    return reads.keyRotations();
  }

  /** Verifies the whole chain against the checkpoints published outside the database. */
  @GetMapping("/api/audit/verify")
  @PreAuthorize("hasAnyAuthority('auditor', 'security-admin', 'engine-admin')")
  AuditVerifier.Result verify() throws java.io.IOException {
    var result = sealer.verifySealed(dataSource);
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
