package org.itgc.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of {@code docs/audit-format.md} are what the engine's own code computes: canonical texts and link
 * hashes of both formats, the checkpoint's signed text and signature, a key rotation, and a re-performed sample. The
 * document is the contract an auditor's own verifier is written from; this keeps the two from drifting apart.
 */
class AuditFormatTest {

  private static JsonNode vectors() throws Exception {
    String doc = Files.readString(Path.of("docs/audit-format.md"), StandardCharsets.UTF_8);
    int start = doc.indexOf("```json vectors");
    int end = doc.indexOf("```", start + 3);
    return new ObjectMapper().readTree(doc.substring(doc.indexOf('\n', start) + 1, end));
  }

  private static String text(JsonNode node) {
    return node.isNull() ? null : node.asText();
  }

  @Test
  void linksHashAsDocumentedInBothFormats() throws Exception {
    for (JsonNode link : vectors().get("links")) {
      int format = link.get("format").asInt();
      String canonical = link.get("canonical").asText();
      if (link.has("fields")) {
        JsonNode f = link.get("fields");
        List<String> roles = new ArrayList<>();
        f.get(3).forEach(r -> roles.add(r.asText()));
        assertThat(AuditChain.encode(text(f.get(0)), text(f.get(1)), text(f.get(2)), roles.toArray(String[]::new),
            text(f.get(4)), text(f.get(5)), text(f.get(6)), text(f.get(7)), text(f.get(8)), text(f.get(9))))
            .isEqualTo(canonical);
        String[] decoded = AuditChain.fields(format, canonical);
        assertThat(decoded[3]).isEqualTo(String.join(",", roles));
        assertThat(decoded[4]).isEqualTo(text(f.get(4)));
        assertThat(decoded[7]).isEqualTo(text(f.get(7)));
        assertThat(decoded[9]).isEqualTo(text(f.get(9)));
      }
      assertThat(AuditChain.hash(format, link.get("prevHash").asText(), link.get("seq").asLong(), canonical))
          .isEqualTo(link.get("hash").asText());
    }
  }

  @Test
  void formatTwoIsOneToOneWhereFormatOneWasNot() {
    String nullObject = AuditChain.encode("1", "t", "a", new String[0], null, "x", "y", null, "SUCCESS", "{}");
    String textNull = AuditChain.encode("1", "t", "a", new String[0], "null", "x", "y", "null", "SUCCESS", "{}");
    assertThat(nullObject).isNotEqualTo(textNull);
    String shifted = AuditChain.encode("1", "t", "a\u001fb", new String[0], null, "x", "y", null, "SUCCESS", "{}");
    String plain = AuditChain.encode("1", "t", "a", new String[] {"b"}, null, "x", "y", null, "SUCCESS", "{}");
    assertThat(shifted).isNotEqualTo(plain);
    assertThat(AuditChain.fields(2, shifted)[2]).isEqualTo("a\u001fb");
  }

  @Test
  void checkpointAndRotationSignaturesAreAsDocumented() throws Exception {
    JsonNode v = vectors();
    var key = AuditSigningKey.parsePublic(v.at("/key/publicKeyPem").asText());
    assertThat(AuditSigningKey.fingerprint(key)).isEqualTo(v.at("/key/fingerprint").asText());
    JsonNode checkpoint = v.get("checkpoint");
    String text = AuditChain.checkpointText(checkpoint.get("seq").asLong(), checkpoint.get("headHash").asText(),
        checkpoint.get("createdAt").asText());
    assertThat(text).isEqualTo(checkpoint.get("signedText").asText());
    assertThat(AuditSigningKey.verify(key, text, checkpoint.get("signature").asText())).isTrue();
    // Ed25519 is deterministic: the documented seed signs to the documented signature
    byte[] seed = new byte[32];
    for (int i = 0; i < 32; i++) {
      seed[i] = (byte) i;
    }
    var signer = Signature.getInstance("Ed25519");
    signer.initSign(KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed)));
    signer.update(text.getBytes(StandardCharsets.UTF_8));
    assertThat(Base64.getEncoder().encodeToString(signer.sign())).isEqualTo(checkpoint.get("signature").asText());

    JsonNode rotation = v.get("rotation");
    var next = AuditSigningKey.parsePublic(rotation.get("nextPublicKey").asText());
    assertThat(AuditSigningKey.fingerprint(next)).isEqualTo(rotation.get("nextFingerprint").asText());
    assertThat(AuditSigningKey.verify(key, AuditChain.rotationText(rotation.get("previousFingerprint").asText(),
        rotation.get("nextFingerprint").asText(), rotation.get("rotatedAt").asText()), rotation.get("signature").asText()))
        .isTrue();
    var trusted = AuditVerifier.trustedKeys(java.util.Set.of(AuditSigningKey.fingerprint(key)),
        java.util.Map.of(AuditSigningKey.fingerprint(key), key), List.of(rotation));
    assertThat(trusted).containsKey(rotation.get("nextFingerprint").asText());
    assertThat(AuditVerifier.trustedKeys(java.util.Set.of(), java.util.Map.of(AuditSigningKey.fingerprint(key), key),
        List.of(rotation))).isEmpty();
  }

  @Test
  void samplesArereperformedAsDocumented() throws Exception {
    for (JsonNode vector : vectors().get("samples")) {
      List<String> population = new ArrayList<>();
      vector.get("population").forEach(p -> population.add(p.asText()));
      Collections.shuffle(population, new Random(vector.get("seed").asLong()));
      List<String> expected = new ArrayList<>();
      vector.get("samples").forEach(s -> expected.add(s.asText()));
      assertThat(population.subList(0, vector.get("size").asInt())).isEqualTo(expected);
    }
  }
}
