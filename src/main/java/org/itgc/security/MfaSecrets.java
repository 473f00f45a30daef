package org.itgc.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Encrypts TOTP secrets for the database with AES-256-GCM and a key kept outside it
 * ({@code itgc.security.mfa-key-file}, created at first start, owner-only): a copy of the database alone does not give
 * anyone the second factors.
 */
@Component
class MfaSecrets implements org.itgc.platform.SharedSecrets.Secret {

  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec key;
  private final Path file;

  MfaSecrets(@Value("${itgc.security.mfa-key-file:data/security/mfa-key}") Path file) {
    this.file = file;
    try {
      org.itgc.platform.KeyFiles.createIfAbsent(file, into -> {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        Files.writeString(into.apply(file), Base64.getEncoder().encodeToString(bytes) + "\n");
      });
      this.key = new SecretKeySpec(Base64.getDecoder().decode(Files.readString(file).strip()), "AES");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the MFA key file " + file, e);
    }
  }

  @Override
  public String name() {
    return "mfa-key";
  }

  /** HMAC-SHA256 of a fixed text under the key: names the key without revealing it. */
  @Override
  public String fingerprint() {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(key);
      return java.util.HexFormat.of().formatHex(mac.doFinal("itgc-mfa-key-fingerprint".getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String source() {
    return "itgc.security.mfa-key-file = " + file.toAbsolutePath();
  }

  String encrypt(String secret) {
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String decrypt(String stored) {
    try {
      byte[] all = Base64.getDecoder().decode(stored);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, 12));
      return new String(cipher.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("an MFA secret cannot be decrypted: is itgc.security.mfa-key-file the key it was stored with?", e);
    }
  }
}
