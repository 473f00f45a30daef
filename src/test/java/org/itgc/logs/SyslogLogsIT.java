package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * ERP-GL sends its audit log as RFC 5424 syslog over TCP (both framings of RFC 6587 on one connection); the auditor's
 * question is answered from it with proofs; messages without a valid token are kept in the quarantine and counted,
 * the refusal audited; a message that is not RFC 5424 is kept raw with the reason; tokens are never stored.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyslogLogsIT {

  @LocalServerPort int port;
  @Autowired SyslogServer syslog;
  @Autowired LogSealer sealer;

  String erpToken;
  Instant morning;

  @BeforeAll
  void credential() {
    var issued = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name",
        "erp-gl syslog shipper", "scopes", List.of("logs"), "system", "ERP-GL",
        "expiresAt", Instant.now().plus(30, ChronoUnit.DAYS).toString())));
    assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
    erpToken = issued.json().get("token").asText();
    morning = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
  }

  private void send(String stream) throws Exception {
    assertThat(syslog.port()).isPositive();
    try (Socket socket = new Socket("127.0.0.1", syslog.port()); OutputStream out = socket.getOutputStream()) {
      out.write(stream.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  private JsonNode source(String system) {
    for (JsonNode s : Http.as(port, "audrey").get("/api/logs/sources").json().get("sources")) {
      if (s.get("system").asText().equals(system)) {
        return s;
      }
    }
    throw new AssertionError(system);
  }

  /** Waits (at most 10 s) until the sources' counters show what was sent: the listener stores asynchronously. */
  private JsonNode await(String system, Predicate<JsonNode> done) throws InterruptedException {
    Instant until = Instant.now().plus(Duration.ofSeconds(10));
    JsonNode s = source(system);
    while (!done.test(s) && Instant.now().isBefore(until)) {
      Thread.sleep(100);
      s = source(system);
    }
    return s;
  }

  @Test
  void theAuditorsQuestionIsAnsweredFromSyslog() throws Exception {
    long received = source("ERP-GL").get("received").asLong();
    var day = ErpGlLogGenerator.morning(morning, "AP-54321", "AP-54322");
    StringBuilder stream = new StringBuilder();
    for (int i = 0; i < day.size(); i++) {
      String message = ErpGlLogGenerator.syslog(day.get(i), erpToken);
      // octet counting and line-feed framing mixed on one connection, as RFC 6587 allows a receiver to take
      stream.append(i % 2 == 0 ? ErpGlLogGenerator.octetCounted(message) : message + "\n");
    }
    send(stream.toString());
    JsonNode erp = await("ERP-GL", s -> s.get("received").asLong() >= received + day.size());
    assertThat(erp.get("received").asLong()).isEqualTo(received + day.size());
    sealer.sealAll();

    var answer = Http.as(port, "audrey").get("/api/logs/objects/invoice/AP-54321?from=" + morning.minusSeconds(1)
        + "&to=" + morning.plusSeconds(3600)).json();
    assertThat(answer.get("events")).extracting(e -> e.get("actor").asText() + " " + e.get("action").asText()
        + " " + e.get("protocol").asText()).containsExactly("john read syslog", "mary read syslog",
        "mary update syslog");
    JsonNode update = answer.get("events").get(2);
    assertThat(update.at("/before/amount").asDouble()).isEqualTo(1200.0);
    assertThat(update.at("/after/amount").asDouble()).isEqualTo(1250.0);
    assertThat(Instant.parse(update.get("occurredAt").asText())).isEqualTo(morning.plusSeconds(120));
    assertThat(answer.get("allVerified").asBoolean()).isTrue();
    // the token never reaches the store: the raw message carries REDACTED in its place
    assertThat(update.get("raw").asText()).contains("token=\"REDACTED\"").doesNotContain(erpToken);
    for (JsonNode event : answer.get("events")) {
      assertThat(LogProofVerifier.check(event, event.at("/proof/auditEvent/root").asText(),
          event.at("/proof/auditEvent/leafCount").asLong())).isNull();
    }
  }

  @Test
  void aSystemSendsOverTls() throws Exception {
    assertThat(syslog.tlsPort()).isPositive();
    java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
    try (var in = java.nio.file.Files.newInputStream(org.itgc.support.SyslogPortInitializer.KEY_STORE)) {
      trusted.load(in, org.itgc.support.SyslogPortInitializer.KEY_STORE_PASSWORD.toCharArray());
    }
    var trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    var tls = javax.net.ssl.SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    var activity = new ErpGlLogGenerator.Activity(morning.plusSeconds(1), "john", "EXPORT", "invoice", "AP-64000",
        null, null, "10.1.2.3");
    try (var socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", syslog.tlsPort())) {
      var parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
      socket.getOutputStream().write(ErpGlLogGenerator.octetCounted(ErpGlLogGenerator.syslog(activity, erpToken))
          .getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
    }
    Instant until = Instant.now().plusSeconds(10);
    JsonNode answer = null;
    while (Instant.now().isBefore(until)) {
      answer = Http.as(port, "audrey").get("/api/logs/objects/invoice/AP-64000").json();
      if (!answer.get("events").isEmpty()) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(answer.get("events")).singleElement().satisfies(e -> {
      assertThat(e.get("actor").asText()).isEqualTo("john");
      assertThat(e.get("action").asText()).isEqualTo("read");
      assertThat(e.get("protocol").asText()).isEqualTo("syslog");
    });

    // a plain-text client on the TLS port gets nothing stored: the handshake fails before any message
    long quarantined = source("quarantine").get("received").asLong();
    try (Socket plain = new Socket("127.0.0.1", syslog.tlsPort())) {
      plain.getOutputStream().write((ErpGlLogGenerator.syslog(activity, erpToken) + "\n")
          .getBytes(StandardCharsets.UTF_8));
      plain.getOutputStream().flush();
      plain.setSoTimeout(5000);
      assertThat(plain.getInputStream().read(new byte[100])).isLessThanOrEqualTo(100);
    } catch (java.io.IOException closedByTheServer) {
      // the listener closed the connection
    }
    assertThat(source("quarantine").get("received").asLong()).isEqualTo(quarantined);
  }

  @Test
  void messagesWithoutAValidTokenAreQuarantinedCountedAndAudited() throws Exception {
    long quarantined = source("quarantine").get("quarantined").asLong();
    var activity = ErpGlLogGenerator.morning(morning, "AP-54399", "AP-54398").get(1);
    String wrong = ErpGlLogGenerator.syslog(activity, "itgc_nosuchid_" + "y".repeat(43));
    String none = ErpGlLogGenerator.syslog(activity, null);
    String claimsOther = ErpGlLogGenerator.syslog(activity, erpToken)
        .replace("[itgc@32473 token=", "[itgc@32473 system=\"AP-PAY\" token=");
    String bsd = "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8";
    send(wrong + "\n" + none + "\n" + claimsOther + "\n" + bsd + "\n");
    JsonNode q = await("quarantine", s -> s.get("quarantined").asLong() >= quarantined + 4);
    assertThat(q.get("quarantined").asLong()).isEqualTo(quarantined + 4);
    assertThat(q.get("recentRaw")).extracting(r -> r.get("reason").asText())
        .anyMatch(r -> r.contains("refused: an unknown, revoked or expired credential"))
        .anyMatch(r -> r.startsWith("no token"))
        .anyMatch(r -> r.contains("the credential of ERP-GL sent a message of AP-PAY"))
        .anyMatch(r -> r.startsWith("not RFC 5424"));
    assertThat(q.get("recentRaw")).extracting(r -> r.get("raw").asText()).contains(bsd)
        .noneMatch(r -> r.contains(erpToken) || r.contains("y".repeat(43)));
    assertThat(Http.as(port, "audrey").get("/api/logs/objects/invoice/AP-54399").json().get("events")).isEmpty();

    var refused = Http.as(port, "audrey").get("/api/audit/events?action=logs.sender.refused&objectId=syslog&size=50")
        .json();
    assertThat(refused).extracting(e -> e.at("/details/reason").asText())
        .contains("an unknown, revoked or expired credential")
        .anyMatch(r -> r.contains("claims system AP-PAY, but the credential is bound to ERP-GL"));
  }

  @Test
  void aConnectionThatOnlyFillsTheQuarantineIsClosed() throws Exception {
    long quarantined = source("quarantine").get("quarantined").asLong();
    var activity = ErpGlLogGenerator.morning(morning, "AP-54377", "AP-54376").get(0);
    String message = ErpGlLogGenerator.syslog(activity, null) + "\n";
    int sent = 0;
    try (Socket socket = new Socket("127.0.0.1", syslog.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      for (; sent < 30; sent++) {
        out.write(message.getBytes(StandardCharsets.UTF_8));
      }
      out.flush();
      // the listener closes the connection after the 30th (the test profile's limit)
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(sent).isEqualTo(30);
    JsonNode q = await("quarantine", s -> s.get("quarantined").asLong() >= quarantined + 30);
    assertThat(q.get("quarantined").asLong()).isEqualTo(quarantined + 30);
    var refused = Http.as(port, "audrey").get("/api/audit/events?action=logs.sender.refused&objectId=syslog&size=50")
        .json();
    assertThat(refused).extracting(e -> e.at("/details/reason").asText())
        .anyMatch(r -> r.contains("quarantined messages and was closed"));
  }

  @Test
  void anUnmappedSyslogRecordIsKeptRawForItsSystem() throws Exception {
    long unmapped = source("ERP-GL").get("unmapped").asLong();
    var activity = new ErpGlLogGenerator.Activity(morning, "john", "PRINT", "invoice", "AP-12345", null, null,
        "10.1.2.3");
    send(ErpGlLogGenerator.octetCounted(ErpGlLogGenerator.syslog(activity, erpToken)));
    JsonNode erp = await("ERP-GL", s -> s.get("unmapped").asLong() > unmapped);
    assertThat(erp.get("unmapped").asLong()).isEqualTo(unmapped + 1);
    assertThat(erp.get("recentRaw").get(0).get("reason").asText()).contains("action 'PRINT'");
    assertThat(erp.get("recentRaw").get(0).get("protocol").asText()).isEqualTo("syslog");
  }
}
