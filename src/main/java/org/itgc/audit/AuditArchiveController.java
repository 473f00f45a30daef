package org.itgc.audit;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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

/**
 * The archive tier over HTTP: archive what is due ({@link AuditArchiveWriter}), retrieve a period, verified
 * ({@link AuditArchive}), run the LG-02 retrieval test ({@link AuditArchiveRestoreTest}), list segments and tests
 * ({@link AuditArchiveStore}).
 */
@RestController
class AuditArchiveController {

  private static final String READERS = "hasAnyAuthority('auditor', 'security-admin', 'engine-admin')";

  private final AuditArchive archive;
  private final AuditArchiveWriter writer;
  private final AuditArchiveRestoreTest restoreTest;
  private final AuditArchiveStore store;
  private final AuditRetention retention;
  private final AuditRecorder audit;

  AuditArchiveController(AuditArchive archive, AuditArchiveWriter writer, AuditArchiveRestoreTest restoreTest,
      AuditArchiveStore store, AuditRetention retention, AuditRecorder audit) {
    this.archive = archive;
    this.writer = writer;
    this.restoreTest = restoreTest;
    this.store = store;
    this.retention = retention;
    this.audit = audit;
  }

  /** What one run of POST /api/audit/archive did, and the archive and hot tier after it. */
  @JsonPropertyOrder({"segments", "removedMonths", "expiredSegments", "hotMonths"})
  record Run(List<AuditArchiveStore.Segment> segments, List<String> removedMonths, List<String> expiredSegments,
      List<String> hotMonths) {}

  /**
   * Runs the archive's work that is due now (it also runs on its schedules): segments for closed months, removal of
   * archived months older than the hot period, deletion of segments past the archive's retention.
   */
  @PostMapping("/api/audit/archive")
  @PreAuthorize("hasAuthority('engine-admin')")
  Run archiveDue() throws IOException {
    writer.archiveDue();
    var removed = retention.removeDue();
    var expired = writer.expireDue();
    return new Run(store.segments(), removed.stream().map(Object::toString).toList(), expired,
        retention.hotMonths().stream().map(Object::toString).toList());
  }

  @GetMapping("/api/audit/archive/segments")
  @PreAuthorize(READERS)
  List<AuditArchiveStore.Segment> segments() {
    return store.segments();
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
  AuditArchiveRestoreTest.Result test(Authentication authentication) {
    return restoreTest.test(authentication.getName());
  }

  @GetMapping("/api/audit/archive/tests")
  @PreAuthorize(READERS)
  List<AuditArchiveStore.RetrievalTest> tests() {
    return store.tests();
  }
}
