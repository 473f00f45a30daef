package org.itgc.logs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The body of a request to the Splunk HEC event endpoint: one or more JSON objects one after another (whitespace
 * between them allowed, no commas, no array), each {@code {"time", "host", "source", "sourcetype", "index", "event",
 * "fields"}} with {@code event} required and not blank. Each item keeps its own bytes as they arrived. Parsing stops
 * at the first text that is not a JSON object: the rest of the body is one malformed item.
 */
final class HecBody {

  /** HEC's codes for a bad event (Splunk's documented status codes). */
  enum Problem {
    INVALID_DATA_FORMAT(6, "Invalid data format"), EVENT_REQUIRED(12, "Event field is required"),
    EVENT_BLANK(13, "Event field cannot be blank");

    final int code;
    final String text;

    Problem(int code, String text) {
      this.code = code;
      this.text = text;
    }
  }

  /** An event of the body: its bytes, and its JSON unless it is malformed ({@code problem} then says why). */
  record Item(byte[] raw, JsonNode json, Problem problem, String reason) {}

  private HecBody() {}

  static List<Item> parse(byte[] body, ObjectMapper mapper) {
    List<Item> items = new ArrayList<>();
    long consumed = 0;
    try (JsonParser parser = mapper.getFactory().createParser(body)) {
      while (true) {
        JsonToken token;
        long start;
        try {
          token = parser.nextToken();
          if (token == null) {
            return items;
          }
          start = parser.currentTokenLocation().getByteOffset();
        } catch (JsonProcessingException e) {
          items.add(rest(body, consumed, "not JSON: " + e.getOriginalMessage()));
          return items;
        }
        if (token != JsonToken.START_OBJECT) {
          items.add(rest(body, consumed, "an event must be a JSON object, found " + token));
          return items;
        }
        JsonNode node;
        try {
          node = mapper.readTree(parser);
        } catch (JsonProcessingException e) {
          items.add(rest(body, consumed, "not JSON: " + e.getOriginalMessage()));
          return items;
        }
        long end = parser.currentLocation().getByteOffset();
        byte[] raw = Arrays.copyOfRange(body, (int) start, (int) end);
        consumed = end;
        JsonNode event = node.get("event");
        if (event == null || event.isNull()) {
          items.add(new Item(raw, node, Problem.EVENT_REQUIRED, "the event field is required"));
        } else if (event.isTextual() && event.asText().isBlank() || event.isContainerNode() && event.isEmpty()) {
          items.add(new Item(raw, node, Problem.EVENT_BLANK, "the event field is blank"));
        } else {
          items.add(new Item(raw, node, null, null));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("reading a body in memory failed", e);
    }
  }

  /**
   * Whether the body, read as UTF-8, is blank ({@link String#isBlank}): decided on the bytes while they are ASCII, so
   * that a body of events (which starts with a brace) is not decoded whole only to find its first character; a body
   * whose first non-blank byte is not ASCII is decoded as before.
   */
  static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b < 0) {
        return new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank();
      }
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }

  private static Item rest(byte[] body, long from, String reason) {
    int start = (int) Math.max(0, Math.min(from, body.length));
    while (start < body.length && Character.isWhitespace(body[start])) {
      start++;
    }
    return new Item(Arrays.copyOfRange(body, start, body.length), null, Problem.INVALID_DATA_FORMAT, reason);
  }
}
