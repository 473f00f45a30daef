package org.itgc.platform.web;

import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * The last line behind the checks of each request: data the database refuses (SQLSTATE class 22, data exceptions, and
 * class 23, integrity constraints, except a missing value, which is the server's own fault) is the client's input,
 * answered 4xx in words, never a 500. Each endpoint checks its fields first and names them; this catches what a check
 * missed, and the failed statement's transaction stores nothing. Each one is logged with its stack trace, since it
 * means a check is missing.
 */
public final class DataRefusals {

  private static final Map<String, String> REASONS = Map.ofEntries(
      Map.entry("22001", "a text is longer than its field allows"),
      Map.entry("22021", "a text holds a character that cannot be stored (for example NUL)"),
      Map.entry("22P05", "a text holds a character that cannot be stored (for example NUL)"),
      Map.entry("22003", "a number is out of the range its field allows"),
      Map.entry("22008", "a date or time is out of the range its field allows"),
      Map.entry("22007", "a date or time is not valid"),
      Map.entry("22P02", "a value has the wrong form for its field"),
      Map.entry("23503", "a value refers to something that does not exist"),
      Map.entry("23514", "a value is outside what its field allows"));

  private DataRefusals() {}

  /** The answer when the exception (or a cause) is the database refusing the data; empty otherwise. */
  public static Optional<ProblemDetail> problem(Throwable error) {
    for (Throwable t : (Iterable<Throwable>) Causes.of(error)::iterator) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.equals("23505")) {
          var problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
              "A record with this identifying value already exists.");
          problem.setTitle("Conflict");
          return Optional.of(problem);
        }
        String reason = REASONS.get(state);
        if (reason != null) {
          return Optional.of(ApiProblems.invalid("body", reason));
        }
      }
    }
    return Optional.empty();
  }
}
