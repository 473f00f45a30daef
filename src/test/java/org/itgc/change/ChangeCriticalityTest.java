package org.itgc.change;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.itgc.support.DecisionTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** dmn/change-criticality.dmn: every rule is hit, and the properties the rule set must keep hold for every input. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChangeCriticalityTest {

  private DecisionTable table;

  @BeforeAll
  void parse() throws Exception {
    table = new DecisionTable("change-criticality");
  }

  private Map<String, Object> evaluate(String type, String tier, boolean financial, boolean rollback, boolean outside) {
    Map<String, Object> inputs = new HashMap<>();
    inputs.put("changeType", type);
    inputs.put("systemTier", tier);
    inputs.put("touchesFinancialData", financial);
    inputs.put("hasTestedRollback", rollback);
    inputs.put("outsideMaintenanceWindow", outside);
    var result = table.evaluate(inputs).getSingleResult();
    assertThat(result).as("a rule matches %s", inputs).isNotNull();
    return result.getEntryMap();
  }

  @ParameterizedTest(name = "{0} {1} financial={2} rollback={3} outside={4} -> {5} by {9}")
  @CsvSource({
      "emergency, tier3, false, true,  false, critical, true,  true,  true, Rule_Emergency",
      "standard,  tier3, false, true,  true,  low,      true,  false, true, Rule_StandardTier3OutsideWindow",
      "standard,  tier3, true,  false, false, low,      false, false, true, Rule_StandardTier3",
      "standard,  tier1, true,  true,  true,  high,     true,  true,  true, Rule_StandardTier1FinancialOutsideWindow",
      "standard,  tier1, true,  true,  false, medium,   false, true,  true, Rule_StandardTier1Financial",
      "standard,  tier2, false, true,  true,  medium,   true,  false, true, Rule_StandardOutsideWindow",
      "standard,  tier1, false, true,  false, low,      false, false, true, Rule_Standard",
      "normal,    tier1, false, true,  false, high,     true,  true,  true, Rule_NormalTier1",
      "normal,    tier2, true,  true,  false, high,     true,  true,  true, Rule_NormalFinancial",
      "normal,    tier3, false, false, false, medium,   true,  false, true, Rule_NormalNoTestedRollback",
      "normal,    tier3, false, true,  true,  medium,   true,  false, true, Rule_NormalOutsideWindow",
      "normal,    tier2, false, true,  false, medium,   true,  false, true, Rule_NormalTier2",
      "normal,    tier3, false, true,  false, low,      false, false, true, Rule_NormalTier3LowRisk",
  })
  void eachRuleDecidesItsCase(String type, String tier, boolean financial, boolean rollback, boolean outside,
      String criticality, boolean cab, boolean finance, boolean test, String rule) {
    var result = evaluate(type, tier, financial, rollback, outside);
    assertThat(table.matched()).containsExactly(rule);
    assertThat(result).containsEntry("criticality", criticality).containsEntry("cabReviewRequired", cab)
        .containsEntry("financeApprovalRequired", finance).containsEntry("testEvidenceRequired", test);
  }

  @Test
  void everyRuleOfTheTableIsHitAndThePropertiesHoldForAllSeventyTwoInputs() throws Exception {
    for (String type : List.of("standard", "normal", "emergency")) {
      for (String tier : List.of("tier1", "tier2", "tier3")) {
        for (boolean financial : List.of(true, false)) {
          for (boolean rollback : List.of(true, false)) {
            for (boolean outside : List.of(true, false)) {
              var result = evaluate(type, tier, financial, rollback, outside);
              String context = type + "/" + tier + "/fin=" + financial + "/rollback=" + rollback + "/outside=" + outside;
              if (tier.equals("tier1") && financial) {
                assertThat(result.get("financeApprovalRequired")).as("tier 1 + financial data => finance: " + context)
                    .isEqualTo(true);
              }
              if (type.equals("emergency")) {
                assertThat(result.get("cabReviewRequired")).as("emergency => CAB: " + context).isEqualTo(true);
              }
              if (type.equals("standard") && tier.equals("tier3")) {
                assertThat(result.get("criticality")).as("standard on tier 3 => low: " + context).isEqualTo("low");
              }
              if (outside) {
                assertThat(result.get("cabReviewRequired")).as("outside the window => CAB: " + context).isEqualTo(true);
              }
              if (type.equals("normal") && (tier.equals("tier1") || financial)) {
                assertThat(result.get("cabReviewRequired")).as("normal tier 1 / financial => CAB: " + context).isEqualTo(true);
                assertThat(result.get("financeApprovalRequired")).isEqualTo(true);
              }
              assertThat(result.get("testEvidenceRequired")).as(context).isEqualTo(true);
            }
          }
        }
      }
    }
    assertThat(table.hit()).as("rules hit by the exhaustive inputs").containsAll(table.ruleIds());
  }
}
