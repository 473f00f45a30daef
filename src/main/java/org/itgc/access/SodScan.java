package org.itgc.access;

import org.itgc.platform.SchedulingConfiguration;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.itgc.access.SodRules.Conflict;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The detective SoD scan (control AC-05): every identity's current functions evaluated against the deployed
 * {@code sod-conflicts}, the same rule set as the preventive check. Findings keep the time they were first seen and
 * the exception that covers them; a conflict that is gone is resolved, never deleted. One scan at a time across nodes
 * (a transaction-scoped advisory lock); the whole scan is one transaction, so a node killed mid-scan leaves nothing
 * half-written.
 */
@Service
public class SodScan {

  private static final long LOCK = 0x17c5_0d5cL;

  private final JdbcTemplate jdbc;
  private final javax.sql.DataSource dataSource;
  private final TransactionTemplate transactions;
  private final AccessCatalogue catalogue;
  private final SodRules rules;
  private final AuditRecorder audit;
  private final Clock clock;
  private final EngineRoleReconciliation engineRoles;

  private final org.itgc.platform.ScheduledOnce once;
  private final AccessRequestStore requestStore;

  SodScan(JdbcTemplate jdbc, javax.sql.DataSource dataSource, TransactionTemplate transactions, AccessCatalogue catalogue, SodRules rules,
      AuditRecorder audit, Clock clock, EngineRoleReconciliation engineRoles, org.itgc.platform.ScheduledOnce once,
      AccessRequestStore requestStore) {
    this.requestStore = requestStore;
    this.engineRoles = engineRoles;
    this.once = once;
    this.jdbc = jdbc;
    this.dataSource = dataSource;
    this.transactions = transactions;
    this.catalogue = catalogue;
    this.rules = rules;
    this.audit = audit;
    this.clock = clock;
  }

  /** What a scan found. */
  public record Result(long scanId, int identities, int distinctFunctionSets, int conflicts, int newFindings,
      int resolvedFindings, int covered, String decisionDefinitionId, Instant startedAt, Instant finishedAt,
      long readMillis, long evaluateMillis, long writeMillis) {}

  /** A finding of the scans. */
  public record Finding(String identityId, String identityName, String ruleId, String risk, String description,
      Instant firstSeenAt, Instant resolvedAt, String exceptionId) {}

  @Scheduled(cron = "#{@accessCatalogue.sodScanSchedule()}", scheduler = SchedulingConfiguration.ACCESS)
  void scheduled() {
    scheduled(once.slot(catalogue.sodScanSchedule()));
  }

  /** The scheduled scan of one slot: on the one node that claims it. */
  boolean scheduled(java.time.Instant slot) {
    return once.runWithOutcome("sod-scan", slot, () -> {
      boolean scanned = scan("scheduled", "system").isPresent();
      // the same detective run checks that every engine role stands on a registry grant (audited with what it found),
      // whether or not the scan itself ran
      engineRoles.reconcileAndRaise();
      return scanned ? org.itgc.platform.ScheduledOnce.DONE
          : "skipped: another scan was still running (engine roles reconciled)";
    });
  }

