package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.itgc.audit.AuditChain;
import org.junit.jupiter.api.Test;

/**
 * The docs-only verifier reads an audit link's canonical content as the engine writes it: {@link LogPackVerifier}'s
 * decoding of format 2 (written from docs/audit-format.md) against {@link AuditChain}'s own, on texts that a careless
 * decoder gets wrong (multi-byte characters counted in bytes, separators and digits inside texts, NULL, no roles).
 */
class LogPackVerifierTest {

  @Test
  void decodesTheEnginesCanonicalContentAsTheEngineDoes() {
    List<String[]> events = List.of(
        new String[] {"812", "2026-12-04T09:15:30.123456Z", "system", null, null, "logs.batch.seal", "logs-batch", "17",
            "SUCCESS", "{\"root\": \"ab\", \"system\": \"ERP-GL\", \"leafCount\": 9}"},
        new String[] {"1", "2026-12-04T09:15:30.000000Z", "Grüße 3:x-", "", "10.0.0.1", "a:b", "t*1", null,
            "DENIED", "{\"k\": \"12:ab\\u001f-\"}"});
    for (String[] e : events) {
      String[] roles = e[3] == null ? null : e[3].isEmpty() ? new String[0] : e[3].split(",");
      String canonical = AuditChain.encode(e[0], e[1], e[2], roles, e[4], e[5], e[6], e[7], e[8], e[9]);
      assertThat(LogPackVerifier.fields(2, canonical)).as(canonical).containsExactly(AuditChain.fields(2, canonical));
    }
    String withRoles = AuditChain.encode("5", "2026-12-04T09:15:30.000000Z", "audrey",
        new String[] {"auditor", "governance-lead"}, null, "logs.pack.object", "log-object", "invoice/AP-1", "SUCCESS",
        "{}");
    assertThat(LogPackVerifier.fields(2, withRoles)[3]).isEqualTo("auditor,governance-lead");
    assertThat(LogPackVerifier.fields(2, withRoles + "x")).as("trailing bytes").isNull();
    assertThat(LogPackVerifier.fields(2, withRoles.substring(0, withRoles.length() - 1))).as("cut short").isNull();
  }
}
