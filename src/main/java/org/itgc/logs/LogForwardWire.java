package org.itgc.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What goes over the wire to a destination (docs/logs.md "Forwarding"): each sealed record as one JSON document (the
 * event shape and its seal), the Elasticsearch/OpenSearch {@code _bulk} NDJSON body and the reading of its answer
 * item by item, and the Splunk HEC body and the reading of its answer.
 */
final class LogForwardWire {

  private LogForwardWire() {}

  /** A sealed record with its place in its batch and what the batch carries. */
  record Sealed(LogRecord record, long batchId, int leafIndex, int leafCount, String root, long auditEventSequence,
      Instant sealedAt) {}

  /** The document of a record: the event shape, the raw record, and the seal that lets the engine prove it. */
  static ObjectNode document(ObjectMapper json, Sealed s) {
    LogRecord r = s.record();
    ObjectNode doc = json.createObjectNode();
    doc.put("@timestamp", DateTimeFormatter.ISO_INSTANT.format(r.occurredAt()));
    doc.put("id", r.id());
    put(doc, "system", r.system());
    doc.put("protocol", r.protocol());
    doc.put("status", r.status().value());
    put(doc, "reason", r.reason());
    doc.put("occurredAt", DateTimeFormatter.ISO_INSTANT.format(r.occurredAt()));
    doc.put("receivedAt", DateTimeFormatter.ISO_INSTANT.format(r.receivedAt()));
    put(doc, "actor", r.actor());
    put(doc, "action", r.action());
    if (r.action() != null) {
      doc.put("changes", LogAction.of(r.action()).map(LogAction::changes).orElse(false));
    }
    put(doc, "objectType", r.objectType());
    put(doc, "objectId", r.objectId());
    // JSON text as stored (as the canonical bytes have it): one field type whatever the objects' shapes
    put(doc, "before", r.beforeJson());
    put(doc, "after", r.afterJson());
    put(doc, "sourceAddress", r.sourceAddress());
    put(doc, "peerAddress", r.peerAddress());
    String raw = utf8(r.raw());
    if (raw != null) {
      doc.put("raw", raw);
    } else {
      doc.put("rawBase64", Base64.getEncoder().encodeToString(r.raw()));
    }
    ObjectNode seal = doc.putObject("seal");
    seal.put("batchId", s.batchId());
    seal.put("leafIndex", s.leafIndex());
    seal.put("leafCount", s.leafCount());
    seal.put("leafHash", Merkle.hex(r.leafHash()));
    seal.put("root", s.root().strip());
    seal.put("sealedAt", DateTimeFormatter.ISO_INSTANT.format(s.sealedAt()));
    ObjectNode audit = seal.putObject("auditEvent");
    audit.put("sequence", s.auditEventSequence());
    audit.put("action", LogSealer.SEAL_ACTION);
    audit.put("objectId", Long.toString(s.batchId()));
    return doc;
  }

