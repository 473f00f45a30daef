package org.itgc.logs;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.csv.Columns;
import org.itgc.platform.web.BadRequestException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The watcher's findings as an auditor lists them (docs/logs.md, "The watcher's findings"): each rule that fired, once
 * per rule, system, actor, object and hour, with its repeats, the record that fired it first, the decision's definition
 * and version with the inputs it was given, and the control exception it raised. Every listing is audited.
 */
@Service
public class LogFindings {

  private final LogWatchStore store;
  private final LogSources sources;
  private final AuditRecorder audit;
  private final java.time.Clock clock;
  private final int max;

  LogFindings(LogWatchStore store, LogSources sources, AuditRecorder audit, java.time.Clock clock,
      @Value("${itgc.logs.query-max:10000}") int max) {
    this.store = store;
    this.sources = sources;
    this.clock = clock;
    this.audit = audit;
    this.max = max;
  }

  /**
   * One finding. {@code object} is {@code type/id} (null when the event named none); {@code occurredAt} is the time
   * of the event that fired it first ({@code firstRecordId}), {@code hour} the hour it and its repeats fell in;
   * {@code inputs} the decision's inputs as JSON; {@code exceptionId} the control exception raised.
   */
  public record Finding(String ruleId, String severity, String controlId, String system, String actor, String object,
      Instant occurredAt, Instant hour, int repeats, long firstRecordId, String decisionDefinitionId,
      int decisionVersion, @JsonRawValue String inputs, Long exceptionId, Instant firedAt) {}

  /** The CSV's columns, in the JSON's order. */
  public static final Columns<Finding> COLUMNS = Columns.of(Finding.class).column("rule_id", Finding::ruleId)
      .column("severity", Finding::severity).column("control_id", Finding::controlId)
      .column("system_id", Finding::system).column("actor", Finding::actor).column("object", Finding::object)
      .column("occurred_at", Finding::occurredAt).column("hour", Finding::hour).column("repeats", Finding::repeats)
      .column("first_record_id", Finding::firstRecordId)
      .column("decision_definition_id", Finding::decisionDefinitionId)
      .column("decision_version", Finding::decisionVersion).column("inputs", Finding::inputs)
      .column("exception_id", Finding::exceptionId).column("fired_at", Finding::firedAt);

  /**
   * The findings whose first event occurred in [from, to) (without a bound: the whole store), of the system, rule and
   * actor when given. A system must be one the engine collects logs of; more than {@code itgc.logs.query-max}
   * findings is a 400 asking for a shorter period.
   */
  public List<Finding> list(Instant from, Instant to, String system, String rule, String actor, String format) {
    Instant start = from == null ? LogMapper.EARLIEST : from;
    Instant end = to == null ? clock.instant().plus(LogMapper.MAX_AHEAD).plusSeconds(1) : to;
    if (!end.isAfter(start)) {
      throw new BadRequestException("to", "must be after from");
    }
    String sys = blankToNull(system);
    Set<String> known = sources.systems();
    if (sys != null && !known.contains(sys)) {
      throw new BadRequestException("system", "'" + sys + "' is not a system whose logs the engine collects ("
          + String.join(", ", new java.util.TreeSet<>(known)) + ")");
    }
    List<Finding> findings = store.findings(start, end, sys, blankToNull(rule), blankToNull(actor), max + 1);
    if (findings.size() > max) {
      throw new BadRequestException("to", "the period holds more than " + max + " findings: ask for a shorter one");
    }
    audit.record(AuditEvent.of("logs.findings.read", "report", "log-findings").detail("from", start.toString())
        .detail("to", end.toString()).detail("system", sys).detail("rule", blankToNull(rule))
        .detail("actor", blankToNull(actor)).detail("format", format).detail("rows", findings.size()).build());
    return findings;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
