package org.itgc.platform.web;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * An outage of the database, told apart from a fault: a request that could not reach PostgreSQL is answered 503 with
 * {@code Retry-After}, never 401 (login needs the database too) nor 500. Whether a write that lost its connection while
 * committing was stored cannot be known here: the answer says to look before sending it again.
 */
public final class DatabaseOutage {

  /** Seconds a client should wait before trying again. */
  public static final int RETRY_AFTER_SECONDS = 10;
  /** SQLSTATE classes of connection failures (08) and of a server shutting down or restarting (57P). */
  private static final Set<String> OUTAGE_STATES = Set.of("08000", "08001", "08003", "08004", "08006", "08007", "57P01",
      "57P02", "57P03");

  private DatabaseOutage() {}

  /**
   * Whether the exception, or any of its causes, says the database could not be reached; also the exception a failed
   * rollback replaced (a transaction whose connection died fails its rollback too, and the rollback's error is what
   * surfaces) and suppressed ones.
   */
  public static boolean isOutage(Throwable error) {
    return Causes.of(error).anyMatch(t -> t instanceof DataAccessResourceFailureException
        || t instanceof CannotCreateTransactionException || t instanceof SQLTransientConnectionException
        || t instanceof java.net.ConnectException
        || t instanceof SQLException sql && sql.getSQLState() != null && OUTAGE_STATES.contains(sql.getSQLState()));
  }

  public static ProblemDetail problem() {
    var problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
        "The database is not reachable. Try again in " + RETRY_AFTER_SECONDS + " seconds; if the connection was lost "
        + "while a change was being saved, look whether it was stored before sending it again.");
    problem.setTitle("Service unavailable");
    problem.setProperty("retryAfterSeconds", RETRY_AFTER_SECONDS);
    return problem;
  }

  public static ResponseEntity<ProblemDetail> response() {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS))
        .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON).body(problem());
  }
}
