package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineConfiguration;
import org.camunda.bpm.dmn.engine.impl.DefaultDmnEngineConfiguration;
import org.camunda.bpm.engine.variable.Variables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * dmn/log-watch.dmn: each rule row fires on its case and not on the benign counterpart that differs in one fact; an
 * event may fire several rules (COLLECT); every control a row names is in config/controls.yaml; and every row is hit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogWatchDecisionTest {

  private DmnEngine engine;
  private DmnDecision decision;
  private final Set<String> rowsHit = new TreeSet<>();
  private Set<String> rows;

  @BeforeAll
  void parse() throws Exception {
    DefaultDmnEngineConfiguration configuration =
        (DefaultDmnEngineConfiguration) DmnEngineConfiguration.createDefaultDmnEngineConfiguration();
    configuration.customPostDecisionTableEvaluationListeners(List.of(event -> event.getMatchingRules()
        .forEach(rule -> rowsHit.add(rule.getId()))));
    engine = configuration.buildEngine();
    try (InputStream in = Files.newInputStream(Path.of("dmn/log-watch.dmn"))) {
      decision = engine.parseDecision("log-watch", in);
    }
    rows = new TreeSet<>();
    var matcher = java.util.regex.Pattern.compile("<rule id=\"([^\"]+)\"").matcher(Files.readString(
        Path.of("dmn/log-watch.dmn")));
    while (matcher.find()) {
      rows.add(matcher.group(1));
    }
  }

  /** A benign event: an active person's login on a tier-1 system, nothing else notable. */
  private Map<String, Object> event(String action) {
    Map<String, Object> inputs = new HashMap<>();
    inputs.put("action", action);
    inputs.put("systemTier", "tier1");
    inputs.put("actorStatus", "active");
    inputs.put("privilegeChangeBackedByApprovedRequest", null);
    inputs.put("objectFinancial", false);
    inputs.put("insideApprovedChangeWindow", false);
    inputs.put("objectSensitivity", "normal");
    inputs.put("actorRoleNeedsObject", false);
    inputs.put("failedLoginsInWindow", 0);
    return inputs;
  }

  private Map<String, Object> with(Map<String, Object> inputs, Object... pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      inputs.put((String) pairs[i], pairs[i + 1]);
    }
    return inputs;
  }

  private List<String> fired(Map<String, Object> inputs) {
    return engine.evaluateDecisionTable(decision, Variables.fromMap(inputs)).getResultList().stream()
        .map(r -> r.get("ruleId") + "/" + r.get("severity") + "/" + r.get("controlId")).toList();
  }

  @Test
  void aTerminatedPersonsLoginIsALeaverWhoseAccessWasNotRemoved() {
    assertThat(fired(with(event("login"), "actorStatus", "terminated")))
        .containsExactly("LW-TERMINATED-LOGIN/high/AC-02");
    assertThat(fired(event("login"))).isEmpty();
    assertThat(fired(with(event("login"), "actorStatus", "unknown"))).isEmpty();
    assertThat(fired(with(event("logout"), "actorStatus", "terminated"))).isEmpty();
  }

  @Test
  void aPrivilegeChangeWithoutAnApprovedRequestFires() {
    assertThat(fired(with(event("privilege-change"), "privilegeChangeBackedByApprovedRequest", false)))
        .containsExactly("LW-UNBACKED-PRIVILEGE/high/AC-01");
    assertThat(fired(with(event("privilege-change"), "privilegeChangeBackedByApprovedRequest", true))).isEmpty();
  }

  @Test
  void aChangeToAFinancialObjectOutsideEveryApprovedWindowFiresHighOnTier1() {
    for (String action : List.of("create", "update", "delete")) {
      assertThat(fired(with(event(action), "objectFinancial", true)))
          .containsExactly("LW-CHANGE-OUTSIDE-WINDOW/high/CM-01");
      assertThat(fired(with(event(action), "objectFinancial", true, "systemTier", "tier3")))
          .containsExactly("LW-CHANGE-OUTSIDE-WINDOW/medium/CM-01");
      assertThat(fired(with(event(action), "objectFinancial", true, "insideApprovedChangeWindow", true))).isEmpty();
      assertThat(fired(with(event(action), "objectFinancial", false))).isEmpty();
    }
    assertThat(fired(with(event("read"), "objectFinancial", true))).isEmpty();
  }

  @Test
  void aBurstOfFailedLoginsFiresFromTheFifth() {
    assertThat(fired(with(event("login-failure"), "failedLoginsInWindow", 5)))
        .containsExactly("LW-FAILED-LOGIN-BURST/medium/IA-01");
    assertThat(fired(with(event("login-failure"), "failedLoginsInWindow", 12)))
        .containsExactly("LW-FAILED-LOGIN-BURST/medium/IA-01");
    assertThat(fired(with(event("login-failure"), "failedLoginsInWindow", 4))).isEmpty();
    assertThat(fired(with(event("login"), "failedLoginsInWindow", 9))).isEmpty();
  }

  @Test
  void aReadOfASensitiveObjectBySomeoneWhoseRoleDoesNotNeedItFires() {
    assertThat(fired(with(event("read"), "objectSensitivity", "sensitive")))
        .containsExactly("LW-SENSITIVE-READ/medium/LG-01");
    assertThat(fired(with(event("read"), "objectSensitivity", "sensitive", "actorRoleNeedsObject", true))).isEmpty();
    assertThat(fired(with(event("read"), "objectSensitivity", "normal"))).isEmpty();
  }

  @Test
  void oneEventMayFireSeveralRules() {
    assertThat(fired(with(event("update"), "actorStatus", "terminated", "objectFinancial", true)))
        .containsExactlyInAnyOrder("LW-TERMINATED-ACTIVITY/high/AC-02", "LW-CHANGE-OUTSIDE-WINDOW/high/CM-01");
    assertThat(fired(with(event("read"), "actorStatus", "terminated", "objectSensitivity", "sensitive")))
        .containsExactlyInAnyOrder("LW-TERMINATED-ACTIVITY/high/AC-02", "LW-SENSITIVE-READ/medium/LG-01");
  }

  @Test
  void everyControlARowNamesIsInTheCatalogue() throws Exception {
    String dmn = Files.readString(Path.of("dmn/log-watch.dmn"));
    String controls = Files.readString(Path.of("config/controls.yaml"));
    var matcher = java.util.regex.Pattern.compile("_ControlId\"><text>\"([A-Z]{2}-[0-9]{2})\"").matcher(dmn);
    int found = 0;
    while (matcher.find()) {
      found++;
      assertThat(controls).contains("- id: " + matcher.group(1));
    }
    assertThat(found).isEqualTo(rows.size());
  }

  @AfterAll
  void everyRowWasHit() {
    assertThat(rowsHit).isEqualTo(rows);
  }
}
