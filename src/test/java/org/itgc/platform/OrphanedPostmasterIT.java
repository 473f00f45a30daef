package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The first start after the engine's JVM was killed works: the PostgreSQL server it left running on its data folder
 * is stopped first; a folder in use by a running engine is refused, and a process that is not this folder's server is
 * never touched.
 */
class OrphanedPostmasterIT {

  @Test
  void theServerAKilledEngineLeftRunningIsStoppedAndTheNextStartWorksAtOnce() throws Exception {
    Path folder = Files.createTempDirectory(Path.of("target"), "orphan-it-").toAbsolutePath();
    Process engine = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), OrphanMaker.class.getName(), folder.toString())
        .redirectErrorStream(true).start();
    try (var out = new BufferedReader(new InputStreamReader(engine.getInputStream()))) {
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("READY")) {
        // the library's log until the database is up
      }
      assertThat(line).as("the child engine started its database").startsWith("READY");
    }
    long postmaster = Long.parseLong(Files.readAllLines(folder.resolve("postmaster.pid")).get(0).strip());
    engine.destroyForcibly(); // kill -9 of the engine's JVM
    assertThat(engine.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).as("an orphan is left running").contains(true);

    assertThat(OrphanedPostmaster.stopIfOrphaned(folder, Duration.ofSeconds(30)))
        .isEqualTo(OrphanedPostmaster.Outcome.STOPPED);
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)).isFalse();

    long started = System.nanoTime();
    try (EmbeddedPostgres again = EmbeddedPostgres.builder().setDataDirectory(folder).setCleanDataDirectory(false)
        .setRegisterShutdownHook(false).setPGStartupWait(Duration.ofSeconds(60)).start()) {
      try (var connection = again.getPostgresDatabase().getConnection(); var statement = connection.createStatement()) {
        assertThat(statement.executeQuery("select 1").next()).isTrue();
      }
      System.out.printf("ORPHAN restart after the orphan was stopped: %d ms%n", (System.nanoTime() - started) / 1_000_000);

      // while an engine runs on the folder, it is not touched
      assertThatThrownBy(() -> OrphanedPostmaster.stopIfOrphaned(folder, Duration.ofSeconds(5)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("in use by an engine that is running");
      assertThat(ProcessHandle.of(Long.parseLong(Files.readAllLines(folder.resolve("postmaster.pid")).get(0).strip()))
          .map(ProcessHandle::isAlive)).contains(true);
    }
  }

  @Test
  void aPidFileNamingAnotherProcessLeavesThatProcessAlone() throws Exception {
    Path folder = Files.createTempDirectory(Path.of("target"), "orphan-other-").toAbsolutePath();
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      Files.write(folder.resolve("postmaster.pid"), List.of(String.valueOf(sleeper.pid()), folder.toString()));
      assertThat(OrphanedPostmaster.stopIfOrphaned(folder, Duration.ofSeconds(5)))
          .isEqualTo(OrphanedPostmaster.Outcome.NOT_OURS);
      assertThat(sleeper.isAlive()).isTrue();
      // another folder's PostgreSQL server (its pid file copied here) is not this folder's: left running
      Path otherFolder = Files.createTempDirectory(Path.of("target"), "orphan-another-").toAbsolutePath();
      try (EmbeddedPostgres other = EmbeddedPostgres.builder().setDataDirectory(otherFolder).setCleanDataDirectory(true)
          .setRegisterShutdownHook(false).start()) {
        Files.copy(otherFolder.resolve("postmaster.pid"), folder.resolve("postmaster.pid"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long otherPid = Long.parseLong(Files.readAllLines(otherFolder.resolve("postmaster.pid")).get(0).strip());
        assertThat(OrphanedPostmaster.stopIfOrphaned(folder, Duration.ofSeconds(5)))
            .isEqualTo(OrphanedPostmaster.Outcome.NOT_OURS);
        assertThat(ProcessHandle.of(otherPid).map(ProcessHandle::isAlive)).contains(true);
        try (var connection = other.getPostgresDatabase().getConnection()) {
          assertThat(connection.isValid(2)).isTrue();
        }
      }
      // a pid file whose process is gone is stale: nothing to stop
      Files.write(folder.resolve("postmaster.pid"), List.of("999999999", folder.toString()));
      assertThat(OrphanedPostmaster.stopIfOrphaned(folder, Duration.ofSeconds(5)))
          .isEqualTo(OrphanedPostmaster.Outcome.NONE);
    } finally {
      sleeper.destroyForcibly();
    }
  }
}
