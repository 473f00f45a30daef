package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The forwarder's wire: documents, the _bulk NDJSON body and the reading of its answer, HEC's body and answer. */
class LogForwardWireTest {

  private final ObjectMapper json = new ObjectMapper();

  private static LogForwardWire.Sealed sealed(long id, byte[] raw) {
    LogRecord r = new LogRecord(id, Instant.parse("2026-12-04T09:15:30.123456Z"),
        Instant.parse("2026-12-04T09:15:31Z"), "ERP-GL", "hec", LogRecord.Status.MAPPED, null, "mary", "update",
        "invoice", "AP-12345", "{\"amount\":1200}", "{\"amount\":1250}", "10.1.2.4", "127.0.0.1", raw);
    return new LogForwardWire.Sealed(r, 7, (int) id - 40, 9, "ab".repeat(32), 812,
        Instant.parse("2026-12-04T09:15:36Z"));
  }

  private static LogForwardWire.Sealed sealed(long id) {
    return sealed(id, "{\"event\":{}}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void bulkBodyIsNdjsonOfCreateActionsAndDocumentsEndingWithANewline() throws Exception {
    byte[] body = LogForwardWire.bulkBody(json, "itgc-logs", List.of(sealed(41), sealed(42)));
    String text = new String(body, StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    String[] lines = text.split("\n");
    assertThat(lines).hasSize(4);
    assertThat(json.readTree(lines[0]).toString()).isEqualTo("{\"create\":{\"_index\":\"itgc-logs\",\"_id\":\"41\"}}");
    JsonNode doc = json.readTree(lines[1]);
    assertThat(doc.get("id").asLong()).isEqualTo(41);
    assertThat(doc.get("@timestamp").asText()).isEqualTo("2026-12-04T09:15:30.123456Z");
    assertThat(doc.get("changes").asBoolean()).isTrue();
    assertThat(doc.get("before").asText()).isEqualTo("{\"amount\":1200}");
    assertThat(doc.get("raw").asText()).isEqualTo("{\"event\":{}}");
    assertThat(doc.has("reason")).isFalse();
    assertThat(doc.at("/seal/batchId").asLong()).isEqualTo(7);
    assertThat(doc.at("/seal/leafIndex").asInt()).isEqualTo(1);
    assertThat(doc.at("/seal/leafCount").asInt()).isEqualTo(9);
    assertThat(doc.at("/seal/leafHash").asText()).isEqualTo(Merkle.hex(sealed(41).record().leafHash()));
    assertThat(doc.at("/seal/auditEvent/sequence").asLong()).isEqualTo(812);
    assertThat(json.readTree(lines[2]).at("/create/_id").asText()).isEqualTo("42");
  }

  @Test
  void rawBytesThatAreNotUtf8GoAsBase64() {
    byte[] raw = {(byte) 0xff, (byte) 0xfe, 'a'};
    JsonNode doc = LogForwardWire.document(json, sealed(41, raw));
    assertThat(doc.has("raw")).isFalse();
    assertThat(doc.get("rawBase64").asText()).isEqualTo("//5h");
  }

  @Test
  void bulkItemsAreReadInOrder() {
    String answer = """
        {"took":30,"errors":true,"items":[
          {"create":{"_index":"itgc-logs","_id":"41","_version":1,"result":"created","status":201}},
          {"create":{"_index":"itgc-logs","_id":"42","status":409,"error":{"type":"version_conflict_engine_exception",
            "reason":"[42]: version conflict, document already exists (current version [1])"}}},
          {"create":{"_index":"itgc-logs","_id":"43","status":429,"error":{"type":"es_rejected_execution_exception",
            "reason":"rejected execution"}}},
          {"create":{"_index":"itgc-logs","_id":"44","status":400,"error":{"type":"mapper_parsing_exception",
            "reason":"failed to parse field [objectId]"}}},
          {"create":{"_index":"itgc-logs","_id":"45","status":503,"error":{"type":"unavailable_shards_exception",
            "reason":"primary shard is not active"}}},
          {"index":{"_index":"itgc-logs","_id":"46","status":200}}]}
        """;
    List<LogForwardWire.Item> items = LogForwardWire.bulkItems(json, answer.getBytes(StandardCharsets.UTF_8),
        List.of(sealed(41), sealed(42), sealed(43), sealed(44), sealed(45), sealed(46)));
    assertThat(items).extracting(LogForwardWire.Item::outcome).containsExactly(LogForwardWire.Outcome.DELIVERED,
        LogForwardWire.Outcome.DELIVERED, LogForwardWire.Outcome.RETRY, LogForwardWire.Outcome.DEAD,
        LogForwardWire.Outcome.RETRY, LogForwardWire.Outcome.DELIVERED);
    assertThat(items.get(3).errorType()).isEqualTo("mapper_parsing_exception");
    assertThat(items.get(3).reason()).isEqualTo("failed to parse field [objectId]");
    assertThat(items.get(3).status()).isEqualTo(400);
  }

  @Test
  void aBulkAnswerThatDoesNotMatchTheRequestIsRefused() {
    List<LogForwardWire.Sealed> two = List.of(sealed(41), sealed(42));
    assertThatThrownBy(() -> LogForwardWire.bulkItems(json, "<html>".getBytes(StandardCharsets.UTF_8), two))
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> LogForwardWire.bulkItems(json, "{\"took\":1,\"errors\":false}".getBytes(), two))
        .hasMessageContaining("no items");
    assertThatThrownBy(() -> LogForwardWire.bulkItems(json,
        "{\"errors\":false,\"items\":[{\"create\":{\"_id\":\"41\",\"status\":201}}]}".getBytes(), two))
        .hasMessageContaining("1 items for 2");
    assertThatThrownBy(() -> LogForwardWire.bulkItems(json, ("{\"errors\":false,\"items\":[{\"create\":{\"_id\":\"41\","
        + "\"status\":201}},{\"create\":{\"_id\":\"99\",\"status\":201}}]}").getBytes(), two))
        .hasMessageContaining("_id 99, not 42");
    assertThatThrownBy(() -> LogForwardWire.bulkItems(json, ("{\"errors\":false,\"items\":[{\"create\":{\"_id\":\"41\","
        + "\"status\":201}},{\"create\":{\"_id\":\"42\"}}]}").getBytes(), two))
        .hasMessageContaining("no status");
  }

  @Test
  void hecBodyIsEventObjectsOneAfterAnother() throws Exception {
    byte[] body = LogForwardWire.hecBody(json, "itgc", "itgc:log-record", List.of(sealed(41), sealed(42)));
    List<JsonNode> events = json.readerFor(JsonNode.class).<JsonNode>readValues(body).readAll();
    assertThat(events).hasSize(2);
    assertThat(events.get(0).get("time").decimalValue().toPlainString()).isEqualTo("1796375730.123456");
    assertThat(events.get(0).get("host").asText()).isEqualTo("ERP-GL");
    assertThat(events.get(0).get("sourcetype").asText()).isEqualTo("itgc:log-record");
    assertThat(events.get(0).get("index").asText()).isEqualTo("itgc");
    assertThat(events.get(1).at("/event/id").asLong()).isEqualTo(42);
    assertThat(events.get(1).at("/event/seal/root").asText()).isEqualTo("ab".repeat(32));
  }

  @Test
  void hecAnswersAreRead() {
    assertThat(LogForwardWire.hecAnswer(json, "{\"text\":\"Success\",\"code\":0}".getBytes()))
        .isEqualTo(new LogForwardWire.HecAnswer("Success", 0, null));
    assertThat(LogForwardWire.hecAnswer(json,
        "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":2}".getBytes()))
        .isEqualTo(new LogForwardWire.HecAnswer("Invalid data format", 6, 2));
    assertThat(LogForwardWire.hecAnswer(json, "Bad gateway".getBytes()).code()).isEqualTo(-1);
  }
}
