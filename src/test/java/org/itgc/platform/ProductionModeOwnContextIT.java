package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.itgc.ItgcEngineApplication;
import org.itgc.support.Http;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Production mode: no profile, an external PostgreSQL given by spring.datasource.*, no embedded database and no
 * user with a known password; the first administrator comes from itgc.bootstrap-admin.* once.
 */
class ProductionModeOwnContextIT {

  @Test
  void theAppRunsOnAnExternalDatabaseWithOnlyTheBootstrappedAdministrator() throws Exception {
    Path directory = Files.createTempDirectory(Path.of("target"), "external-pg-");
    try (var external = EmbeddedPostgres.builder().setDataDirectory(directory).setCleanDataDirectory(true).start()) {
      String url = external.getJdbcUrl("postgres", "postgres");
      // the operator creates the sealer's login once (docs/operations.md); the schema's last changeset grants it
      try (var connection = external.getPostgresDatabase().getConnection(); var statement = connection.createStatement()) {
        statement.execute("create role itgc_sealer login password 'a-sealer-password'");
      }
      String[] common = {"--server.port=0", "--camunda.bpm.process-engine-name=productionIt",
          "--spring.datasource.url=" + url, "--spring.datasource.username=postgres",
          "--itgc.audit.sealer.username=itgc_sealer", "--itgc.audit.sealer.password=a-sealer-password",
          "--spring.mail.port=" + TestMailServer.port(), "--itgc.audit.signing-key-file=" + directory + "-key/signing-key.pem",
          "--itgc.audit.checkpoint-folder=" + directory + "-checkpoints",
          "--itgc.security.mfa-key-file=" + directory + "-key/mfa-key"};
      String[] first = concat(common, "--itgc.bootstrap-admin.username=first.admin",
          "--itgc.bootstrap-admin.password=a-long-bootstrap-password", "--itgc.bootstrap-admin.email=admin@example.com");
      try (var app = new SpringApplicationBuilder(ItgcEngineApplication.class).run(first)) {
        assertThat(app.getEnvironment().getActiveProfiles()).isEmpty();
        assertThat(app.getBeanNamesForType(EmbeddedDatabase.class)).as("no embedded database").isEmpty();
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        // no password-only access in production: HTTP Basic is refused, the browser login takes a second factor
        assertThat(Http.as(port, "first.admin", "a-long-bootstrap-password").get("/api/me").status()).isEqualTo(401);
        var session = new org.itgc.support.WebSession(port);
        assertThat(session.password("first.admin", "a-long-bootstrap-password").location()).isEqualTo("/mfa/enrol");
        var secret = java.util.regex.Pattern.compile("id=secret>([A-Z2-7]+)<").matcher(session.get("/mfa/enrol").body());
        assertThat(secret.find()).isTrue();
        assertThat(session.post("/mfa/enrol", java.util.Map.of("code",
            org.itgc.support.Codes.next("first.admin", secret.group(1)))).status()).isEqualTo(200);
        // a password someone else chose (the bootstrap settings) must be replaced before anything answers
        assertThat(session.get("/api/me").status()).isEqualTo(403);
        assertThat(session.get("/app").location()).isEqualTo("/mfa/password");
        assertThat(session.post("/mfa/password", java.util.Map.of("currentPassword", "a-long-bootstrap-password",
            "newPassword", "First-Admin-Chose-This-2026!")).location()).isEqualTo("/app");
        assertThat(session.get("/api/me").body()).contains("engine-admin").contains("security-admin");
        assertThat(Http.as(port, "rachel").get("/api/me").status()).as("no demo users").isEqualTo(401);
        var jdbc = app.getBean(JdbcTemplate.class);
        assertThat(jdbc.queryForList("select username from sec_user", String.class)).containsExactly("first.admin");
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'user.bootstrap-admin'",
            Integer.class)).isEqualTo(1);
      }
      // a later start with the settings still present creates nobody new
      try (var again = new SpringApplicationBuilder(ItgcEngineApplication.class).run(concat(common,
          "--itgc.bootstrap-admin.username=second.admin", "--itgc.bootstrap-admin.password=another-long-password"))) {
        assertThat(again.getBean(JdbcTemplate.class).queryForList("select username from sec_user", String.class))
            .containsExactly("first.admin");
      }
      // another node set up with a key of its own (a folder of its own) refuses to start, naming the setting; each
      // runs in a JVM of its own (a start that fails leaves Camunda's webapps pointing at an engine that is gone)
      // and without the sealer's own login a production node does not start: the application's login would write
      // the chain's links
      java.util.List<String> noSealer = new java.util.ArrayList<>(java.util.List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          org.itgc.support.Node.classPath(), ItgcEngineApplication.class.getName()));
      java.util.Arrays.stream(common).filter(a -> !a.startsWith("--itgc.audit.sealer.")).forEach(noSealer::add);
      Path noSealerLog = Files.createTempFile(Path.of("target"), "no-sealer-node-", ".log");
      Process refused = new ProcessBuilder(noSealer).redirectErrorStream(true).redirectOutput(noSealerLog.toFile()).start();
      assertThat(refused.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).as("the node stops by itself").isTrue();
      assertThat(refused.exitValue()).isNotZero();
      assertThat(Files.readString(noSealerLog)).contains("The audit sealer has no database login of its own")
          .contains("itgc.audit.sealer.username");
      for (String[] otherKey : java.util.List.of(
          new String[] {"--itgc.security.mfa-key-file=" + directory + "-other/mfa-key", "mfa-key"},
          new String[] {"--itgc.audit.signing-key-file=" + directory + "-other/signing-key.pem", "audit-signing-key"})) {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
            org.itgc.support.Node.classPath(), ItgcEngineApplication.class.getName()));
        java.util.Arrays.stream(common).filter(a -> !a.startsWith(otherKey[0].substring(0, otherKey[0].indexOf('=') + 1)))
            .forEach(command::add);
        command.add(otherKey[0]);
        Path log = Files.createTempFile(Path.of("target"), "other-node-", ".log");
        Process node = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(node.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).as("the node stops by itself").isTrue();
        assertThat(node.exitValue()).as("a node with another %s does not run", otherKey[1]).isNotZero();
        assertThat(Files.readString(log)).contains("This node's " + otherKey[1])
            .contains("every node must read the same key");
      }
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
