package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.dmn.engine.DmnDecisionRuleResult;
import org.itgc.support.DecisionTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * dmn/privileged-elevation.dmn and dmn/privileged-standing.dmn: every rule hit, and the properties the rules keep
 * (break-glass is short and never approved by a rule; a rule approves only short tier-3 elevations with a reference;
 * every input is answered).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivilegedElevationDecisionTest {

  private DecisionTable elevation;
  private DecisionTable standing;

  @BeforeAll
  void parse() throws Exception {
    elevation = new DecisionTable(PrivilegedElevationProcess.DECISION);
    standing = new DecisionTable(PrivilegedElevationProcess.STANDING_DECISION);
  }

  private DmnDecisionRuleResult rules(String kind, String tier, String entitlement, int minutes, boolean reference) {
    Map<String, Object> inputs = new HashMap<>();
    inputs.put("kind", kind);
    inputs.put("systemTier", tier);
    inputs.put("entitlementId", entitlement);
    inputs.put("requestedMinutes", minutes);
    inputs.put("hasChangeReference", reference);
    DmnDecisionRuleResult result = elevation.evaluate(inputs).getFirstResult();
    assertThat(result).as("a rule matches %s", inputs).isNotNull();
    return result;
  }

  @ParameterizedTest(name = "{0} on {1} {2}, {3} min, reference {4}: max {5}, approvers [{6}], auto {7}, ref {8}, review {9} ({10})")
  @CsvSource(nullValues = "none", value = {
      "break-glass, tier1, GL_DBA, 30, false, 60, '', false, false, 1, Rule_BreakGlass_Tier1",
      "break-glass, tier3, TREASURY_ADMIN, 90, true, 240, '', false, false, 2, Rule_BreakGlass",
      "jit, tier1, GL_DBA, 30, true, 240, security-admin, false, true, none, Rule_Jit_Tier1",
      "jit, tier3, FIN_SHARE_ADMIN, 60, true, 60, '', true, true, none, Rule_Jit_ShortWithChange",
      "jit, tier3, TREASURY_ADMIN, 120, true, 480, security-admin, false, true, none, Rule_Jit_DatabaseAdmin",
      "jit, tier2, PAYROLL_DBA, 30, false, 480, security-admin, false, true, none, Rule_Jit_Tier2",
      "jit, tier3, FIN_SHARE_ADMIN, 90, false, 480, 'security-admin,system-owner', false, false, none, Rule_Jit_Tier3"})
  void eachRule(String kind, String tier, String entitlement, int minutes, boolean reference, int max,
      String approvers, boolean auto, boolean referenceRequired, Integer review, String rule) {
    DmnDecisionRuleResult result = rules(kind, tier, entitlement, minutes, reference);
    assertThat(elevation.matched()).containsExactly(rule);
    assertThat(((Number) result.getEntry("maxMinutes")).intValue()).isEqualTo(max);
    assertThat(result.<String>getEntry("approverGroups")).isEqualTo(approvers);
    assertThat(result.<Boolean>getEntry("autoApprove")).isEqualTo(auto);
    assertThat(result.<Boolean>getEntry("referenceRequired")).isEqualTo(referenceRequired);
    Number days = (Number) result.getEntryMap().get("reviewBusinessDays");
    assertThat(days == null ? null : days.intValue()).isEqualTo(review);
  }

  @Test
  void breakGlassIsShortReviewedAndNeverApprovedByARuleAndARuleApprovesOnlyShortReferencedTier3Elevations() {
    for (String tier : List.of("tier1", "tier2", "tier3")) {
      for (String entitlement : List.of("TREASURY_ADMIN", "FIN_SHARE_ADMIN", "GL_DBA")) {
        for (int minutes : List.of(1, 60, 61, 240, 480, 100_000)) {
          for (boolean reference : List.of(true, false)) {
            var glass = rules("break-glass", tier, entitlement, minutes, reference);
            assertThat(((Number) glass.getEntry("maxMinutes")).intValue()).isBetween(15, 240);
            assertThat(glass.<Boolean>getEntry("autoApprove")).isFalse();
            assertThat(((Number) glass.getEntry("reviewBusinessDays")).intValue()).isBetween(1, 5);
            var jit = rules("jit", tier, entitlement, minutes, reference);
            int max = ((Number) jit.getEntry("maxMinutes")).intValue();
            assertThat(max).isBetween(15, 480);
            if (Boolean.TRUE.equals(jit.getEntry("autoApprove"))) {
              assertThat(tier).isEqualTo("tier3");
              assertThat(reference).isTrue();
              assertThat(minutes).isLessThanOrEqualTo(max);
            } else {
              assertThat(jit.<String>getEntry("approverGroups")).as("someone approves").isNotBlank();
            }
            if ("tier1".equals(tier)) {
              assertThat(jit.<Boolean>getEntry("referenceRequired")).isTrue();
            }
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}/{1} held by a {2}: standing {3} ({4})")
  @CsvSource({
      "TREASURY-DB, TREASURY_ADMIN, service, true, Rule_Standing_TreasuryServiceAccount",
      "TREASURY-DB, TREASURY_ADMIN, person, false, Rule_Standing_Never",
      "FIN-SHARES, FIN_SHARE_ADMIN, service, false, Rule_Standing_Never"})
  void standing(String system, String entitlement, String holder, boolean allowed, String rule) {
    var result = standing.evaluate(Map.of("systemId", system, "entitlementId", entitlement, "holderKind", holder))
        .getSingleResult();
    assertThat(result.<Boolean>getEntry("standingAllowed")).isEqualTo(allowed);
    assertThat(standing.matched()).containsExactly(rule);
  }

  @AfterAll
  void everyRuleWasHit() throws Exception {
    assertThat(elevation.ruleIds()).hasSize(7);
    assertThat(elevation.hit()).containsAll(elevation.ruleIds());
    assertThat(standing.ruleIds()).hasSize(2);
    assertThat(standing.hit()).containsAll(standing.ruleIds());
  }
}
