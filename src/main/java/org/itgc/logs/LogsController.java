package org.itgc.logs;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.itgc.platform.csv.Csv;
import org.itgc.platform.web.BadRequestException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The auditor's questions over the logs, and the state of each source (docs/logs.md). */
@RestController
@PreAuthorize("hasAnyAuthority('auditor', 'governance-lead', 'security-admin')")
class LogsController {

  private final LogQueries queries;
  private final LogSources sources;
  private final LogForwarder forwarder;
  private final LogPacks packs;
  private final LogFindings findings;

  LogsController(LogQueries queries, LogSources sources, LogForwarder forwarder, LogPacks packs,
      LogFindings findings) {
    this.queries = queries;
    this.sources = sources;
    this.forwarder = forwarder;
    this.packs = packs;
    this.findings = findings;
  }

  /** The watcher's findings whose first event occurred in [from, to), of a system, rule, actor; JSON or CSV. */
  @GetMapping("/api/logs/findings")
  Object findings(@RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
      @RequestParam(required = false) String system, @RequestParam(required = false) String rule,
      @RequestParam(required = false) String actor, @RequestParam(defaultValue = "json") String format) {
    if (!List.of("json", "csv").contains(format)) {
      throw new BadRequestException("format", "must be json or csv");
    }
    var list = findings.list(from, to, system, rule, actor, format);
    if (format.equals("json")) {
      return list;
    }
    return Csv.download("log-findings.csv", LogFindings.COLUMNS.names(), LogFindings.COLUMNS.rows(list));
  }

  /** Who touched object {type}/{id} in [from, to): every read and change, each with its inclusion proof. */
  @GetMapping("/api/logs/objects/{type}/{id}")
  LogQueries.Answer object(@PathVariable String type, @PathVariable String id,
      @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to) {
    return answered(() -> queries.byObject(type, id, from, to));
  }

  /** What person {actor} did in [from, to), each event with its inclusion proof. */
  @GetMapping("/api/logs/actors/{actor}")
  LogQueries.Answer actor(@PathVariable String actor, @RequestParam(required = false) Instant from,
      @RequestParam(required = false) Instant to) {
    return answered(() -> queries.byActor(actor, from, to));
  }

  /** A segment of the archive that fails verification refuses the whole answer: 409 naming it and what is wrong. */
  private static LogQueries.Answer answered(java.util.function.Supplier<LogQueries.Answer> query) {
    try {
      return query.get();
    } catch (LogArchive.SegmentInvalid e) {
      throw new org.itgc.platform.web.ConflictException(e.getMessage() + ": nothing of the period is returned");
    }
  }

  /** The evidence pack of object {type}/{id} in [from, to): a signed ZIP that verifies offline (docs/logs.md). */
  @GetMapping("/api/logs/objects/{type}/{id}/pack")
  ResponseEntity<byte[]> objectPack(@PathVariable String type, @PathVariable String id,
      @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
      Authentication authentication) {
    return download(packs.ofObject(type, id, from, to, authentication.getName()));
  }

  /** The evidence pack of what person {actor} did in [from, to). */
  @GetMapping("/api/logs/actors/{actor}/pack")
  ResponseEntity<byte[]> actorPack(@PathVariable String actor, @RequestParam(required = false) Instant from,
      @RequestParam(required = false) Instant to, Authentication authentication) {
    return download(packs.ofActor(actor, from, to, authentication.getName()));
  }

  static ResponseEntity<byte[]> download(LogPacks.Pack pack) {
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + pack.fileName() + "\"")
        .header("X-Pack-Id", pack.id()).header("X-Pack-SHA256", pack.sha256())
        .contentType(MediaType.parseMediaType("application/zip")).body(pack.zip());
  }

  /** Per system: received, mapped, kept raw (unmapped), last received; and the quarantine. */
  @GetMapping("/api/logs/sources")
  Map<String, List<Map<String, Object>>> sources() {
    return Map.of("sources", queries.sources(sources.systems()));
  }

  /** Per forwarding destination: cursor, lag, delivered, dead letters with their reasons, last error, stall. */
  @GetMapping("/api/logs/forwarding")
  Map<String, List<Map<String, Object>>> forwarding() {
    return Map.of("destinations", forwarder.status());
  }
}