  private static void put(ObjectNode doc, String field, String value) {
    if (value != null) {
      doc.put(field, value);
    }
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- Elasticsearch / OpenSearch _bulk

  /**
   * The NDJSON body of a {@code _bulk} request: per record the action line {@code {"create":{"_index":..,"_id":..}}}
   * (create: a document already there is a 409, never overwritten) and the document, each line ended by a newline.
   */
  static byte[] bulkBody(ObjectMapper json, String index, List<Sealed> records) {
    StringBuilder body = new StringBuilder(records.size() * 1024);
    try {
      for (Sealed s : records) {
        ObjectNode action = json.createObjectNode();
        action.putObject("create").put("_index", index).put("_id", Long.toString(s.record().id()));
        body.append(json.writeValueAsString(action)).append('\n');
        body.append(json.writeValueAsString(document(json, s))).append('\n');
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** What became of one document. */
  enum Outcome { DELIVERED, RETRY, DEAD }

  /** One item of a bulk answer: its outcome, status, and the error's type and reason where there is one. */
  record Item(String id, Outcome outcome, int status, String errorType, String reason) {}

  /**
   * Reads a {@code _bulk} answer ({@code {"took":..,"errors":..,"items":[{"create":{"_index","_id","status",
   * "error":{"type","reason"}}}]}}) against the records sent, item i answering record i: 2xx and 409 (the document is
   * there already: an earlier attempt delivered it) are delivered; 429 and 5xx are retried; any other status (a
   * mapping the document does not fit, 400) is dead. Throws {@link IllegalArgumentException} when the answer does not
   * match the request (not JSON, no items, another count, another id), which the caller treats as a failed request.
   */
  static List<Item> bulkItems(ObjectMapper json, byte[] answer, List<Sealed> sent) {
    JsonNode root;
    try {
      root = json.readTree(answer);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("the _bulk answer is not JSON: " + e.getMessage());
    }
    JsonNode items = root == null ? null : root.get("items");
    if (items == null || !items.isArray()) {
      throw new IllegalArgumentException("the _bulk answer has no items");
    }
    if (items.size() != sent.size()) {
      throw new IllegalArgumentException("the _bulk answer has " + items.size() + " items for " + sent.size()
          + " documents");
    }
    List<Item> result = new ArrayList<>(sent.size());
    for (int i = 0; i < sent.size(); i++) {
      JsonNode item = items.get(i);
      JsonNode op = item != null && item.isObject() && item.size() == 1 ? item.elements().next() : null;
      if (op == null || !op.isObject()) {
        throw new IllegalArgumentException("item " + i + " of the _bulk answer is not {\"<op>\": {...}}");
      }
      String id = Long.toString(sent.get(i).record().id());
      if (op.hasNonNull("_id") && !id.equals(op.get("_id").asText())) {
        throw new IllegalArgumentException("item " + i + " of the _bulk answer is _id " + op.get("_id").asText()
            + ", not " + id);
      }
      if (!op.path("status").canConvertToInt()) {
        throw new IllegalArgumentException("item " + i + " of the _bulk answer has no status");
      }
      int status = op.get("status").asInt();
      JsonNode error = op.get("error");
      String type = error == null ? null : error.isObject() ? error.path("type").asText(null) : null;
      String reason = error == null ? null : error.isObject() ? error.path("reason").asText(null) : error.asText();
      Outcome outcome = (status >= 200 && status < 300) || status == 409 ? Outcome.DELIVERED
          : status == 429 || status >= 500 ? Outcome.RETRY : Outcome.DEAD;
      result.add(new Item(id, outcome, status, type, reason));
    }
    return result;
  }

  // ---------------------------------------------------------------- Splunk HEC

  /**
   * The body of a HEC request: one event object per record, one after another ({@code time} the epoch seconds with
   * the fraction, {@code host} the system (or {@code quarantine}), {@code source}, {@code sourcetype}, {@code index}
   * where configured, {@code event} the document).
   */
  static byte[] hecBody(ObjectMapper json, String index, String sourcetype, List<Sealed> records) {
    StringBuilder body = new StringBuilder(records.size() * 1024);
    try {
      for (Sealed s : records) {
        LogRecord r = s.record();
        ObjectNode event = json.createObjectNode();
        Instant t = r.occurredAt();
        event.put("time", BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9))
            .stripTrailingZeros());
        event.put("host", r.system() == null ? "quarantine" : r.system());
        event.put("source", "itgc-engine:" + r.protocol());
        event.put("sourcetype", sourcetype);
        if (index != null) {
          event.put("index", index);
        }
        event.set("event", document(json, s));
        body.append(json.writeValueAsString(event)).append('\n');
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A HEC answer: {@code {"text":..,"code":..,"invalid-event-number":..}}; code -1 when it is not one. */
  record HecAnswer(String text, int code, Integer invalidEventNumber) {}

  static HecAnswer hecAnswer(ObjectMapper json, byte[] answer) {
    try {
      JsonNode root = json.readTree(answer);
      if (root == null || !root.isObject() || !root.path("code").canConvertToInt()) {
        return new HecAnswer(abbreviate(new String(answer, StandardCharsets.UTF_8)), -1, null);
      }
      JsonNode invalid = root.get("invalid-event-number");
      return new HecAnswer(root.path("text").asText(""), root.get("code").asInt(),
          invalid != null && invalid.canConvertToInt() ? invalid.asInt() : null);
    } catch (java.io.IOException e) {
      return new HecAnswer(abbreviate(new String(answer, StandardCharsets.UTF_8)), -1, null);
    }
  }

  static String abbreviate(String text) {
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
  }
}
