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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.itgc.access.Identities.RowError;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.concurrent.DelegatingSecurityContextRunnable;
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
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "itgc-hr-import");
    thread.setDaemon(true);
    return thread;
  });

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
   * An import job as its status resource shows it. {@code state} is running, done, failed, or interrupted (running
   * on a node that stopped: the rows done are stored, importing the same file again stores the rest and leaves those
   * unchanged).
   */
  public record Job(String id, String state, int rows, int rowsDone, int created, int updated, int unchanged,
      int rejected, int hrEvents, int errorCount, List<RowError> errors, List<String> withoutManager,
      String fileSha256, long fileBytes, String startedBy, Instant startedAt, Instant progressAt, Instant finishedAt,
      String failure) {

    public boolean finished() {
      return !"running".equals(state);
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
            error_count, errors, without_manager, started_by, started_at, progress_at)
        values (?, 'hr-csv', 'running', ?, ?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), ?, ?, ?)
        """, id, sha256(bytes), bytes.length, prepared.rows(), prepared.rows() - prepared.accepted().size(),
        rejectedRows(errors), errors.size(), toJson(errors.subList(0, Math.min(errors.size(), ERRORS_LISTED))),
        toJson(prepared.withoutManager()), actor, Timestamp.from(now), Timestamp.from(now));
    audit.record(AuditEvent.of("access.hr-import.start", "hr-import", id).detail("rows", prepared.rows())
        .detail("fileSha256", sha256(bytes)).detail("fileBytes", bytes.length)
        .detail("refusedBeforeStoring", rejectedRows(errors)).build());
    Runnable run = () -> run(id, prepared, actor);
    if (!preferAsync && prepared.rows() <= WAIT_LIMIT_ROWS) {
      run.run();
    } else {
      worker.execute(new DelegatingSecurityContextRunnable(run));
    }
    return find(id).orElseThrow();
  }

  public Optional<Job> find(String id) {
    return jdbc.query("select * from access_import_job where id = ?", this::map, id).stream().findFirst();
  }

  public List<Job> recent(int limit) {
    return jdbc.query("select * from access_import_job order by started_at desc, id desc limit ?", this::map, limit);
  }

  private void run(String id, Identities.PreparedImport prepared, String actor) {
    List<Identities.CsvLine> lines = prepared.accepted();
    try {
      for (int from = 0; from < lines.size(); from += BATCH_ROWS) {
        List<Identities.CsvLine> batch = lines.subList(from, Math.min(lines.size(), from + BATCH_ROWS));
        identities.storeBatch(batch, actor, outcome -> progress(id, outcome));
      }
      jdbc.update("update access_import_job set state = 'done', finished_at = ?, progress_at = ? where id = ?",
          Timestamp.from(clock.instant()), Timestamp.from(clock.instant()), id);
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
    }
  }

  /** Adds a batch's outcome to the job, in the batch's own transaction (see {@link Identities#storeBatch}). */
  private void progress(String id, Identities.BatchOutcome outcome) {
    List<RowError> errors = outcome.errors();
    jdbc.update("""
        update access_import_job set rows_done = rows_done + ?, created = created + ?, updated = updated + ?,
            unchanged = unchanged + ?, hr_events = hr_events + ?, rejected = rejected + ?,
            error_count = error_count + ?, progress_at = ?,
            errors = case when jsonb_array_length(errors) < ? then errors || cast(? as jsonb) else errors end
        where id = ?
        """, outcome.rows(), outcome.created(), outcome.updated(), outcome.unchanged(), outcome.hrEvents(),
        rejectedRows(errors), errors.size(), Timestamp.from(clock.instant()), ERRORS_LISTED, toJson(errors), id);
  }

  @PreDestroy
  void stop() {
    worker.shutdownNow();
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
