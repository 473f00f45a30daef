package org.itgc.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.itgc.access.Identities.RowError;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.concurrent.DelegatingSecurityContextRunnable;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;

/**
 * HR files imported as jobs. The file is read and checked as a whole first (its columns, every row's fields, HR's
 * manager chain); then its accepted rows are stored in batches, each batch in one transaction together with the job's
 * progress, so that the status resource says exactly how far a job got, also after its node stopped. A small file is
 * imported while its request waits; a large one (or one sent with {@code Prefer: respond-async}) on this node's import
 * thread, one job at a time.
 */
@Service
public class HrImports {

  /** Files of at most this many rows are imported while the request waits, unless asked otherwise. */
  public static final int WAIT_LIMIT_ROWS = 1_000;
  /** Rows stored per transaction. */
  static final int BATCH_ROWS = 1_000;
  /** Row errors listed in the status resource; all are counted. */
  static final int ERRORS_LISTED = 1_000;
  /** A running job whose progress is older than this has stopped with its node. */
  static final Duration STALLED_AFTER = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(HrImports.class);

  private final Identities identities;
  private final JdbcTemplate jdbc;
  private final AuditRecorder audit;
  private final AccessIds ids;
  private final ObjectMapper json;
  private final Clock clock;
  /** One import runs at a time on this node and one more may wait: a third is refused until one ends. */
  private final java.util.concurrent.ThreadPoolExecutor worker = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
      java.util.concurrent.TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(1), r -> {
        Thread thread = new Thread(r, "itgc-hr-import");
        thread.setDaemon(true);
        return thread;
      });
  /** The jobs this node has taken and not finished, to end them as failed when the node stops. */
  private final java.util.Set<String> unfinished = java.util.concurrent.ConcurrentHashMap.newKeySet();

  HrImports(Identities identities, JdbcTemplate jdbc, AuditRecorder audit, AccessIds ids, ObjectMapper json,
      Clock clock) {
    this.identities = identities;
    this.jdbc = jdbc;
    this.audit = audit;
    this.ids = ids;
    this.json = json;
    this.clock = clock;
  }

  /**
   * An import job as its status resource shows it. {@code state} is queued (waiting for the import thread), running,
   * done, failed, or interrupted (running on a node that stopped without ending it: the rows done are stored,
   * importing the same file again stores the rest and leaves those unchanged).
   */
  public record Job(String id, String state, int rows, int rowsDone, int created, int updated, int unchanged,
      int rejected, int hrEvents, int errorCount, List<RowError> errors, List<String> withoutManager,
      String fileSha256, long fileBytes, String startedBy, Instant startedAt, Instant progressAt, Instant finishedAt,
      String failure) {

    public boolean finished() {
      return !"running".equals(state) && !"queued".equals(state);
    }
  }

  /**
   * Starts importing an HR CSV file: checks it whole, records the job, then stores its rows: in this thread when the
   * file has at most {@link #WAIT_LIMIT_ROWS} rows and the caller did not ask otherwise (the answer is the finished
   * job), else on the import thread (the answer is the running job).
   *
   * @throws org.itgc.platform.web.InvalidInputException when the file is not CSV or lacks a column
   */
  public Job start(String text, String actor, boolean preferAsync) {
    Identities.PreparedImport prepared = identities.prepareCsv(text);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    String id = ids.next("HRI");
    Instant now = clock.instant();
    List<RowError> errors = prepared.errors();
    jdbc.update("""
        insert into access_import_job (id, kind, state, file_sha256, file_bytes, rows_total, rows_done, rejected,
            error_count, errors, started_by, started_at, progress_at)
        values (?, 'hr-csv', 'running', ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?)
        """, id, sha256(bytes), bytes.length, prepared.rows(), prepared.rows() - prepared.accepted().size(),
        rejectedRows(errors), errors.size(), toJson(errors.subList(0, Math.min(errors.size(), ERRORS_LISTED))),
        actor, Timestamp.from(now), Timestamp.from(now));
    audit.record(AuditEvent.of("access.hr-import.start", "hr-import", id).detail("rows", prepared.rows())
        .detail("fileSha256", sha256(bytes)).detail("fileBytes", bytes.length)
        .detail("refusedBeforeStoring", rejectedRows(errors)).build());
    if (!preferAsync && prepared.rows() <= WAIT_LIMIT_ROWS) {
      run(id, prepared, actor, true);
      return find(id).orElseThrow();
    }
    // the job runs as the person who started it, whatever their session does meanwhile (a logout), and its events
    // carry the address the file came from
    var snapshot = SecurityContextHolder.createEmptyContext();
    snapshot.setAuthentication(SecurityContextHolder.getContext().getAuthentication());
    jdbc.update("update access_import_job set state = 'queued' where id = ?", id);
    unfinished.add(id);
    try {
      String clientAddress = org.springframework.web.context.request.RequestContextHolder.getRequestAttributes()
          instanceof org.springframework.web.context.request.ServletRequestAttributes attributes
          ? attributes.getRequest().getRemoteAddr() : null;
      worker.execute(new DelegatingSecurityContextRunnable(() -> org.itgc.audit.OnBehalfOfRequest.run(clientAddress,
          () -> run(id, prepared, actor, false)), snapshot));
    } catch (java.util.concurrent.RejectedExecutionException busy) {
      unfinished.remove(id);
      String reason = "another HR import is running and one is waiting on this node; try again when one has ended";
      jdbc.update("update access_import_job set state = 'failed', failure = ?, finished_at = ? where id = ?", reason,
          Timestamp.from(clock.instant()), id);
      throw new org.itgc.platform.web.ConflictException(reason);
    }
    return find(id).orElseThrow();
  }

  public Optional<Job> find(String id) {
    return jdbc.query("select * from access_import_job where id = ?", this::map, id).stream().findFirst();
  }

  public List<Job> recent(int limit) {
    return jdbc.query("select * from access_import_job order by started_at desc, id desc limit ?", this::map, limit);
  }

  /**
   * Stores the accepted rows batch by batch. A failure ends the job as failed (the rows of the batches before it are
   * stored); a caller that waits gets the failure itself ({@code rethrow}: a 503 for an outage, else a 500).
   */
  private void run(String id, Identities.PreparedImport prepared, String actor, boolean rethrow) {
    List<Identities.CsvLine> lines = prepared.accepted();
    try {
      jdbc.update("update access_import_job set state = 'running', progress_at = ? where id = ?",
          Timestamp.from(clock.instant()), id);
      for (int from = 0; from < lines.size(); from += BATCH_ROWS) {
        List<Identities.CsvLine> batch = lines.subList(from, Math.min(lines.size(), from + BATCH_ROWS));
        identities.storeBatch(batch, actor, outcome -> progress(id, outcome));
      }
      // who of this file HR leaves without a line manager who could approve, by the same rule as the finding
      java.util.Set<String> ids = new java.util.HashSet<>();
      lines.forEach(line -> ids.add(line.identity().id()));
      List<String> withoutManager = identities.withoutManager().stream()
          .map(Identities.ManagerFinding::identityId).filter(ids::contains).toList();
      jdbc.update("""
          update access_import_job set state = 'done', finished_at = ?, progress_at = ?,
              without_manager = cast(? as jsonb) where id = ?
          """, Timestamp.from(clock.instant()), Timestamp.from(clock.instant()), toJson(withoutManager), id);
      Job job = find(id).orElseThrow();
      audit.record(AuditEvent.of("access.hr-import", "hr-feed", "csv").actor(actor, null).detail("job", id)
          .detail("rows", job.rows()).detail("created", job.created()).detail("updated", job.updated())
          .detail("unchanged", job.unchanged()).detail("rejected", job.rejected()).detail("events", job.hrEvents())
          .detail("fileSha256", job.fileSha256()).build());
    } catch (RuntimeException e) {
      log.error("HR import {} failed", id, e);
      String reason = org.itgc.platform.web.DatabaseOutage.isOutage(e)
          ? "the database could not be reached; import the same file again (stored rows stay unchanged)"
          : "an unexpected error stopped the import; the rows done are stored, the log names the cause";
      jdbc.update("update access_import_job set state = 'failed', failure = ?, finished_at = ? where id = ?", reason,
          Timestamp.from(clock.instant()), id);
      audit.recordIndependently(AuditEvent.of("access.hr-import.fail", "hr-import", id).actor(actor, null)
          .detail("reason", reason).build());
      if (rethrow) {
        throw e;
      }
    } finally {
      unfinished.remove(id);
    }
  }

  /** Adds a batch's outcome to the job, in the batch's own transaction (see {@link Identities#storeBatch}). */
  private void progress(String id, Identities.BatchOutcome outcome) {
    List<RowError> errors = outcome.errors();
    jdbc.update("""
        update access_import_job set rows_done = rows_done + ?, created = created + ?, updated = updated + ?,
            unchanged = unchanged + ?, hr_events = hr_events + ?, rejected = rejected + ?,
            error_count = error_count + ?, progress_at = ?,
            errors = (select coalesce(jsonb_agg(e), '[]'::jsonb) from
                (select e from jsonb_array_elements(errors || cast(? as jsonb)) e limit ?) listed)
        where id = ?
        """, outcome.rows(), outcome.created(), outcome.updated(), outcome.unchanged(), outcome.hrEvents(),
        rejectedRows(errors), errors.size(), Timestamp.from(clock.instant()), toJson(errors), ERRORS_LISTED, id);
  }

  /** A stopping node ends its jobs: the running one after its current batch, the waiting one at once, as failed. */
  @PreDestroy
  void stop() throws InterruptedException {
    worker.shutdownNow();
    worker.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    for (String id : List.copyOf(unfinished)) {
      try {
        jdbc.update("""
            update access_import_job set state = 'failed', finished_at = ?,
                failure = 'the node stopped; import the same file again (stored rows stay unchanged)'
            where id = ? and state in ('queued', 'running')
            """, Timestamp.from(clock.instant()), id);
      } catch (RuntimeException e) {
        log.warn("HR import {} could not be ended as the node stopped; it shows as interrupted", id, e);
      }
    }
  }

  private static int rejectedRows(List<RowError> errors) {
    return (int) errors.stream().map(RowError::line).distinct().count();
  }

  private Job map(ResultSet rs, int row) throws SQLException {
    String state = rs.getString("state");
    Instant progress = rs.getTimestamp("progress_at").toInstant();
    if ("running".equals(state) && progress.plus(STALLED_AFTER).isBefore(clock.instant())) {
      state = "interrupted";
    }
    Timestamp finished = rs.getTimestamp("finished_at");
    return new Job(rs.getString("id"), state, rs.getInt("rows_total"), rs.getInt("rows_done"), rs.getInt("created"),
        rs.getInt("updated"), rs.getInt("unchanged"), rs.getInt("rejected"), rs.getInt("hr_events"),
        rs.getInt("error_count"), read(rs.getString("errors"), new TypeReference<List<RowError>>() {}),
        read(rs.getString("without_manager"), new TypeReference<List<String>>() {}), rs.getString("file_sha256"),
        rs.getLong("file_bytes"), rs.getString("started_by"), rs.getTimestamp("started_at").toInstant(), progress,
        finished == null ? null : finished.toInstant(), rs.getString("failure"));
  }

  private <T> T read(String text, TypeReference<T> type) {
    try {
      return json.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
