package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A record's canonical bytes (its Merkle leaf) are what they were before they were computed in one pass: the former
 * implementation (a stream and {@link DateTimeFormatter#ISO_INSTANT}) is kept here as the reference, and seeded random
 * records with missing fields, non-ASCII text, control characters, odd ids and every kind of fraction of a second must
 * give the same bytes, the same leaf hash, and decode back to themselves.
 */
class LogRecordCanonicalTest {

  private static final String ALPHABET = "aZ09 .-_\\\t\n\r\"{}:éß✓𝄞\u0001";

  @Test
  void sameBytesAsTheFormerImplementation() {
    Random random = new Random(42L);
    LogRecord.Status[] statuses = LogRecord.Status.values();
    long[] ids = {0, 1, 9, 10, 99, 100, 123_456_789, Long.MAX_VALUE, -1, -10, Long.MIN_VALUE};
    for (int i = 0; i < 20_000; i++) {
      long id = i < ids.length ? ids[i] : random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(1_000_000);
      LogRecord record = new LogRecord(id, time(random), time(random), text(random), text(random),
          statuses[random.nextInt(statuses.length)], text(random), text(random), text(random), text(random),
          text(random), text(random), text(random), text(random), text(random), bytes(random));
      byte[] canonical = record.canonical();
      assertThat(canonical).as("record %d", i).isEqualTo(formerCanonical(record));
      assertThat(record.leafHash()).isEqualTo(formerLeafHash(canonical));
      if (record.protocol() != null) {
        LogRecord back = LogRecord.fromCanonical(canonical);
        assertThat(back.canonical()).isEqualTo(canonical);
      }
    }
  }

  private static Instant time(Random random) {
    long second = random.nextInt(8) == 0 ? random.nextLong() % 253_402_300_799L : 946_684_800L + random.nextInt();
    int nano = switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> random.nextInt(1000) * 1_000_000;
      case 2 -> random.nextInt(1_000_000) * 1_000;
      default -> random.nextInt(1_000_000_000);
    };
    return Instant.ofEpochSecond(second, nano);
  }

  private static String text(Random random) {
    if (random.nextInt(5) == 0) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(random.nextInt(10) == 0 ? 400 : 20);
    for (int i = 0; i < length; i++) {
      text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return text.toString();
  }

  private static byte[] bytes(Random random) {
    byte[] bytes = new byte[random.nextInt(300)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** LogRecord.canonical() as it was written before (commit 359003f). */
  private static byte[] formerCanonical(LogRecord r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(r.raw().length + 256);
    out.writeBytes(LogRecord.FORMAT.getBytes(StandardCharsets.UTF_8));
    text(out, Long.toString(r.id()));
    text(out, r.system());
    text(out, r.protocol());
    text(out, r.status().value());
    text(out, r.reason());
    text(out, DateTimeFormatter.ISO_INSTANT.format(r.receivedAt()));
    text(out, DateTimeFormatter.ISO_INSTANT.format(r.occurredAt()));
    text(out, r.actor());
    text(out, r.action());
    text(out, r.objectType());
    text(out, r.objectId());
    text(out, r.beforeJson());
    text(out, r.afterJson());
    text(out, r.sourceAddress());
    text(out, r.peerAddress());
    bytes(out, r.raw());
    return out.toByteArray();
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

  /** Merkle.leafHash as it was: a new digest per leaf. */
  private static byte[] formerLeafHash(byte[] leaf) {
    try {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      digest.update((byte) 0x00);
      return digest.digest(leaf);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
