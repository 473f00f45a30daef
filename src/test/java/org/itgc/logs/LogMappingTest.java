package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.Validation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.platform.config.ConfigValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config/log-sources.yaml: the shipped file loads; a broken one stops the start naming file, entry and reason; the
 * mapping turns a system's records into the event shape, and keeps what it cannot read raw with the reason.
 */
class LogMappingTest {

  private static final Set<String> SYSTEMS = Set.of("ERP-GL", "AP-PAY", "PAYROLL");
  private final ObjectMapper json = new ObjectMapper();
  private final Instant now = Instant.parse("2026-12-04T10:00:00Z");

  private static ConfigFiles files(Path dir) {
    return new ConfigFiles(dir, Validation.buildDefaultValidatorFactory().getValidator());
  }

  private LogMapper shipped() {
    return new LogMapper(new LogSources(files(Path.of("config")), SYSTEMS::contains));
  }

  private LogRecord hec(String system, String event) throws Exception {
    return shipped().map(new LogMapper.Received("hec", system, now, "192.0.2.9",
        event.getBytes(StandardCharsets.UTF_8), json.readTree(event), null));
  }

  @Test
  void theShippedFileMapsErpGlAndApPay() throws Exception {
    LogRecord update = hec("ERP-GL", "{\"time\": 1796374800.123456789, \"event\": {\"user\": \"mary\", "
        + "\"action\": \"UPDATE\", \"object\": {\"type\": \"invoice\", \"id\": \"AP-12345\"}, \"before\": "
        + "{\"amount\": 1200}, \"after\": {\"amount\": 1250}, \"clientIp\": \"10.1.2.4\"}}");
    assertThat(update.status()).isEqualTo(LogRecord.Status.MAPPED);
    assertThat(update.occurredAt()).isEqualTo(Instant.parse("2026-12-04T09:00:00.123456Z"));
    assertThat(update.receivedAt()).isEqualTo(now);
    assertThat(update.actor()).isEqualTo("mary");
    assertThat(update.action()).isEqualTo("update");
    assertThat(update.objectType()).isEqualTo("invoice");
    assertThat(update.objectId()).isEqualTo("AP-12345");
    assertThat(update.beforeJson()).isEqualTo("{\"amount\":1200}");
    assertThat(update.afterJson()).isEqualTo("{\"amount\":1250}");
    assertThat(update.sourceAddress()).isEqualTo("10.1.2.4");
    assertThat(update.peerAddress()).isEqualTo("192.0.2.9");

    assertThat(new LogSources(files(Path.of("config")), SYSTEMS::contains).expectations())
        .containsEntry("ERP-GL", java.time.Duration.ofMinutes(15)).containsEntry("AP-PAY", java.time.Duration.ofHours(1));
    var erpWatch = new LogSources(files(Path.of("config")), SYSTEMS::contains).watch("ERP-GL");
    assertThat(erpWatch.actorIs()).isEqualTo("employeeId");
    assertThat(erpWatch.objects().get("gl-account").isFinancial()).isTrue();
    assertThat(erpWatch.objects().get("gl-account").isSensitive()).isFalse();
    assertThat(erpWatch.objects()).as("invoices are the business's transactions, not changes").doesNotContainKey("invoice");
    assertThat(erpWatch.objects().get("vendor-bank-account").needed().entitlements()).containsExactly("GL_CONTROLLER");

    LogRecord view = hec("AP-PAY", "{\"time\": \"2026-12-04T08:00:00+01:00\", \"event\": {\"actor\": \"john\", "
        + "\"event_type\": \"invoice_view\", \"invoice_number\": \"AP-12345\"}}");
    assertThat(view.status()).isEqualTo(LogRecord.Status.MAPPED);
    assertThat(view.action()).isEqualTo("read");
    assertThat(view.objectType()).as("a constant").isEqualTo("invoice");
    assertThat(view.occurredAt()).isEqualTo(Instant.parse("2026-12-04T07:00:00Z"));
  }

