package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue #19's watching (LG-01) end to end: a source silent beyond its expectEvery is one LG-01 exception per silent
 * period, mailed to the system's owners, and its resumption is recorded.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogWatchIT {

  @LocalServerPort int port;
  @Autowired LogWatch watch;
  @Autowired LogSealer sealer;
  @Autowired JdbcTemplate jdbc;
  @Autowired Clock clock;

  String apToken;

  @BeforeAll
  void credentials() {
    var issued = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name", "ap-pay watch shipper",
        "scopes", List.of("logs"), "system", "AP-PAY", "expiresAt", clock.instant().plus(30, ChronoUnit.DAYS)
            .toString())));
    assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
    apToken = issued.json().get("token").asText();
  }

  private Http.Response hec(String token, String body) {
    return Http.anonymous(port).send("POST", "/services/collector/event", "application/json", body,
        Map.of("Authorization", "Splunk " + token));
  }

  /** The source has sent nothing for {@code silentFor}: its counters and its watch start set back in time. */
  private void silent(String system, Duration silentFor) {
    Instant then = clock.instant().minus(silentFor);
    jdbc.update("update logs_watch_source set watched_since = ? where system_id = ?", java.sql.Timestamp.from(then),
        system);
    jdbc.update("""
        insert into logs_source_count (system_id, last_received_at) values (?, ?)
        on conflict (system_id) do update set last_received_at = excluded.last_received_at
        """, system, java.sql.Timestamp.from(then));
  }

  private long silenceExceptions(String system) {
    return jdbc.queryForObject("select count(*) from control_exception where control_id = 'LG-01' "
        + "and object_type = 'log-source' and object_id = ?", Long.class, system);
  }

  @Test
  void aSilentSourceRaisesLg01OncePerSilentPeriodMailedToItsOwnersAndItsResumptionIsRecorded() throws Exception {
    watch.checkSilence();
    long before = silenceExceptions("AP-PAY");

    // sent within its hour: nothing to say
    silent("AP-PAY", Duration.ofMinutes(50));
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.SENDING);
    assertThat(silenceExceptions("AP-PAY")).isEqualTo(before);

    // silent for two hours, expected every hour: one exception, however often the watcher looks
    silent("AP-PAY", Duration.ofHours(2));
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.SILENCE_RAISED);
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.STILL_SILENT);
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.STILL_SILENT);
    assertThat(silenceExceptions("AP-PAY")).isEqualTo(before + 1);
    var silence = watch.silences("AP-PAY").get(watch.silences("AP-PAY").size() - 1);
    assertThat(silence.resumeDetectedAt()).isNull();
    assertThat(silence.expectedEvery()).isEqualTo("PT1H");

    var mail = TestMailServer.await(m -> TestMailServer.subject(m).contains("LG-01")
        && TestMailServer.subject(m).contains("AP-PAY") && TestMailServer.body(m).contains(silence.silentSince()
            .toString()), Duration.ofSeconds(20));
    assertThat(List.of(mail.getAllRecipients()).toString()).contains("fiona@demo.itgc.local", "sofia@demo.itgc.local");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'logs.source.silent' "
        + "and object_id = 'AP-PAY'", Long.class)).isGreaterThanOrEqualTo(1);

    // the source sends again: the period is closed and audited
    Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    var sent = hec(apToken, "{\"time\": " + at.getEpochSecond() + ", \"event\": {\"actor\": \"rachel\", "
        + "\"event_type\": \"signin\"}}");
    assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.RESUMED);
    var resumed = watch.silences("AP-PAY").stream().filter(s -> s.id() == silence.id()).findFirst().orElseThrow();
    assertThat(resumed.resumedBy()).isAfter(silence.silentSince());
    assertThat(resumed.resumeDetectedAt()).isNotNull();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'logs.source.resumed' "
        + "and object_id = 'AP-PAY'", Long.class)).isGreaterThanOrEqualTo(1);
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.SENDING);

    // a new silence is a new period: a second exception
    silent("AP-PAY", Duration.ofHours(3));
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.SILENCE_RAISED);
    assertThat(silenceExceptions("AP-PAY")).isEqualTo(before + 2);
    // the other source, which sent or is watched since recently, stays quiet
    assertThat(silenceExceptions("ERP-GL")).isZero();
  }
}
