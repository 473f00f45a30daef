package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The body of a HEC request: concatenated JSON events, each kept with its own bytes; bad ones named by HEC's codes. */
class HecBodyTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void concatenatedEventsKeepTheirOwnBytes() {
    String one = "{\"time\": 1733300000.125, \"host\": \"erp1\", \"event\": {\"user\": \"john\", \"action\": \"VIEW\"}}";
    String two = "{\"event\":\"a plain text event\",\"fields\":{\"k\":\"v\"}}";
    var items = HecBody.parse((one + "\n  " + two + "\n").getBytes(StandardCharsets.UTF_8), json);
    assertThat(items).hasSize(2);
    assertThat(new String(items.get(0).raw(), StandardCharsets.UTF_8)).isEqualTo(one);
    assertThat(new String(items.get(1).raw(), StandardCharsets.UTF_8)).isEqualTo(two);
    assertThat(items.get(0).json().at("/event/user").asText()).isEqualTo("john");
    assertThat(items.get(0).json().get("time").decimalValue()).isEqualByComparingTo("1733300000.125");
    assertThat(items).allMatch(i -> i.problem() == null);
  }

  @Test
  void aMalformedEventKeepsTheRestOfTheBodyRaw() {
    String body = "{\"event\": {\"a\": 1}} {\"event\": {\"a\": 2,} } {\"event\": 3}";
    var items = HecBody.parse(body.getBytes(StandardCharsets.UTF_8), json);
    assertThat(items).hasSize(2);
    assertThat(items.get(0).problem()).isNull();
    assertThat(items.get(1).problem()).isEqualTo(HecBody.Problem.INVALID_DATA_FORMAT);
    assertThat(new String(items.get(1).raw(), StandardCharsets.UTF_8)).isEqualTo("{\"event\": {\"a\": 2,} } {\"event\": 3}");
    assertThat(items.get(1).reason()).startsWith("not JSON");
  }

  @Test
  void anArrayOrAScalarIsNotAnEvent() {
    var items = HecBody.parse("[{\"event\": 1}]".getBytes(StandardCharsets.UTF_8), json);
    assertThat(items).singleElement().satisfies(i -> {
      assertThat(i.problem()).isEqualTo(HecBody.Problem.INVALID_DATA_FORMAT);
      assertThat(new String(i.raw(), StandardCharsets.UTF_8)).isEqualTo("[{\"event\": 1}]");
    });
  }

  @Test
  void eventRequiredAndNotBlankAsHecSays() {
    var items = HecBody.parse("{\"time\": 1} {\"event\": \"  \"} {\"event\": {}} {\"event\": null}"
        .getBytes(StandardCharsets.UTF_8), json);
    assertThat(items).extracting(HecBody.Item::problem).containsExactly(HecBody.Problem.EVENT_REQUIRED,
        HecBody.Problem.EVENT_BLANK, HecBody.Problem.EVENT_BLANK, HecBody.Problem.EVENT_REQUIRED);
    assertThat(HecBody.Problem.EVENT_REQUIRED.code).isEqualTo(12);
    assertThat(HecBody.Problem.EVENT_BLANK.code).isEqualTo(13);
    assertThat(HecBody.Problem.INVALID_DATA_FORMAT.code).isEqualTo(6);
  }

  @Test
  void anEmptyBodyHasNoEvents() {
    assertThat(HecBody.parse("  \n".getBytes(StandardCharsets.UTF_8), json)).isEmpty();
  }

  @Test
  void blankAsTheDecodedBodyWouldBe() {
    String[] bodies = {"", " ", "\t\r\n \u000b\f\u001c\u001d\u001e\u001f", "{}", "  {\"event\": 1}", "x",
        "\u2003\u3000 \u2028", " \u2003x", "\u00a0", " \u00e9", "\u0000", " \n\u0085"};
    for (String body : bodies) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      assertThat(HecBody.isBlank(bytes)).as("'%s'", body).isEqualTo(body.isBlank());
    }
    assertThat(HecBody.isBlank(new byte[] {' ', (byte) 0xff, ' '})).isFalse();
    java.util.Random random = new java.util.Random(1L);
    byte[] alphabet = {' ', '\t', '\n', '\r', 0x0b, 0x0c, 0x1c, 0x1f, 0x00, 'a', '{', (byte) 0xe2, (byte) 0x80,
        (byte) 0x83, (byte) 0xc2, (byte) 0xa0, (byte) 0xe3};
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(6)];
      for (int j = 0; j < bytes.length; j++) {
        bytes[j] = alphabet[random.nextInt(random.nextBoolean() ? 6 : alphabet.length)];
      }
      assertThat(HecBody.isBlank(bytes)).isEqualTo(new String(bytes, StandardCharsets.UTF_8).isBlank());
    }
  }
}
