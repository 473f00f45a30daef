package org.itgc.logs;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.stereotype.Component;

/**
 * Maps a received record onto the event shape by its system's mapping ({@link LogSources}); a record the mapping
 * cannot read becomes an unmapped record with the reason, never an error and never dropped.
 */
@Component
class LogMapper {

  static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
  static final Duration MAX_AHEAD = Duration.ofDays(1);

  /** A record as received, before mapping: {@code document} is null when it could not be parsed ({@code reason}). */
  record Received(String protocol, String system, Instant receivedAt, String peerAddress, byte[] raw,
      JsonNode document, String reason) {}

  private static final int MAX_CACHED_PATHS = 4096;
  private static final java.util.concurrent.ConcurrentHashMap<String, String[]> PATHS =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** Epoch seconds as text, compiled once (String.matches compiles its pattern on every call). */
  private static final java.util.regex.Pattern EPOCH_SECONDS =
      java.util.regex.Pattern.compile("\\d{1,12}(\\.\\d{1,9})?");

  private final LogSources sources;

  LogMapper(LogSources sources) {
    this.sources = sources;
  }

  /** The record as stored: mapped, or unmapped with the reason (quarantined when it has no system). */
  LogRecord map(Received in) {
    Instant receivedAt = in.receivedAt().truncatedTo(ChronoUnit.MICROS);
    if (in.system() == null) {
      return raw(in, receivedAt, LogRecord.Status.QUARANTINED, in.reason());
    }
    if (in.document() == null) {
      return raw(in, receivedAt, LogRecord.Status.UNMAPPED, in.reason());
    }
    var source = sources.source(in.system());
    if (source.isEmpty()) {
      return raw(in, receivedAt, LogRecord.Status.UNMAPPED, "no mapping for " + in.system() + " in "
          + LogSources.FILE);
    }
    LogSourcesFile.Fields fields = source.get().formats().get(in.protocol());
    if (fields == null) {
      return raw(in, receivedAt, LogRecord.Status.UNMAPPED, "the mapping of " + in.system() + " has no format for "
          + in.protocol());
    }
    try {
      Instant occurredAt = time(value(in.document(), fields.occurredAt()), fields.occurredAt(), receivedAt);
      String actor = text(in.document(), fields.actor(), "actor", 255, true);
      String sourceAction = text(in.document(), fields.action(), "action", 1000, true);
      String action = source.get().actions().get(sourceAction);
      if (action == null) {
        throw new Unmapped("action '" + cut(sourceAction) + "' (" + fields.action() + ") is not in the actions table of "
            + in.system());
      }
      String objectType = text(in.document(), fields.objectType(), "objectType", 100, false);
      String objectId = text(in.document(), fields.objectId(), "objectId", 255, false);
      String before = json(in.document(), fields.before());
      String after = json(in.document(), fields.after());
      String sourceAddress = text(in.document(), fields.sourceAddress(), "sourceAddress", 255, false);
      return new LogRecord(0, occurredAt, receivedAt, in.system(), in.protocol(), LogRecord.Status.MAPPED, null,
          actor, action, objectType, objectId, before, after, sourceAddress, in.peerAddress(), in.raw());
    } catch (Unmapped e) {
      return raw(in, receivedAt, LogRecord.Status.UNMAPPED, e.getMessage());
    }
  }

  private static LogRecord raw(Received in, Instant receivedAt, LogRecord.Status status, String reason) {
    String why = reason == null ? "unreadable" : reason.replace('\u0000', '?');
    return new LogRecord(0, receivedAt, receivedAt, in.system(), in.protocol(), status,
        why.length() > 500 ? why.substring(0, 497) + "..." : why, null, null, null, null, null, null, null,
        in.peerAddress(), in.raw());
  }

