package org.itgc.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords as RFC 6238 defines them and authenticator apps use them: HMAC-SHA1, 30-second steps,
 * 6 digits, secrets in Base32 (RFC 4648). A code is checked against the current step and one step either side, for
 * clocks that drift; the caller refuses a step it has already accepted (no replay).
 */
public final class Totp {

  public static final int STEP_SECONDS = 30;
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Totp() {}

  /** A new random secret of 160 bits, in Base32. */
  public static String newSecret() {
    byte[] bytes = new byte[20];
    RANDOM.nextBytes(bytes);
    return base32(bytes);
  }

  /** The demo profile's secret of a demo user: derived from the name, so that the README's command can print codes. */
  public static String demoSecret(String username) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(("itgc-demo-mfa:" + username).getBytes(StandardCharsets.UTF_8));
      byte[] secret = new byte[20];
      System.arraycopy(digest, 0, secret, 0, 20);
      return base32(secret);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static long step(Instant at) {
    return at.getEpochSecond() / STEP_SECONDS;
  }

  /** The 6-digit code of a step. */
  public static String code(String secret, long step) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(unbase32(secret), "HmacSHA1"));
      byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
      int offset = hash[hash.length - 1] & 0x0f;
      int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8)
          | (hash[offset + 3] & 0xff);
      return String.format(java.util.Locale.ROOT, "%06d", binary % 1_000_000);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The step a code belongs to (current, previous or next), or -1 when it is none of them. */
  public static long matchingStep(String secret, String code, Instant now) {
    if (code == null || !code.matches("\\d{6}")) {
      return -1;
    }
    long current = step(now);
    for (long step = current - 1; step <= current + 1; step++) {
      if (MessageDigest.isEqual(code(secret, step).getBytes(StandardCharsets.US_ASCII),
          code.getBytes(StandardCharsets.US_ASCII))) {
        return step;
      }
    }
    return -1;
  }

  /** The otpauth URI that authenticator apps read from a QR code. */
  public static String uri(String issuer, String account, String secret) {
    String label = encode(issuer) + ":" + encode(account);
    return "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + encode(issuer) + "&algorithm=SHA1&digits=6&period="
        + STEP_SECONDS;
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String base32(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  static byte[] unbase32(String text) {
    String clean = text.replace(" ", "").replace("=", "").toUpperCase();
    ByteBuffer out = ByteBuffer.allocate(clean.length() * 5 / 8);
    int buffer = 0;
    int bits = 0;
    for (char c : clean.toCharArray()) {
      int value = BASE32.indexOf(c);
      if (value < 0) {
        throw new IllegalArgumentException("not Base32: " + c);
      }
      buffer = (buffer << 5) | value;
      bits += 5;
      if (bits >= 8) {
        out.put((byte) (buffer >> (bits - 8)));
        bits -= 8;
      }
    }
    return out.array();
  }

  /**
   * Prints the current code of a secret (for the demo: the README's command). Usage: {@code Totp SECRET} or
   * {@code Totp --demo USERNAME}.
   */
  public static void main(String[] args) {
    if (args.length == 2 && args[0].equals("--demo")) {
      System.out.println(code(demoSecret(args[1]), step(Instant.now())));
    } else if (args.length == 1) {
      System.out.println(code(args[0], step(Instant.now())));
    } else {
      System.err.println("usage: Totp SECRET | Totp --demo USERNAME");
      System.exit(2);
    }
  }
}
