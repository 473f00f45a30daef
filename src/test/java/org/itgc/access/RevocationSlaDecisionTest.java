package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.itgc.support.DecisionTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** dmn/revocation-sla.dmn: every rule hit, and every input answered with 1 to 5 business days, strictest first. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevocationSlaDecisionTest {

  private DecisionTable table;

  @BeforeAll
  void parse() throws Exception {
    table = new DecisionTable("revocation-sla");
  }

  private int sla(String reason, String tier, boolean privileged) {
    Map<String, Object> inputs = new HashMap<>();
    inputs.put("reason", reason);
    inputs.put("systemTier", tier);
    inputs.put("privileged", privileged);
    var result = table.evaluate(inputs).getSingleResult();
    assertThat(result).as("a rule matches %s", inputs).isNotNull();
    return ((Number) result.getSingleEntry()).intValue();
  }

  @ParameterizedTest(name = "{0} on {1}, privileged {2}: {3} business days ({4})")
  @CsvSource({
      "termination, tier1, false, 1, Rule_Termination_Tier1",
      "termination, tier2, true, 1, Rule_Termination_Privileged",
      "termination, tier2, false, 2, Rule_Termination_Tier2",
      "termination, tier3, false, 3, Rule_Termination_Tier3",
      "sod-remediation, tier3, false, 2, Rule_SodRemediation",
      "role-change, tier3, true, 2, Rule_RoleChange_Privileged",
      "role-change, tier1, false, 3, Rule_RoleChange_Tier1",
      "role-change, tier2, false, 5, Rule_RoleChange_Other",
      "certification-revoke, tier2, true, 2, Rule_CertificationRevoke_Privileged",
      "certification-revoke, tier1, false, 3, Rule_CertificationRevoke_Tier1",
      "certification-revoke, tier3, false, 5, Rule_CertificationRevoke_Other"})
  void eachRule(String reason, String tier, boolean privileged, int days, String rule) {
    assertThat(sla(reason, tier, privileged)).isEqualTo(days);
    assertThat(table.matched()).containsExactly(rule);
  }

  @Test
  void everyInputGetsOneToFiveDaysAndStricterInputsNeverGetMore() {
    List<String> tiers = List.of("tier1", "tier2", "tier3");
    for (String reason : Revocations.REASONS) {
      for (boolean privileged : List.of(true, false)) {
        int previous = 0;
        for (String tier : tiers) {
          int days = sla(reason, tier, privileged);
          assertThat(days).as("%s %s %s", reason, tier, privileged).isBetween(1, 5);
          assertThat(days).as("a less critical tier never gets less time").isGreaterThanOrEqualTo(previous);
          previous = days;
          assertThat(sla(reason, tier, true)).as("privileged access never waits longer").isLessThanOrEqualTo(sla(reason, tier, false));
        }
      }
      assertThat(sla("termination", "tier1", false)).isEqualTo(1);
    }
  }

  @AfterAll
  void everyRuleWasHit() throws Exception {
    assertThat(table.ruleIds()).hasSize(11);
    assertThat(table.hit()).containsAll(table.ruleIds());
  }
}