  /** The node at a path (names separated by dots), a constant ({@code =value}), or null. */
  static JsonNode value(JsonNode document, String path) {
    if (path == null) {
      return null;
    }
    if (path.startsWith("=")) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(path.substring(1));
    }
    JsonNode node = document;
    for (String name : names(path)) {
      if (node == null) {
        break;
      }
      node = node.get(name);
    }
    return node == null || node.isNull() || node.isMissingNode() ? null : node;
  }

  /**
   * The names of a path, as {@code path.split("\\.")} gives them (empty names inside kept, trailing ones dropped),
   * split once per path: the paths are the mappings' few, and splitting them anew was a tenth of ingestion's CPU. Past
   * {@value #MAX_CACHED_PATHS} paths (which mappings never have) they are split each time rather than kept. The
   * array answered may be shared: not to be changed.
   */
  static String[] names(String path) {
    String[] names = PATHS.get(path);
    if (names == null) {
      names = path.split("\\.");
      if (PATHS.size() < MAX_CACHED_PATHS) {
        PATHS.putIfAbsent(path, names);
      }
    }
    return names;
  }

  private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
      100_000_000L, 1_000_000_000L};

  /**
   * Epoch seconds with a fraction as an instant: whole seconds toward zero, the fraction's first nine digits as
   * nanoseconds. For the usual shape (at most 18 digits, at most 9 after the point) in long arithmetic: the general
   * way (BigDecimal's remainder and point moves, a long division each) was a fifth of mapping's CPU.
   */
  static Instant epochSeconds(BigDecimal seconds) {
    int scale = seconds.scale();
    if (scale >= 0 && scale <= 9 && seconds.precision() <= 18) {
      long unscaled = seconds.unscaledValue().longValue();
      long unit = POWERS_OF_TEN[scale];
      return Instant.ofEpochSecond(unscaled / unit, unscaled % unit * POWERS_OF_TEN[9 - scale]);
    }
    return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).intValue());
  }

  /**
   * HEC's usual time, {@code <seconds>.<milliseconds>} (Jackson reads it as a double), as an instant without the
   * double's decimal text and BigDecimal arithmetic: when the double is the one nearest to a whole number of
   * milliseconds in this century, that number; otherwise null (the general way). Seconds with at most 3 decimals and
   * at most 13 digits are 15 significant digits or fewer, which a double holds exactly enough to give them back.
   */
  static Instant wholeMillis(double seconds) {
    if (!(seconds >= 946_684_800d && seconds < 4_102_444_800d)) {
      return null;
    }
    long millis = Math.round(seconds * 1000d);
    return millis / 1000d == seconds ? Instant.ofEpochMilli(millis) : null;
  }

  private static Instant time(JsonNode node, String path, Instant receivedAt) {
    if (node == null) {
      throw new Unmapped("occurredAt (" + path + ") is missing");
    }
    Instant time;
    try {
      if (node.isNumber() || node.isTextual() && EPOCH_SECONDS.matcher(node.asText()).matches()) {
        Instant millis = node.isDouble() ? wholeMillis(node.doubleValue()) : null;
        time = millis != null ? millis
            : epochSeconds(node.isNumber() ? node.decimalValue() : new BigDecimal(node.asText()));
      } else if (node.isTextual()) {
        time = Rfc3339.parse(node.asText());
      } else {
        throw new Unmapped("occurredAt (" + path + ") is neither epoch seconds nor an RFC 3339 date-time");
      }
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      throw new Unmapped("occurredAt (" + path + ") '" + cut(node.asText())
          + "' is neither epoch seconds nor an RFC 3339 date-time");
    }
    if (time.isBefore(EARLIEST) || time.isAfter(receivedAt.plus(MAX_AHEAD))) {
      throw new Unmapped("occurredAt (" + path + ") " + time + " is before 2000 or more than a day after it was "
          + "received");
    }
    return time.truncatedTo(ChronoUnit.MICROS);
  }

  private static String text(JsonNode document, String path, String field, int max, boolean required) {
    JsonNode node = value(document, path);
    if (node == null || node.isValueNode() && node.asText().isBlank()) {
      if (required) {
        throw new Unmapped(field + " (" + path + ") is missing");
      }
      return null;
    }
    if (!node.isValueNode()) {
      throw new Unmapped(field + " (" + path + ") is not a single value");
    }
    String value = node.asText();
    if (value.length() > max) {
      throw new Unmapped(field + " (" + path + ") is longer than " + max + " characters");
    }
    if (value.indexOf('\u0000') >= 0) {
      throw new Unmapped(field + " (" + path + ") contains a NUL character");
    }
    return value;
  }

  private static String json(JsonNode document, String path) {
    JsonNode node = value(document, path);
    return node == null ? null : node.toString();
  }

  private static String cut(String value) {
    String v = value.replace('\u0000', '?');
    return v.length() > 100 ? v.substring(0, 100) + "..." : v;
  }

  /** Why a record cannot be mapped. */
  static final class Unmapped extends RuntimeException {
    Unmapped(String message) {
      super(message, null, false, false);
    }
  }
}