  /** Runs a scan now; empty when another node or request is scanning. */
  public java.util.Optional<Result> scan(String kind, String startedBy) {
    return java.util.Optional.ofNullable(transactions.execute(status -> {
      Boolean locked = jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class, LOCK);
      if (!Boolean.TRUE.equals(locked)) {
        return null;
      }
      return run(kind, startedBy);
    }));
  }

  private Result run(String kind, String startedBy) {
    Instant started = clock.instant();
    SodRules.Batch batch = rules.batch();
    Long scanId = jdbc.queryForObject("""
        insert into sod_scan (kind, started_at, decision_definition_id, started_by) values (?, ?, ?, ?) returning id
        """, Long.class, kind, Timestamp.from(started), batch.decisionDefinitionId(), startedBy);
    Map<String, List<String>> functionsByEntitlement = new HashMap<>();
    catalogue.entitlements().forEach(e -> functionsByEntitlement.put(e.key(), e.entitlement().functions()));

    long t0 = System.nanoTime();
    // every identity's current functions, in one pass over the active grants
    Map<String, Set<String>> functions = new HashMap<>();
    jdbc.query("select identity_id, system_id, entitlement_id from access_grant where removed_at is null", rs -> {
      List<String> codes = functionsByEntitlement.get(rs.getString(2) + "/" + rs.getString(3));
      Set<String> held = functions.computeIfAbsent(rs.getString(1), k -> new TreeSet<>());
      if (codes != null) {
        held.addAll(codes);
      }
    });

    long t1 = System.nanoTime();
    // one evaluation per distinct set of functions
    Map<Set<String>, List<Conflict>> byFunctions = new HashMap<>();
    functions.values().forEach(set -> byFunctions.computeIfAbsent(set, batch::evaluate));

    long t2 = System.nanoTime();
    Map<String, String> exceptions = new HashMap<>();
    requestStore.activeExceptions(started).forEach(e -> exceptions.put(e.identityId() + "|" + e.ruleId(), e.id()));
    Map<String, String[]> open = new HashMap<>();
    jdbc.query("select identity_id, rule_id, first_seen_at, exception_id from sod_finding where resolved_at is null",
        rs -> {
          open.put(rs.getString(1) + "|" + rs.getString(2), new String[] {rs.getString(4),
              String.valueOf(rs.getTimestamp(3).getTime())});
        });

    List<Object[]> inserts = new ArrayList<>();
    List<Object[]> coverage = new ArrayList<>();
    int conflicts = 0;
    int covered = 0;
    Timestamp now = Timestamp.from(started);
    for (var entry : functions.entrySet()) {
      for (Conflict conflict : byFunctions.get(entry.getValue())) {
        conflicts++;
        String key = entry.getKey() + "|" + conflict.ruleId();
        String exception = exceptions.get(key);
        if (exception != null) {
          covered++;
        }
        String[] known = open.remove(key);
        if (known == null) {
          inserts.add(new Object[] {entry.getKey(), conflict.ruleId(), conflict.risk(), conflict.description(), now,
              scanId, exception});
        } else if (!java.util.Objects.equals(known[0], exception)) {
          coverage.add(new Object[] {exception, entry.getKey(), conflict.ruleId()});
        }
      }
    }
    List<Object[]> resolved = new ArrayList<>();
    open.keySet().forEach(key -> {
      String[] parts = key.split("\\|", 2);
      resolved.add(new Object[] {now, scanId, parts[0], parts[1]});
    });
    insertFindings(inserts, now, scanId);
    jdbc.batchUpdate("update sod_finding set exception_id = ? where identity_id = ? and rule_id = ? and resolved_at is null",
        coverage);
    jdbc.batchUpdate("""
        update sod_finding set resolved_at = ?, resolved_scan_id = ? where identity_id = ? and rule_id = ? and resolved_at is null
        """, resolved);
    Instant finished = clock.instant();
    jdbc.update("update sod_scan set finished_at = ?, identities = ?, conflicts = ? where id = ?",
        Timestamp.from(finished), functions.size(), conflicts, scanId);
    audit.record(AuditEvent.of("access.sod-scan", "sod-scan", String.valueOf(scanId)).actor(startedBy, null)
        .detail("kind", kind).detail("identities", functions.size()).detail("conflicts", conflicts)
        .detail("newFindings", inserts.size()).detail("newFindingsDigest", findingsDigest(inserts))
        .detail("resolvedFindings", resolved.size()).detail("covered", covered)
        .detail("decisionDefinitionId", batch.decisionDefinitionId()).build());
    return new Result(scanId, functions.size(), byFunctions.size(), conflicts, inserts.size(), resolved.size(), covered,
        batch.decisionDefinitionId(), started, finished, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
        (System.nanoTime() - t2) / 1_000_000);
  }

  /** New findings by COPY on the scan's own transaction: a first scan of a large population stores many. */
  /**
   * What an evidence pack recomputes from the table (AC-05): SHA-256 of the new findings' "identity|rule" lines,
   * sorted by their UTF-16 code units (Java's String order), joined by line feeds. The event stays small however many
   * findings a scan makes.
   */
  private static String findingsDigest(List<Object[]> inserts) {
    return org.itgc.controls.PopulationDigests.ofKeys(inserts.stream().map(row -> row[0] + "|" + row[1]).toList());
  }

  private void insertFindings(List<Object[]> rows, Timestamp seen, long scanId) {
    if (rows.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder(rows.size() * 80);
    for (Object[] row : rows) {
      text.append(copy((String) row[0])).append('\t').append(copy((String) row[1])).append('\t')
          .append(copy((String) row[2])).append('\t').append(copy((String) row[3])).append('\t')
          .append(row[6] == null ? "\\N" : copy((String) row[6])).append('\t').append(seen.toInstant()).append('\t')
          .append(scanId).append('\n');
    }
    java.sql.Connection connection = org.springframework.jdbc.datasource.DataSourceUtils.getConnection(dataSource);
    try {
      connection.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn("""
          copy sod_finding (identity_id, rule_id, risk, description, exception_id, first_seen_at, first_scan_id) from stdin
          """, new java.io.StringReader(text.toString()));
    } catch (java.sql.SQLException | java.io.IOException e) {
      throw new IllegalStateException("cannot store the scan's findings", e);
    } finally {
      org.springframework.jdbc.datasource.DataSourceUtils.releaseConnection(connection, dataSource);
    }
  }

  /** A value in COPY's text format. */
  private static String copy(String value) {
    return org.itgc.platform.PgCopy.escape(value);
  }

  /** Findings, open ones only unless {@code all}. */
  public List<Finding> findings(boolean all, String identityId) {
    StringBuilder sql = new StringBuilder("""
        select f.*, a.name from sod_finding f join access_identity a on a.id = f.identity_id where true
        """);
    List<Object> args = new ArrayList<>();
    if (!all) {
      sql.append(" and f.resolved_at is null");
    }
    if (identityId != null) {
      sql.append(" and f.identity_id = ?");
      args.add(identityId);
    }
    sql.append(" order by f.identity_id, f.rule_id, f.first_seen_at");
    return jdbc.query(sql.toString(), (rs, i) -> new Finding(rs.getString("identity_id"), rs.getString("name"),
        rs.getString("rule_id"), rs.getString("risk"), rs.getString("description"),
        rs.getTimestamp("first_seen_at").toInstant(),
        rs.getTimestamp("resolved_at") == null ? null : rs.getTimestamp("resolved_at").toInstant(),
        rs.getString("exception_id")), args.toArray());
  }
}
