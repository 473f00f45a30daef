package org.itgc.logs;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * One record received from a financial system, as stored in {@code logs_record}: the raw bytes as they arrived and,
 * when the system's mapping read it ({@code status} mapped), the event in the engine's shape. An unmapped record (the
 * mapping could not read it) or a quarantined one (its sender was not authenticated; no system) carries the reason
 * instead; its {@code occurredAt} is the time it was received.
 *
 * @param beforeJson the object before the change, JSON text, where the source gives it
 * @param afterJson the object after the change, JSON text, where the source gives it
 * @param sourceAddress where the person acted from, as the record says (mapped)
 * @param peerAddress the network address the record came from (the HTTP client or the syslog connection's peer)
 */
public record LogRecord(long id, Instant occurredAt, Instant receivedAt, String system, String protocol,
    Status status, String reason, String actor, String action, String objectType, String objectId, String beforeJson,
    String afterJson, String sourceAddress, String peerAddress, byte[] raw) {

  /** The version tag that opens a record's canonical bytes. */
  public static final String FORMAT = "itgc-log-record-1";

  public enum Status {
    MAPPED, UNMAPPED, QUARANTINED;

    public String value() {
      return name().toLowerCase();
    }

    public static Status of(String value) {
      return valueOf(value.toUpperCase());
    }
  }

  public LogRecord withId(long newId) {
    return new LogRecord(newId, occurredAt, receivedAt, system, protocol, status, reason, actor, action, objectType,
        objectId, beforeJson, afterJson, sourceAddress, peerAddress, raw);
  }

  /**
   * The bytes a record's Merkle leaf hashes (docs/logs.md, "The proof"): the UTF-8 text {@value #FORMAT}, then each
   * field in this order as a 4-byte big-endian length and its bytes (UTF-8 for text, the raw bytes as received), a
   * length of -1 (0xFFFFFFFF) and no bytes for a field without value: id (decimal), system, protocol, status, reason,
   * received at, occurred at (ISO-8601 UTC as {@link DateTimeFormatter#ISO_INSTANT} writes it, at most microseconds),
   * actor, action, object type, object id, before, after, source address, peer address, raw.
   */
  public byte[] canonical() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 256);
    out.writeBytes(FORMAT.getBytes(StandardCharsets.UTF_8));
    text(out, Long.toString(id));
    text(out, system);
    text(out, protocol);
    text(out, status.value());
    text(out, reason);
    text(out, DateTimeFormatter.ISO_INSTANT.format(receivedAt));
    text(out, DateTimeFormatter.ISO_INSTANT.format(occurredAt));
    text(out, actor);
    text(out, action);
    text(out, objectType);
    text(out, objectId);
    text(out, beforeJson);
    text(out, afterJson);
    text(out, sourceAddress);
    text(out, peerAddress);
    bytes(out, raw);
    return out.toByteArray();
  }

  /**
   * The record that canonical bytes encode (the inverse of {@link #canonical()}); throws IllegalArgumentException when
   * the bytes are not a record's canonical form.
   */
  public static LogRecord fromCanonical(byte[] canonical) {
    byte[] format = FORMAT.getBytes(StandardCharsets.UTF_8);
    if (canonical.length < format.length
        || !java.util.Arrays.equals(java.util.Arrays.copyOf(canonical, format.length), format)) {
      throw new IllegalArgumentException("the canonical bytes do not start with " + FORMAT);
    }
    ByteBuffer in = ByteBuffer.wrap(canonical, format.length, canonical.length - format.length);
    byte[][] fields = new byte[16][];
    for (int i = 0; i < fields.length; i++) {
      if (in.remaining() < 4) {
        throw new IllegalArgumentException("the canonical bytes end before field " + (i + 1));
      }
      int length = in.getInt();
      if (length == -1) {
        continue;
      }
      if (length < 0 || length > in.remaining()) {
        throw new IllegalArgumentException("field " + (i + 1) + " of the canonical bytes has a bad length");
      }
      fields[i] = new byte[length];
      in.get(fields[i]);
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("the canonical bytes go on after their last field");
    }
    String[] t = new String[15];
    for (int i = 0; i < 15; i++) {
      t[i] = fields[i] == null ? null : new String(fields[i], StandardCharsets.UTF_8);
    }
    if (t[0] == null || t[2] == null || t[3] == null || t[5] == null || t[6] == null || fields[15] == null) {
      throw new IllegalArgumentException("the canonical bytes lack a required field");
    }
    try {
      LogRecord record = new LogRecord(Long.parseLong(t[0]), java.time.Instant.parse(t[6]),
          java.time.Instant.parse(t[5]), t[1], t[2], Status.of(t[3]), t[4], t[7], t[8], t[9], t[10], t[11], t[12],
          t[13], t[14], fields[15]);
      if (!java.util.Arrays.equals(record.canonical(), canonical)) {
        throw new IllegalArgumentException("the canonical bytes are not in canonical form");
      }
      return record;
    } catch (java.time.format.DateTimeParseException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the canonical bytes do not decode: " + e.getMessage(), e);
    }
  }

  public byte[] leafHash() {
    return Merkle.leafHash(canonical());
  }

  private static void text(ByteArrayOutputStream out, String value) {
    bytes(out, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  private static void bytes(ByteArrayOutputStream out, byte[] value) {
    int length = value == null ? -1 : value.length;
    out.write(length >>> 24);
    out.write(length >>> 16);
    out.write(length >>> 8);
    out.write(length);
    if (value != null) {
      out.writeBytes(value);
    }
  }
}
