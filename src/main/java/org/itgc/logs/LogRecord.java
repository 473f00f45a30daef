package org.itgc.logs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.itgc.platform.IsoInstant;

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
    // sized exactly and filled in one pass: this runs for every record sealed (docs/logs.md, "The proof"), and a
    // growing stream with synchronized writes plus the ISO formatter were most of its cost
    byte[] systemBytes = utf8(system);
    byte[] protocolBytes = utf8(protocol);
    byte[] reasonBytes = utf8(reason);
    byte[] actorBytes = utf8(actor);
    byte[] actionBytes = utf8(action);
    byte[] objectTypeBytes = utf8(objectType);
    byte[] objectIdBytes = utf8(objectId);
    byte[] beforeBytes = utf8(beforeJson);
    byte[] afterBytes = utf8(afterJson);
    byte[] sourceAddressBytes = utf8(sourceAddress);
    byte[] peerAddressBytes = utf8(peerAddress);
    byte[] statusBytes = STATUS_BYTES[status.ordinal()];
    int idLength = decimalLength(id);
    int receivedLength = IsoInstant.length(receivedAt);
    int occurredLength = IsoInstant.length(occurredAt);
    int size = FORMAT_BYTES.length + 16 * 4 + idLength + receivedLength + occurredLength + statusBytes.length
        + length(systemBytes) + length(protocolBytes) + length(reasonBytes) + length(actorBytes) + length(actionBytes)
        + length(objectTypeBytes) + length(objectIdBytes) + length(beforeBytes) + length(afterBytes)
        + length(sourceAddressBytes) + length(peerAddressBytes) + length(raw);
    byte[] out = new byte[size];
    System.arraycopy(FORMAT_BYTES, 0, out, 0, FORMAT_BYTES.length);
    int o = FORMAT_BYTES.length;
    o = putLength(out, o, idLength);
    o = putDecimal(out, o, id, idLength);
    o = put(out, o, systemBytes);
    o = put(out, o, protocolBytes);
    o = put(out, o, statusBytes);
    o = put(out, o, reasonBytes);
    o = putLength(out, o, receivedLength);
    o = IsoInstant.write(receivedAt, out, o);
    o = putLength(out, o, occurredLength);
    o = IsoInstant.write(occurredAt, out, o);
    o = put(out, o, actorBytes);
    o = put(out, o, actionBytes);
    o = put(out, o, objectTypeBytes);
    o = put(out, o, objectIdBytes);
    o = put(out, o, beforeBytes);
    o = put(out, o, afterBytes);
    o = put(out, o, sourceAddressBytes);
    o = put(out, o, peerAddressBytes);
    o = put(out, o, raw);
    if (o != size) {
      throw new IllegalStateException("canonical bytes of record " + id + ": wrote " + o + " of " + size);
    }
    return out;
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

  private static final byte[] FORMAT_BYTES = FORMAT.getBytes(StandardCharsets.UTF_8);
  private static final byte[][] STATUS_BYTES = java.util.Arrays.stream(Status.values())
      .map(s -> s.value().getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

  private static byte[] utf8(String value) {
    return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
  }

  private static int length(byte[] value) {
    return value == null ? 0 : value.length;
  }

  /** A field: its length (-1 for none) as 4 bytes big-endian, then its bytes. */
  private static int put(byte[] out, int offset, byte[] value) {
    int o = putLength(out, offset, value == null ? -1 : value.length);
    if (value == null) {
      return o;
    }
    System.arraycopy(value, 0, out, o, value.length);
    return o + value.length;
  }

  private static int putLength(byte[] out, int offset, int length) {
    out[offset] = (byte) (length >>> 24);
    out[offset + 1] = (byte) (length >>> 16);
    out[offset + 2] = (byte) (length >>> 8);
    out[offset + 3] = (byte) length;
    return offset + 4;
  }

  /** The characters of {@link Long#toString(long)}. */
  private static int decimalLength(long value) {
    if (value == Long.MIN_VALUE) {
      return 20;
    }
    int length = value < 0 ? 2 : 1;
    long v = Math.abs(value);
    for (long bound = 10; v >= bound && length < (value < 0 ? 20 : 19); bound *= 10) {
      length++;
    }
    return length;
  }

  /** {@link Long#toString(long)} as ASCII bytes, {@code length} of them ({@link #decimalLength}). */
  private static int putDecimal(byte[] out, int offset, long value, int length) {
    if (value == Long.MIN_VALUE) {
      byte[] text = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(text, 0, out, offset, text.length);
      return offset + text.length;
    }
    long v = Math.abs(value);
    for (int i = offset + length - 1; i >= offset; i--) {
      if (i == offset && value < 0) {
        out[i] = '-';
      } else {
        out[i] = (byte) ('0' + v % 10);
        v /= 10;
      }
    }
    return offset + length;
  }
}
