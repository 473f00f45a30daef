package org.itgc.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.camunda.bpm.engine.ProcessEnginePersistenceException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures are an outage of the database (503) and which are faults (500). */
class DatabaseOutageTest {

  @Test
  void aLostConnectionIsAnOutageWhereverItHides() {
    var lost = new DataAccessResourceFailureException("FATAL: terminating connection due to unexpected postmaster exit");
    assertThat(DatabaseOutage.isOutage(lost)).isTrue();
    assertThat(DatabaseOutage.isOutage(new RuntimeException("wrapped", lost))).isTrue();
    assertThat(DatabaseOutage.isOutage(new SQLException("refused", "08001"))).isTrue();
    assertThat(DatabaseOutage.isOutage(new SQLException("admin shutdown", "57P01"))).isTrue();
    // as Camunda reports a command whose connection died: the failed rollback surfaces, the lost connection is the
    // exception it replaced
    var rollback = new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
    rollback.initApplicationException(lost);
    assertThat(DatabaseOutage.isOutage(new ProcessEnginePersistenceException("persistence layer", rollback))).isTrue();
    var suppressed = new IllegalStateException("closing");
    suppressed.addSuppressed(lost);
    assertThat(DatabaseOutage.isOutage(suppressed)).isTrue();
  }

  @Test
  void otherFailuresAreNot() {
    assertThat(DatabaseOutage.isOutage(new IllegalStateException("a bug"))).isFalse();
    assertThat(DatabaseOutage.isOutage(new SQLException("duplicate key", "23505"))).isFalse();
    var rollback = new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
    rollback.initApplicationException(new IllegalArgumentException("a bug"));
    assertThat(DatabaseOutage.isOutage(rollback)).isFalse();
    var one = new RuntimeException("one");
    var other = new RuntimeException("other");
    one.addSuppressed(other);
    other.addSuppressed(one);
    assertThat(DatabaseOutage.isOutage(one)).as("a loop of suppressed exceptions ends").isFalse();
  }
}
