package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The COPY text that {@link PgCopy} writes, character for character, against PostgreSQL's text format as the former
 * implementation wrote it (four {@code String.replace} calls per value, {@code Instant.toString()}, {@code HexFormat}):
 * backslashes, tabs, newlines and carriage returns escaped, a literal {@code \N} kept apart from null, non-ASCII text
 * as it is, numbers, times and bytes.
 */
class PgCopyTest {

  @Test
  void rowsAsTheTextFormatWantsThem() {
    PgCopy copy = new PgCopy(16);
    copy.number(42).text("plain").text(null).text("back\\slash").text("tab\there").text("new\nline").text("cr\rlf\r\n")
        .text("\\N").text("ünïcödé ✓ 𝄞").text("").text("\\\\\t\t\n\r").endRow();
    copy.number(-7).time(Instant.parse("2026-12-04T10:15:30Z")).time(Instant.parse("2026-12-04T10:15:30.120Z"))
        .time(Instant.parse("2000-02-29T00:00:00.000001Z")).time(null).bytes(new byte[] {0, 1, (byte) 0xAB, -1, 127})
        .bytes(new byte[0]).bytes(null).endRow();
    assertThat(copy.rows()).isEqualTo(2);
    assertThat(text(copy)).isEqualTo("42\tplain\t\\N\tback\\\\slash\ttab\\there\tnew\\nline\tcr\\rlf\\r\\n\t\\\\N\t"
        + "ünïcödé ✓ 𝄞\t\t\\\\\\\\\\t\\t\\n\\r\n"
        + "-7\t2026-12-04T10:15:30Z\t2026-12-04T10:15:30.120Z\t2000-02-29T00:00:00.000001Z\t\\N\t\\\\x0001abff7f\t"
        + "\\\\x\t\\N\n");
  }

  @Test
  void escapeAsFourReplacesDid() {
    String alphabet = "ab\\\t\n\rNé✓𝄞 ";
    Random random = new Random(5L);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder value = new StringBuilder();
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++) {
        value.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String v = value.toString();
      String expected = formerEscape(v);
      assertThat(PgCopy.escape(v)).isEqualTo(expected);
      PgCopy copy = new PgCopy(4);
      copy.text(v).text(v).endRow();
      assertThat(text(copy)).isEqualTo(expected + "\t" + expected + "\n");
    }
    String plain = "nothing to escape";
    assertThat(PgCopy.escape(plain)).isSameAs(plain);
  }

  @Test
  void bytesAndTimesAsBefore() {
    Random random = new Random(9L);
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes = new byte[random.nextInt(40)];
      random.nextBytes(bytes);
      Instant time = Instant.ofEpochSecond(946_684_800L + random.nextInt(1_000_000_000),
          i % 3 == 0 ? 0 : i % 3 == 1 ? random.nextInt(1_000_000) * 1_000 : random.nextInt(1_000_000_000));
      PgCopy copy = new PgCopy(4);
      copy.bytes(bytes).time(time).endRow();
      assertThat(text(copy)).isEqualTo("\\\\x" + HexFormat.of().formatHex(bytes) + "\t"
          + formerEscape(time.toString()) + "\n");
    }
  }

  private static String formerEscape(String value) {
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  private static String text(PgCopy copy) {
    return copy.written();
  }
}