  @Test
  void whatTheMappingCannotReadIsKeptRawWithTheReason() throws Exception {
    assertThat(hec("ERP-GL", "{\"time\": 1764838800, \"event\": {\"user\": \"john\", \"action\": \"PRINT\"}}")
        .reason()).isEqualTo("action 'PRINT' (event.action) is not in the actions table of ERP-GL");
    assertThat(hec("ERP-GL", "{\"event\": {\"user\": \"john\", \"action\": \"VIEW\"}}").reason())
        .isEqualTo("occurredAt (time) is missing");
    assertThat(hec("ERP-GL", "{\"time\": \"yesterday\", \"event\": {\"user\": \"john\", \"action\": \"VIEW\"}}")
        .reason()).contains("neither epoch seconds nor an RFC 3339 date-time");
    assertThat(hec("ERP-GL", "{\"time\": 4102444800, \"event\": {\"user\": \"john\", \"action\": \"VIEW\"}}")
        .reason()).contains("more than a day after it was received");
    assertThat(hec("ERP-GL", "{\"time\": 1764838800, \"event\": {\"user\": {\"n\": 1}, \"action\": \"VIEW\"}}")
        .reason()).isEqualTo("actor (event.user) is not a single value");
    assertThat(hec("ERP-GL", "{\"time\": 1764838800, \"event\": {\"user\": \"jo\\u0000hn\", \"action\": \"VIEW\"}}")
        .reason()).contains("NUL");
    assertThat(hec("PAYROLL", "{\"time\": 1764838800, \"event\": {}}").reason())
        .isEqualTo("no mapping for PAYROLL in log-sources.yaml");
    LogRecord noSyslog = shipped().map(new LogMapper.Received("syslog", "AP-PAY", now, "192.0.2.9", new byte[] {1},
        json.readTree("{}"), null));
    assertThat(noSyslog.reason()).isEqualTo("the mapping of AP-PAY has no format for syslog");
    LogRecord raw = hec("ERP-GL", "{\"time\": 1764838800, \"event\": {\"action\": \"VIEW\"}}");
    assertThat(raw.status()).isEqualTo(LogRecord.Status.UNMAPPED);
    assertThat(raw.occurredAt()).as("the time received").isEqualTo(now);
    assertThat(raw.actor()).isNull();
    LogRecord quarantined = shipped().map(new LogMapper.Received("syslog", null, now, "192.0.2.9", new byte[] {1},
        null, "no token"));
    assertThat(quarantined.status()).isEqualTo(LogRecord.Status.QUARANTINED);
    assertThat(quarantined.system()).isNull();
  }

  @Test
  void aBrokenFileStopsTheStartNamingEntryAndReason(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("log-sources.yaml"), """
        sources:
          - system: ERP-GL
            expectEvery: fifteen minutes
            actions: { VIEW: read, EDIT: modify }
            formats:
              hec: { occurredAt: time, actor: event.user, action: "=PRINT", objectId: event..id }
              ftp: { occurredAt: time, actor: a, action: b }
          - system: ERP-GL
            expectEvery: PT10S
            watch:
              actorIs: badgeNumber
              objects:
                invoice: { financial: true, neededBy: { jobs: [Clerk] } }
            actions: { VIEW: read }
            formats:
              syslog: { occurredAt: timestamp, action: x }
        """);
    assertThatThrownBy(() -> new LogSources(files(dir), SYSTEMS::contains))
        .isInstanceOf(ConfigValidationException.class)
        .satisfies(e -> assertThat(((ConfigValidationException) e).problems()).contains(
            "sources[0].actions.EDIT: 'modify' is not one of [login, login-failure, read, create, update, delete, "
                + "privilege-change, logout, other]",
            "sources[0].formats.hec.action: the constant 'PRINT' is not in the actions table",
            "sources[0].formats.hec: 'event..id' is not a path (names separated by dots) or a constant (=value)",
            "sources[0].formats.ftp: is not a protocol; use hec or syslog",
            "sources[1].system: ERP-GL has a mapping already",
            "sources[0].expectEvery: 'fifteen minutes' is not an ISO-8601 duration such as PT15M",
            "sources[1].expectEvery: PT10S is not between PT1M and P7D",
            "sources[1].watch.actorIs: 'badgeNumber' is not one of employeeId, userName",
            "sources[1].watch.objects.invoice.neededBy: only a sensitive object type is needed by roles")
            .anyMatch(p -> p.startsWith("sources[1].formats[syslog].actor")));

    Files.writeString(dir.resolve("log-sources.yaml"), """
        sources:
          - system: NOPE
            expectEvery: PT15M
            actions: { VIEW: read }
            formats:
              hec: { occurredAt: time, actor: a, action: b }
        """);
    assertThatThrownBy(() -> new LogSources(files(dir), SYSTEMS::contains))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("log-sources.yaml").hasMessageContaining("system NOPE is not in systems.yaml");
  }
}
