package org.itgc.audit;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.ConflictException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The archive tier over HTTP: archive what is due, retrieve a period (verified), run the LG-02 retrieval test. */
@RestController
class AuditArchiveController {

  private static final String READERS = "hasAnyAuthority('auditor', 'security-admin', 'engine-admin')";

  private final AuditArchive archive;
  private final AuditRetention retention;
  private final AuditRecorder audit;

  AuditArchiveController(AuditArchive archive, AuditRetention retention, AuditRecorder audit) {
    this.archive = archive;
    this.retention = retention;
    this.audit = audit;
  }

  /**
   * Runs the archive's work that is due now (it also runs on its schedules): segments for closed months, removal of
   * archived months older than the hot period, deletion of segments past the archive's retention.
   */
  @PostMapping("/api/audit/archive")
  @PreAuthorize("hasAuthority('engine-admin')")
  Map<String, Object> archiveDue() throws IOException {
    archive.archiveDue();
    var removed = retention.removeDue();
    var expired = archive.expireDue();
    return Map.of("segments", archive.segments(), "removedMonths", removed.stream().map(Object::toString).toList(),
        "expiredSegments", expired, "hotMonths", retention.hotMonths().stream().map(Object::toString).toList());
  }

  @GetMapping("/api/audit/archive/segments")
  @PreAuthorize(READERS)
  List<Map<String, Object>> segments() {
    return archive.segments();
  }

  /** The archived events of [from, to), each segment verified before anything of it is returned. */
  @GetMapping("/api/audit/archive")
  @PreAuthorize(READERS)
  List<Map<String, Object>> retrieve(@RequestParam Instant from, @RequestParam Instant to) throws IOException {
    if (!to.isAfter(from)) {
      throw new BadRequestException("to", "must be after from");
    }
    try {
      var events = archive.retrieve(from, to);
      audit.record(AuditEvent.of("audit.archive.read", "audit-trail", "archive").detail("from", from.toString())
          .detail("to", to.toString()).detail("events", events.size()).build());
      return events;
    } catch (AuditArchive.TooMany e) {
      throw new BadRequestException("to", e.getMessage());
    } catch (AuditArchive.SegmentInvalid e) {
      audit.recordIndependently(AuditEvent.of("audit.archive.read", "audit-trail", "archive")
          .outcome(AuditEvent.Outcome.FAILURE).detail("problem", e.getMessage()).build());
      throw new ConflictException(e.getMessage() + ": nothing of the period is returned");
    }
  }

  /** The retrieval-and-restore test of control LG-02 (also quarterly): a random segment, verified and compared. */
  @PostMapping("/api/audit/archive/tests")
  @PreAuthorize("hasAnyAuthority('auditor', 'engine-admin')")
  Map<String, Object> test(Authentication authentication) {
    return archive.test(authentication.getName());
  }

  @GetMapping("/api/audit/archive/tests")
  @PreAuthorize(READERS)
  List<Map<String, Object>> tests() {
    return archive.tests();
  }
}
