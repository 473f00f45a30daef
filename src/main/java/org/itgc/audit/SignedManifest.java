package org.itgc.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.Map;

/**
 * The manifest of an archive segment, signed with the audit key: written as pretty-printed JSON beside its signature
 * (base64 of the Ed25519 signature of the manifest's text, one line), and checked before anything of a segment is
 * used: the signature with a trusted key (the manifest names its public key; after a rotation the earlier keys stay
 * trusted), then the SHA-256 of the file the manifest names. Shared by the audit trail's archive and the logs'.
 */
public final class SignedManifest {

  /** A manifest, signature or segment file that fails its check; the message says what is wrong. */
  public static final class Invalid extends RuntimeException {
    public Invalid(String problem) {
      super(problem);
    }
  }

  private SignedManifest() {}

  /** Writes the manifest (its bytes as signed) and its signature with the key. */
  public static void write(ObjectMapper json, Map<String, Object> manifest, AuditSigningKey key, Path manifestFile,
      Path signatureFile) throws IOException {
    byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
    String signature;
    try {
      signature = key.sign(new String(bytes, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    Files.write(manifestFile, bytes);
    Files.writeString(signatureFile, signature + "\n");
  }

  /**
   * The manifest, once its signature verifies with one of the trusted keys (by key id, the first 16 hex digits of
   * the fingerprint). Throws {@link Invalid} naming what is wrong.
   */
  public static JsonNode verified(ObjectMapper json, Path manifestFile, Path signatureFile,
      Map<String, PublicKey> trustedById) throws IOException {
    if (!Files.exists(manifestFile) || !Files.exists(signatureFile)) {
      throw new Invalid("its manifest or the manifest's signature is missing");
    }
    String manifestText = Files.readString(manifestFile);
    JsonNode manifest;
    try {
      manifest = json.readTree(manifestText);
    } catch (IOException e) {
      throw new Invalid("the manifest is not JSON");
    }
    PublicKey signer;
    try {
      signer = AuditSigningKey.parsePublic(manifest.path("publicKey").asText());
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new Invalid("the manifest's public key cannot be read");
    }
    if (!trustedById.containsKey(AuditSigningKey.fingerprint(signer).substring(0, 16))
        || !AuditSigningKey.verify(signer, manifestText, Files.readString(signatureFile).strip())) {
      throw new Invalid("the manifest's signature does not verify with a trusted key");
    }
    return manifest;
  }

  /** Checks that the file exists and its SHA-256 is {@code expected} (hex), streaming it. */
  public static void checkSha256(Path file, String expected) throws IOException {
    if (!Files.exists(file)) {
      throw new Invalid("the file " + file.getFileName() + " is missing");
    }
    var digest = org.itgc.platform.Hashes.sha256Digest();
    try (var in = new java.security.DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    if (!HexFormat.of().formatHex(digest.digest()).equals(expected)) {
      throw new Invalid("the file's SHA-256 differs from the manifest");
    }
  }
}
