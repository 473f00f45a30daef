package org.itgc.logs;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
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

  LogsController(LogQueries queries, LogSources sources, LogForwarder forwarder) {
    this.queries = queries;
    this.sources = sources;
    this.forwarder = forwarder;
  }

  /** Who touched object {type}/{id} in [from, to): every read and change, each with its inclusion proof. */
  @GetMapping("/api/logs/objects/{type}/{id}")
  LogQueries.Answer object(@PathVariable String type, @PathVariable String id,
      @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to) {
    return queries.byObject(type, id, from, to);
  }

  /** What person {actor} did in [from, to), each event with its inclusion proof. */
  @GetMapping("/api/logs/actors/{actor}")
  LogQueries.Answer actor(@PathVariable String actor, @RequestParam(required = false) Instant from,
      @RequestParam(required = false) Instant to) {
    return queries.byActor(actor, from, to);
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
