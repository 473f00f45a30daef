package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.itgc.ItgcEngineApplication;
import org.itgc.support.Http;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The zero-setup run keeps its data: start on an embedded PostgreSQL data directory, create something, stop, start
 * again on the same directory, and it is still there; the second start applies no schema change and redeploys no
 * unchanged model.
 */
class RestartOwnContextIT {

  @Test
  void dataSurvivesARestartAndTheSecondStartAppliesNothingNew() throws Exception {
    Path dataDirectory = Files.createTempDirectory(Path.of("target"), "restart-it-");
    String instanceId;
    int changeSets;
    long deployments;
    java.time.Instant closing;
    try (var first = start(dataDirectory)) {
      var http = Http.as(port(first), "sam");
      org.itgc.support.RoleApprovals.createUser(port(first), "persisted.user", "Persisted User", "p@example.com",
          "a-long-persisted-password", List.of("auditor"));
      first.getBean(RepositoryService.class).createDeployment().name("restart-it")
          .addClasspathResource("it-models/group-tasks.bpmn").deploy();
      instanceId = first.getBean(RuntimeService.class).startProcessInstanceByKey("it-group-tasks", "RESTART-1").getId();
      changeSets = count(first, "select count(*) from databasechangelog");
      deployments = first.getBean(RepositoryService.class).createDeploymentQuery().count();
      closing = java.time.Instant.now();
    }
    java.time.Instant reopening = java.time.Instant.now();
    try (var second = start(dataDirectory)) {
      // the orderly shutdown signed the head: no unsigned tail was left behind for the downtime
      var jdbc = second.getBean(JdbcTemplate.class);
      Long lastBeforeClose = jdbc.queryForObject("select max(seq) from audit_chain where occurred_at < ?", Long.class,
          java.sql.Timestamp.from(closing));
      Long signedAtShutdown = jdbc.queryForObject("select max(seq) from audit_checkpoint where created_at >= ? "
          + "and created_at <= ?", Long.class, java.sql.Timestamp.from(closing), java.sql.Timestamp.from(reopening));
      assertThat(signedAtShutdown).as("a checkpoint signed while shutting down").isNotNull();
      assertThat(signedAtShutdown).isGreaterThanOrEqualTo(lastBeforeClose);
      assertThat(Http.as(port(second), "persisted.user", "a-long-persisted-password").get("/api/me").status())
          .isEqualTo(200);
      assertThat(second.getBean(RuntimeService.class).createProcessInstanceQuery().processInstanceId(instanceId)
          .singleResult().getBusinessKey()).isEqualTo("RESTART-1");
      assertThat(count(second, "select count(*) from databasechangelog")).isEqualTo(changeSets);
      assertThat(second.getBean(RepositoryService.class).createDeploymentQuery().count())
          .as("unchanged models are not deployed again").isEqualTo(deployments);
    }
  }

  private static ConfigurableApplicationContext start(Path dataDirectory) {
    return new SpringApplicationBuilder(ItgcEngineApplication.class)
        .profiles("demo", "test")
        // a name of its own, so that closing this engine does not unregister the shared test context's "default"
        .run("--server.port=0", "--camunda.bpm.process-engine-name=restartIt",
            "--itgc.embedded-postgres.data-directory=" + dataDirectory,
            "--itgc.embedded-postgres.clean=false",
            "--spring.mail.port=" + TestMailServer.port());
  }

  private static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  private static int count(ConfigurableApplicationContext context, String sql) {
    Integer value = context.getBean(JdbcTemplate.class).queryForObject(sql, Integer.class);
    return value == null ? 0 : value;
  }
}
