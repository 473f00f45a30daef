package org.itgc.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ed25519 key that signs audit checkpoints, read from a PKCS#8 PEM file outside the database (created there at
 * first start when missing). Its public key is published beside the checkpoints so that anyone can verify them.
 */
public final class AuditSigningKey {

  private static final Logger log = LoggerFactory.getLogger(AuditSigningKey.class);

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String keyId;

  private AuditSigningKey(PrivateKey privateKey, PublicKey publicKey) throws GeneralSecurityException {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.keyId = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded()))
        .substring(0, 16);
  }

  public static AuditSigningKey loadOrCreate(Path file) throws IOException, GeneralSecurityException {
    boolean created = org.itgc.platform.KeyFiles.createIfAbsent(file, into -> {
      KeyPair pair;
      try {
        pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot create an Ed25519 key", e);
      }
      Files.writeString(into.apply(publicFile(file)), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
      Files.writeString(into.apply(file), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    });
    if (created) {
      log.warn("Created the audit signing key {}: protect it and back it up apart from the database", file.toAbsolutePath());
    }
    permissions(file, "rw-------");
    permissions(publicFile(file), "rw-r--r--"); // the public half is for verifiers, who may run as other users
    return load(file);
  }

  /** Sets a file's POSIX permissions where they differ (a key written by an earlier version was readable by all). */
  private static void permissions(Path file, String wanted) throws IOException {
    try {
      var target = java.nio.file.attribute.PosixFilePermissions.fromString(wanted);
      if (Files.exists(file) && !Files.getPosixFilePermissions(file).equals(target)) {
        Files.setPosixFilePermissions(file, target);
        log.warn("Set the permissions of {} to {}", file.toAbsolutePath(), wanted);
      }
    } catch (UnsupportedOperationException notPosix) {
      // not a POSIX file system: its own access control applies
    }
  }

  /** An existing key (PKCS#8 PEM, its public half beside it as {@code file.pub}). */
  public static AuditSigningKey load(Path file) throws IOException, GeneralSecurityException {
    if (!Files.exists(file)) {
      throw new IllegalStateException("the audit signing key " + file.toAbsolutePath() + " does not exist");
    }
    byte[] der = Base64.getMimeDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII)
        .replaceAll("-----[A-Z ]+-----", "").strip());
    var factory = KeyFactory.getInstance("Ed25519");
    PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(der));
    // the JDK cannot derive an Ed25519 public key from the private one: it is kept beside it (file.pub)
    Path publicFile = publicFile(file);
    if (!Files.exists(publicFile)) {
      throw new IllegalStateException("the public key " + publicFile + " belonging to " + file + " is missing");
    }
    return new AuditSigningKey(privateKey, readPublic(publicFile));
  }

  static Path publicFile(Path privateFile) {
    return privateFile.resolveSibling(privateFile.getFileName() + ".pub");
  }

  public static PublicKey readPublic(Path file) throws IOException, GeneralSecurityException {
    return parsePublic(Files.readString(file, StandardCharsets.US_ASCII));
  }

  /** An Ed25519 public key from its PEM text. */
  public static PublicKey parsePublic(String pem) throws GeneralSecurityException {
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").strip());
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  public String sign(String text) throws GeneralSecurityException {
    Signature signature = Signature.getInstance("Ed25519");
    signature.initSign(privateKey);
    signature.update(text.getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(signature.sign());
  }

  public static boolean verify(PublicKey key, String text, String signatureBase64) {
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initVerify(key);
      signature.update(text.getBytes(StandardCharsets.UTF_8));
      return signature.verify(Base64.getDecoder().decode(signatureBase64));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  public String keyId() {
    return keyId;
  }

  /** The key's fingerprint: SHA-256 of its DER encoding (SubjectPublicKeyInfo), hex; what auditors pin. */
  public String fingerprint() {
    return fingerprint(publicKey);
  }

  public static String fingerprint(PublicKey key) {
    return org.itgc.platform.Hashes.sha256(key.getEncoded());
  }

  public String publicPem() {
    return pem("PUBLIC KEY", publicKey.getEncoded());
  }
}
