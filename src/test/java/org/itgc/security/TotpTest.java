package org.itgc.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TOTP against the test vectors of RFC 6238 (SHA-1), the drift window, Base32, and the enrolment QR code. */
class TotpTest {

  /** RFC 6238 appendix B: the ASCII secret "12345678901234567890", 8-digit codes; ours are their last 6 digits. */
  @ParameterizedTest
  @CsvSource({"59, 94287082", "1111111109, 07081804", "1111111111, 14050471", "1234567890, 89005924",
      "2000000000, 69279037", "20000000000, 65353130"})
  void theCodesOfRfc6238(long seconds, String eightDigits) {
    String secret = Totp.base32("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
    assertThat(Totp.code(secret, Totp.step(Instant.ofEpochSecond(seconds)))).isEqualTo(eightDigits.substring(2));
  }

  @Test
  void codesAreAsciiDigitsWhateverTheDefaultLocale() {
    java.util.Locale before = java.util.Locale.getDefault(java.util.Locale.Category.FORMAT);
    try {
      // Arabic (Egypt) formats numbers with Arabic-Indic digits by default; a code must stay 0-9
      java.util.Locale.setDefault(java.util.Locale.Category.FORMAT, java.util.Locale.forLanguageTag("ar-EG"));
      String secret = Totp.base32("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
      assertThat(Totp.code(secret, Totp.step(Instant.ofEpochSecond(59)))).isEqualTo("287082");
    } finally {
      java.util.Locale.setDefault(java.util.Locale.Category.FORMAT, before);
    }
  }

  @Test
  void aCodeOfTheStepBeforeOrAfterIsAcceptedAndNoOther() {
    String secret = Totp.newSecret();
    Instant now = Instant.parse("2026-11-29T12:00:15Z");
    long step = Totp.step(now);
    assertThat(Totp.matchingStep(secret, Totp.code(secret, step), now)).isEqualTo(step);
    assertThat(Totp.matchingStep(secret, Totp.code(secret, step - 1), now)).isEqualTo(step - 1);
    assertThat(Totp.matchingStep(secret, Totp.code(secret, step + 1), now)).isEqualTo(step + 1);
    assertThat(Totp.matchingStep(secret, Totp.code(secret, step + 3), now)).isEqualTo(-1);
    assertThat(Totp.matchingStep(secret, "12a456", now)).isEqualTo(-1);
    assertThat(Totp.matchingStep(secret, null, now)).isEqualTo(-1);
  }

  @Test
  void base32RoundTripsAndSecretsAreLongEnough() {
    byte[] bytes = "any bytes at all, 0-255".getBytes(StandardCharsets.UTF_8);
    assertThat(Totp.unbase32(Totp.base32(bytes))).isEqualTo(bytes);
    assertThat(Totp.newSecret()).matches("[A-Z2-7]{32}");
    assertThat(Totp.demoSecret("rachel")).isEqualTo(Totp.demoSecret("rachel")).isNotEqualTo(Totp.demoSecret("ryan"));
  }

  @Test
  void theEnrolmentQrCodeReadsBackAsTheOtpauthUri() throws Exception {
    String uri = Totp.uri("ITGC Engine", "rachel", Totp.demoSecret("rachel"));
    String svg = MfaController.qrSvg(uri);
    var size = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"").matcher(svg);
    assertThat(size.find()).isTrue();
    int width = Integer.parseInt(size.group(1));
    int scale = 4;
    int[] pixels = new int[width * scale * width * scale];
    java.util.Arrays.fill(pixels, 0xFFFFFFFF);
    var module = Pattern.compile("M(\\d+) (\\d+)h1v1h-1z").matcher(svg);
    while (module.find()) {
      int x = Integer.parseInt(module.group(1));
      int y = Integer.parseInt(module.group(2));
      for (int dy = 0; dy < scale; dy++) {
        for (int dx = 0; dx < scale; dx++) {
          pixels[(y * scale + dy) * width * scale + x * scale + dx] = 0xFF000000;
        }
      }
    }
    var source = new com.google.zxing.RGBLuminanceSource(width * scale, width * scale, pixels);
    var decoded = new com.google.zxing.qrcode.QRCodeReader().decode(
        new com.google.zxing.BinaryBitmap(new com.google.zxing.common.HybridBinarizer(source)));
    assertThat(decoded.getText()).isEqualTo(uri);
  }
}
