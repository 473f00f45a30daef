package org.itgc.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.itgc.ItgcEngineApplication;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A stuck SMTP server delays only mail: the server here accepts connections and never answers (each attempt waits a
 * minute for the greeting), and while the mail thread is held inside SMTP the audit sealer still chains new events,
 * on its own scheduler thread.
 */
class SlowSmtpOwnContextIT {

  @Test
  void aStuckSmtpServerDelaysOnlyMail() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    AtomicInteger connections = new AtomicInteger();
    try (ServerSocket blackHole = new ServerSocket(0)) {
      Thread acceptor = new Thread(() -> {
        while (!blackHole.isClosed()) {
          try {
            held.add(blackHole.accept());
            connections.incrementAndGet();
          } catch (java.io.IOException closed) {
            return;
          }
        }
      }, "smtp-black-hole");
      acceptor.setDaemon(true);
      acceptor.start();
      Path data = Files.createTempDirectory(Path.of("target"), "slow-smtp-it-");
      try (var context = new SpringApplicationBuilder(ItgcEngineApplication.class).profiles("demo", "test")
          .run("--server.port=0", "--camunda.bpm.process-engine-name=slowSmtpIt",
              "--itgc.embedded-postgres.data-directory=" + data,
              "--spring.mail.port=" + blackHole.getLocalPort(),
              "--spring.mail.properties.mail.smtp.timeout=60000",
              "--spring.mail.properties.mail.smtp.connectiontimeout=60000")) {
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        jdbc.update("""
            insert into notification_outbox (template, recipients, subject, body, created_at, next_attempt_at, attempts)
            values ('test', '{stuck@demo.itgc.local}', 'stuck', 'body', now(), now() - interval '1 hour', 0)
            """);
        long until = System.nanoTime() + 30_000_000_000L;
        while (connections.get() == 0) {
          assertThat(System.nanoTime()).as("the mail thread connects to SMTP").isLessThan(until);
          Thread.sleep(50);
        }
        // the mail thread now waits up to a minute for a greeting that never comes; the sealer goes on
        AuditRecorder audit = context.getBean(AuditRecorder.class);
        for (int i = 0; i < 3; i++) {
          long started = System.nanoTime();
          long event = audit.recordIndependently(AuditEvent.system("test.slow-smtp", "test", "event-" + i).build());
          while (jdbc.queryForObject("select count(*) from audit_chain where event_id = ?", Integer.class, event) == 0) {
            assertThat(System.nanoTime() - started).as("event %d chained while SMTP is stuck", event)
                .isLessThan(15_000_000_000L);
            Thread.sleep(20);
          }
          System.out.printf("SLOW-SMTP event %d chained after %d ms while the mail thread was held in SMTP%n", event,
              (System.nanoTime() - started) / 1_000_000);
        }
        assertThat(jdbc.queryForObject("select count(*) from notification_outbox where subject = 'stuck' and sent_at is null",
            Integer.class)).as("the mail is still waiting, not lost").isEqualTo(1);
        Timestamp sentAny = jdbc.queryForObject("select max(sent_at) from notification_outbox", Timestamp.class);
        assertThat(sentAny).as("nothing could be sent through the black hole").isNull();
        for (Socket socket : held) {
          socket.close(); // let the mail thread go before the context stops
        }
      }
    }
  }
}
