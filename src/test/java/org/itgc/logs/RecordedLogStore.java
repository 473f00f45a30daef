package org.itgc.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server answering in the documented shapes of OpenSearch's/Elasticsearch's {@code _bulk} API and Splunk's HTTP
 * Event Collector, with the semantics the forwarder relies on: {@code create} stores a document once per {@code _id}
 * and answers 409 {@code version_conflict_engine_exception} after; ids marked so answer 429
 * {@code es_rejected_execution_exception} once or 400 {@code mapper_parsing_exception} always; the whole request can be
 * made to answer 503; the wrong credentials get 401 {@code security_exception}. Not a real instance: the shapes are
 * those of the documentation (docs/logs.md "Forwarding").
 */
final class RecordedLogStore {

  final ObjectMapper json = new ObjectMapper();
  final String basic;
  final String hecToken;
  final Map<String, JsonNode> documents = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> createAttempts = new ConcurrentHashMap<>();
  final Set<String> throttleOnce = ConcurrentHashMap.newKeySet();
  final Set<String> rejectMapping = ConcurrentHashMap.newKeySet();
  final List<JsonNode> hecEvents = new CopyOnWriteArrayList<>();
  final List<String> hecAuthorizations = new CopyOnWriteArrayList<>();
  final List<String> contentTypes = new CopyOnWriteArrayList<>();
  final AtomicInteger bulkRequests = new AtomicInteger();
  final AtomicInteger refusedAuth = new AtomicInteger();
  volatile boolean unavailable;
  private final int port;
  private HttpServer server;

  RecordedLogStore(int port, String user, String password, String hecToken) {
    this.port = port;
    this.basic = "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
    this.hecToken = hecToken;
  }

  synchronized void start() throws IOException {
    IOException last = null;
    for (int i = 0; i < 50; i++) {
      try {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        break;
      } catch (java.net.BindException e) {
        last = e;
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    if (server == null) {
      throw last;
    }
    server.createContext("/os/_bulk", this::bulk);
    server.createContext("/splunk/services/collector/event", this::hec);
    server.start();
  }

  synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  // ---- _bulk

  private void bulk(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
    if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      refusedAuth.incrementAndGet();
      answer(exchange, 401, """
          {"error":{"root_cause":[{"type":"security_exception","reason":"unable to authenticate user [itgc] for REST \
          request [/_bulk]"}],"type":"security_exception","reason":"unable to authenticate user [itgc] for REST request \
          [/_bulk]"},"status":401}""");
      return;
    }
    bulkRequests.incrementAndGet();
    if (unavailable) {
      answer(exchange, 503, """
          {"error":{"root_cause":[],"type":"cluster_block_exception","reason":"blocked by: [SERVICE_UNAVAILABLE/2/no \
          master];"},"status":503}""");
      return;
    }
    String text = new String(body, StandardCharsets.UTF_8);
    if (!text.endsWith("\n")) {
      answer(exchange, 400, "{\"error\":{\"type\":\"illegal_argument_exception\",\"reason\":\"The bulk request must "
          + "be terminated by a newline [\\n]\"},\"status\":400}");
      return;
    }
    String[] lines = text.split("\n");
    ObjectNode response = json.createObjectNode();
    response.put("took", 3);
    ArrayNode items = json.createArrayNode();
    boolean errors = false;
    for (int i = 0; i + 1 < lines.length; i += 2) {
      JsonNode action = json.readTree(lines[i]);
      JsonNode source = json.readTree(lines[i + 1]);
      JsonNode create = action.get("create");
      String id = create.get("_id").asText();
      String index = create.get("_index").asText();
      createAttempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      ObjectNode item = items.addObject().putObject("create");
      item.put("_index", index).put("_id", id);
      if (throttleOnce.remove(id)) {
        item.put("status", 429);
        item.putObject("error").put("type", "es_rejected_execution_exception").put("reason", "rejected execution of "
            + "coordinating operation [coordinating_and_primary_bytes=0, max_coordinating_and_primary_bytes=0]");
        errors = true;
      } else if (rejectMapping.contains(id)) {
        item.put("status", 400);
        item.putObject("error").put("type", "mapper_parsing_exception")
            .put("reason", "failed to parse field [objectId] of type [long] in document with id '" + id + "'");
        errors = true;
      } else if (documents.putIfAbsent(id, source) != null) {
        item.put("status", 409);
        item.putObject("error").put("type", "version_conflict_engine_exception")
            .put("reason", "[" + id + "]: version conflict, document already exists (current version [1])")
            .put("index", index);
        errors = true;
      } else {
        item.put("_version", 1).put("result", "created").put("_seq_no", documents.size() - 1)
            .put("_primary_term", 1).put("status", 201);
        item.putObject("_shards").put("total", 2).put("successful", 1).put("failed", 0);
      }
    }
    response.put("errors", errors);
    response.set("items", items);
    answer(exchange, 200, json.writeValueAsString(response));
  }

  /** The ids stored, each once by construction; with the number of create attempts each took. */
  Map<String, Integer> attempts() {
    Map<String, Integer> all = new java.util.TreeMap<>();
    createAttempts.forEach((k, v) -> all.put(k, v.get()));
    return Collections.unmodifiableMap(all);
  }

  // ---- HEC

  private void hec(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    hecAuthorizations.add(String.valueOf(authorization));
    if (authorization == null) {
      answer(exchange, 401, "{\"text\":\"Token is required\",\"code\":2}");
      return;
    }
    if (!("Splunk " + hecToken).equals(authorization)) {
      answer(exchange, 403, "{\"text\":\"Invalid token\",\"code\":4}");
      return;
    }
    List<JsonNode> events = new ArrayList<>();
    try (MappingIterator<JsonNode> it = json.readerFor(JsonNode.class).readValues(body)) {
      while (it.hasNext()) {
        JsonNode event = it.next();
        if (!event.has("event")) {
          answer(exchange, 400, "{\"text\":\"Event field is required\",\"code\":12,\"invalid-event-number\":"
              + events.size() + "}");
          return;
        }
        events.add(event);
      }
    } catch (IOException e) {
      answer(exchange, 400, "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":" + events.size()
          + "}");
      return;
    }
    hecEvents.addAll(events);
    answer(exchange, 200, "{\"text\":\"Success\",\"code\":0}");
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
