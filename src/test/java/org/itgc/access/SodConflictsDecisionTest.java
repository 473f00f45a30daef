package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineConfiguration;
import org.camunda.bpm.engine.variable.Variables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * dmn/sod-conflicts.dmn: the matrix of shared/docs/domain.md, each rule hit by its own pair in both orders, every
 * conflict of a set returned by one evaluation whatever the order, and rule SOD-13 spelled out against exactly the
 * financial transaction functions of config/access.yaml.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SodConflictsDecisionTest {

  private DmnEngine engine;
  private DmnDecision decision;
  private final Set<String> hit = new TreeSet<>();
  private List<Map<String, Object>> functions;

  @BeforeAll
  void parse() throws Exception {
    engine = DmnEngineConfiguration.createDefaultDmnEngineConfiguration().buildEngine();
    try (InputStream in = Files.newInputStream(Path.of("dmn/sod-conflicts.dmn"))) {
      decision = engine.parseDecision("sod-conflicts", in);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> catalogue = new ObjectMapper(new YAMLFactory()).readValue(Path.of("config/access.yaml").toFile(), Map.class);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list = (List<Map<String, Object>>) catalogue.get("functions");
    functions = list;
  }

  private List<String> conflicts(List<String> held) {
    var result = engine.evaluateDecisionTable(decision, Variables.createVariables().putValue("functions", held));
    List<String> rules = result.getResultList().stream().map(r -> (String) r.get("ruleId")).toList();
    hit.addAll(rules);
    return rules;
  }

  @ParameterizedTest(name = "{0}: {1} with {2} ({3})")
  @CsvSource({
      "SOD-01, AP_VENDOR_MAINTAIN, AP_PAYMENT_APPROVE, high",
      "SOD-02, AP_VENDOR_MAINTAIN, AP_INVOICE_ENTER, high",
      "SOD-03, AP_INVOICE_ENTER, AP_PAYMENT_APPROVE, high",
      "SOD-04, PO_CREATE, PO_APPROVE, high",
      "SOD-05, PO_CREATE, GOODS_RECEIPT_POST, medium",
      "SOD-06, GL_JOURNAL_POST, GL_JOURNAL_APPROVE, high",
      "SOD-07, GL_PERIOD_MAINTAIN, GL_JOURNAL_POST, medium",
      "SOD-08, TREASURY_DISBURSE, BANK_RECONCILE, high",
      "SOD-09, AR_CUSTOMER_MAINTAIN, AR_CREDIT_MEMO_ISSUE, medium",
      "SOD-10, PAYROLL_MASTER_MAINTAIN, PAYROLL_RUN, high",
      "SOD-11, CODE_COMMIT, PROD_DEPLOY, high",
      "SOD-12, CHANGE_REQUEST, CHANGE_APPROVE, high",
      "SOD-14, DB_ADMIN, AUDIT_LOG_ADMIN, high"})
  void eachPairOfTheMatrixIsAConflictInEitherOrder(String rule, String a, String b, String risk) {
    assertThat(conflicts(List.of(a, b))).containsExactly(rule);
    assertThat(conflicts(List.of(b, a))).containsExactly(rule);
    var result = engine.evaluateDecisionTable(decision, Variables.createVariables().putValue("functions", List.of(a, b)));
    assertThat(result.getSingleResult().getEntryMap()).containsEntry("risk", risk);
    assertThat((String) result.getSingleResult().getEntry("description")).contains(a).contains(b);
    assertThat(conflicts(List.of(a))).isEmpty();
    assertThat(conflicts(List.of(b))).isEmpty();
  }

  @Test
  void securityAdministrationConflictsWithEveryFinancialTransactionFunctionOfTheCatalogue() {
    List<String> financial = functions.stream().filter(f -> Boolean.TRUE.equals(f.get("financialTransaction")))
        .map(f -> (String) f.get("code")).toList();
    assertThat(financial).hasSize(15);
    for (String code : financial) {
      assertThat(conflicts(List.of("SECURITY_ADMIN", code))).as(code).containsExactly("SOD-13-" + code);
      assertThat(conflicts(List.of(code, "SECURITY_ADMIN"))).as(code).containsExactly("SOD-13-" + code);
    }
    List<String> other = functions.stream().filter(f -> !Boolean.TRUE.equals(f.get("financialTransaction")))
        .map(f -> (String) f.get("code")).filter(c -> !c.equals("SECURITY_ADMIN")).toList();
    for (String code : other) {
      assertThat(conflicts(List.of("SECURITY_ADMIN", code))).as(code).isEmpty();
    }
  }

  @Test
  void oneEvaluationReturnsEveryConflictWhateverTheOrder() {
    List<String> all = new ArrayList<>(functions.stream().map(f -> (String) f.get("code")).toList());
    Set<String> expected = new TreeSet<>(conflicts(all));
    assertThat(expected).hasSize(28);
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      Collections.shuffle(all, random);
      assertThat(new TreeSet<>(conflicts(all))).isEqualTo(expected);
    }
    // a person's realistic set: three conflicts at once, with unrelated functions around them
    assertThat(conflicts(List.of("BANK_RECONCILE", "AP_INVOICE_ENTER", "CHANGE_REQUEST", "AP_PAYMENT_APPROVE",
        "TREASURY_DISBURSE", "AP_VENDOR_MAINTAIN")).stream().sorted().collect(Collectors.toList()))
        .containsExactly("SOD-01", "SOD-02", "SOD-03", "SOD-08");
  }

  @Test
  void noFunctionsOrUnknownCodesAreNoConflict() {
    assertThat(conflicts(List.of())).isEmpty();
    assertThat(conflicts(List.of("NOT_A_FUNCTION", "GL_JOURNAL_POST"))).isEmpty();
  }

  @Test
  void readAsMembershipRulesTheTableGivesWhatTheDmnEngineGivesForAnySet() throws Exception {
    MembershipRules rules = MembershipRules.of(decision).orElseThrow();
    List<String> all = functions.stream().map(f -> (String) f.get("code")).toList();
    Random random = new Random(11);
    for (int i = 0; i < 2_000; i++) {
      List<String> set = all.stream().filter(c -> random.nextInt(3) == 0).toList();
      assertThat(new TreeSet<>(rules.evaluate(set).stream().map(SodRules.Conflict::ruleId).toList()))
          .as("%s", set).isEqualTo(new TreeSet<>(conflicts(set)));
    }
    assertThat(rules.agreesWith(set -> engine.evaluateDecisionTable(decision, Variables.createVariables()
        .putValue("functions", List.copyOf(set))).getResultList().stream()
        .map(r -> new SodRules.Conflict((String) r.get("ruleId"), (String) r.get("risk"), (String) r.get("description")))
        .toList())).isTrue();
  }

  @Test
  void aTableOfAnotherShapeIsNotReadAsMembershipRules() throws Exception {
    String negated = Files.readString(Path.of("dmn/sod-conflicts.dmn"))
        .replaceFirst("<text>list contains\\(\\?, \"AP_PAYMENT_APPROVE\"\\)</text>", "<text>not(list contains(?, \"AP_PAYMENT_APPROVE\"))</text>");
    assertThat(negated).contains("not(list contains");
    DmnDecision other = engine.parseDecision("sod-conflicts", new java.io.ByteArrayInputStream(negated.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(MembershipRules.of(other)).isEmpty();
    try (InputStream in = Files.newInputStream(Path.of("dmn/change-criticality.dmn"))) {
      assertThat(MembershipRules.of(engine.parseDecision("change-criticality", in))).isEmpty();
    }
  }

  @AfterAll
  void everyRuleWasHit() throws Exception {
    String model = Files.readString(Path.of("dmn/sod-conflicts.dmn"));
    Set<String> rules = new TreeSet<>();
    var m = java.util.regex.Pattern.compile("<outputEntry id=\"[^\"]+_Rule\"><text>\"([^\"]+)\"</text>").matcher(model);
    while (m.find()) {
      rules.add(m.group(1));
    }
    assertThat(rules).hasSize(28);
    assertThat(hit).containsAll(rules);
  }
}
