package org.itgc.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.itgc.security.ApiCredentials;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Splunk HTTP Event Collector (HEC) compatible endpoint, so that systems and shippers that speak HEC (Fluent Bit,
 * Vector, OpenTelemetry's Splunk exporter, Splunk's logging libraries) send here as they would to Splunk:
 * {@code POST /services/collector/event} with {@code Authorization: Splunk <token>} (a credential of scope logs,
 * bound to one system), a body of one or more JSON events one after another. Answers are HEC's: {@code {"text":
 * "Success","code":0}}; refusals carry HEC's text and code inside a problem+json body (docs/logs.md).
 */
@RestController
class HecController {

  private final LogSenders senders;
  private final LogIngest ingest;
  private final ObjectMapper json;
  private final Clock clock;
  private final int maxBody;

  HecController(LogSenders senders, LogIngest ingest, ObjectMapper json, Clock clock,
      @Value("${itgc.logs.hec.max-body-bytes:10000000}") int maxBody) {
    this.senders = senders;
    this.ingest = ingest;
    this.json = json;
    this.clock = clock;
    this.maxBody = maxBody;
  }

  /** HEC's health check, which shippers (Vector, Fluent Bit) call before sending: code 17, no token needed. */
  @org.springframework.web.bind.annotation.GetMapping({"/services/collector/health",
      "/services/collector/health/1.0"})
  ResponseEntity<Map<String, Object>> health() {
    Map<String, Object> healthy = new LinkedHashMap<>();
    healthy.put("text", "HEC is healthy");
    healthy.put("code", 17);
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(healthy);
  }

  @PostMapping({"/services/collector", "/services/collector/event", "/services/collector/event/1.0"})
  ResponseEntity<?> collect(HttpServletRequest request) throws IOException {
    String authorization = request.getHeader("Authorization");
    if (authorization == null || authorization.isBlank()) {
      senders.refused("hec", null, request.getRemoteAddr(), "no Authorization header", null);
      return refusal(request, HttpStatus.UNAUTHORIZED, 2, "Token is required",
          "Send the system's logs credential as 'Authorization: Splunk <token>'.");
    }
    if (!authorization.regionMatches(true, 0, "Splunk ", 0, 7)) {
      senders.refused("hec", null, request.getRemoteAddr(), "an Authorization header without the Splunk scheme", null);
      return refusal(request, HttpStatus.UNAUTHORIZED, 3, "Invalid authorization",
          "The Authorization header must be 'Splunk <token>'.");
    }
    String token = authorization.substring(7).strip();
    Optional<ApiCredentials.LogSender> sender = senders.authenticate(token);
    if (sender.isEmpty()) {
      senders.refused("hec", null, request.getRemoteAddr(), senders.whyRefused(token), null);
      return refusal(request, HttpStatus.FORBIDDEN, 4, "Invalid token",
          "The token is not a valid credential of scope logs (unknown, revoked, expired, or of another scope).");
    }
    String system = sender.get().system();
    byte[] body;
    try {
      body = body(request);
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      return refusal(request, HttpStatus.BAD_REQUEST, 6, "Invalid data format",
          "The body says Content-Encoding: gzip but is not gzip: " + e.getMessage());
    }
    if (body == null) {
      return refusal(request, HttpStatus.PAYLOAD_TOO_LARGE, 6, "Invalid data format",
          "The body is larger than " + maxBody + " bytes: send fewer events per request.");
    }
    if (HecBody.isBlank(body)) {
      return refusal(request, HttpStatus.BAD_REQUEST, 5, "No data", "The body holds no event.");
    }
    List<HecBody.Item> items = HecBody.parse(body, json);
    for (int i = 0; i < items.size(); i++) {
      JsonNode index = items.get(i).json() == null ? null : items.get(i).json().get("index");
      if (index != null && !index.isNull() && !index.asText().equals(system)) {
        String actor = "api:" + sender.get().id();
        senders.refused("hec", actor, request.getRemoteAddr(), "event " + i + " names index " + index.asText()
            + ", but the credential is bound to " + system, index.asText());
        ResponseEntity<ProblemDetail> refusal = refusal(request, HttpStatus.FORBIDDEN, 7, "Incorrect index",
            "Event " + i + " names index '" + index.asText() + "'; this credential sends the logs of " + system
                + " only. Nothing of this request was stored.");
        refusal.getBody().setProperty("invalid-event-number", i);
        return refusal;
      }
    }
    Instant now = clock.instant();
    List<LogMapper.Received> received = new ArrayList<>();
    for (HecBody.Item item : items) {
      received.add(new LogMapper.Received("hec", system, now, request.getRemoteAddr(), item.raw(),
          item.problem() == null ? item.json() : null, item.reason()));
    }
    ingest.accept(received);
    for (int i = 0; i < items.size(); i++) {
      HecBody.Problem problem = items.get(i).problem();
      if (problem != null) {
        ResponseEntity<ProblemDetail> refusal = refusal(request, HttpStatus.BAD_REQUEST, problem.code, problem.text,
            "Event " + i + ": " + items.get(i).reason() + ". It is kept raw as an unmapped record of " + system
                + "; the other events of the request are stored.");
        refusal.getBody().setProperty("invalid-event-number", i);
        return refusal;
      }
    }
    Map<String, Object> success = new LinkedHashMap<>();
    success.put("text", "Success");
    success.put("code", 0);
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(success);
  }

  /** The body, gunzipped when it says so; null when it is larger than the limit. */
  private byte[] body(HttpServletRequest request) throws IOException {
    InputStream in = request.getInputStream();
    if ("gzip".equalsIgnoreCase(request.getHeader("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    byte[] body = in.readNBytes(maxBody + 1);
    return body.length > maxBody ? null : body;
  }

  private static ResponseEntity<ProblemDetail> refusal(HttpServletRequest request, HttpStatus status, int code,
      String text, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(status.getReasonPhrase());
    problem.setInstance(java.net.URI.create(request.getRequestURI()));
    problem.setProperty("text", text);
    problem.setProperty("code", code);
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }
}
