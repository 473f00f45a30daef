package org.itgc.logs;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The logs' archive tier over HTTP, as the audit trail's: run what is due (archive, hot-tier removal, expiry), list
 * segments, removals and retrieval tests, run the LG-02 retrieval test.
 */
@RestController
class LogArchiveController {

  private static final String READERS = "hasAnyAuthority('auditor', 'security-admin', 'engine-admin')";

  private final LogRetention retention;
  private final LogArchiveTest retrievalTest;
  private final LogArchiveStore store;

  LogArchiveController(LogRetention retention, LogArchiveTest retrievalTest, LogArchiveStore store) {
    this.retention = retention;
    this.retrievalTest = retrievalTest;
    this.store = store;
  }

  /** What one run of POST /api/logs/archive did, and the archive and hot tier after it. */
  @JsonPropertyOrder({"written", "removedMonths", "expiredSegments", "segments", "hotMonths"})
  record Run(List<String> written, List<String> removedMonths, List<String> expiredSegments,
      List<LogArchiveStore.Segment> segments, List<String> hotMonths) {}

  @PostMapping("/api/logs/archive")
  @PreAuthorize("hasAuthority('engine-admin')")
  Run archiveDue() throws IOException {
    var written = retention.archiveDue();
    var removed = retention.removeDue();
    var expired = retention.expireDue();
    return new Run(written.stream().map(LogArchive.Written::label).toList(),
        removed.stream().map(Object::toString).toList(), expired, store.segments(),
        retention.hotMonths().stream().map(Object::toString).toList());
  }

  @GetMapping("/api/logs/archive/segments")
  @PreAuthorize(READERS)
  List<LogArchiveStore.Segment> segments() {
    return store.segments();
  }

  @GetMapping("/api/logs/archive/removals")
  @PreAuthorize(READERS)
  List<LogArchiveStore.Removal> removals() {
    return store.removals();
  }

  /** The retrieval test of control LG-02 (also quarterly): a random segment, verified and compared. */
  @PostMapping("/api/logs/archive/tests")
  @PreAuthorize("hasAnyAuthority('auditor', 'engine-admin')")
  LogArchiveTest.Result test(Authentication authentication) {
    return retrievalTest.test(authentication.getName());
  }

  @GetMapping("/api/logs/archive/tests")
  @PreAuthorize(READERS)
  List<LogArchiveStore.RetrievalTest> tests() {
    return store.tests();
  }
}
