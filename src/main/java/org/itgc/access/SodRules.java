package org.itgc.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnDecisionResultEntries;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineConfiguration;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.repository.DecisionDefinition;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Component;

/**
 * Evaluates the deployed decision {@code sod-conflicts} (its latest version) over a set of function codes. The
 * preventive check of {@code access-request} and the detective scan both come here, so that they apply the same rule
 * set: the one governance leads deploy. The parsed decision is kept per decision definition, so a redeployed table
 * takes effect at the next evaluation.
 *
 * <p>Evaluating the table with FEEL costs about a millisecond per person (56 unary tests), too slow for a scan of
 * 50,000 people. So when every row of the deployed table has the shape of the SoD matrix ({@code list contains(?,
 * "CODE")} or empty in each column, string literals as outputs, COLLECT), the table is read as
 * {@link MembershipRules}: a row fires when the person holds all its codes. That reading is checked against the DMN
 * engine's own evaluation on probe sets before it is used; a table of any other shape is evaluated row by row.
 */
@Component
public class SodRules {

  public static final String DECISION_KEY = "sod-conflicts";
  public static final String INPUT = "functions";

  /** One conflict: a row of the decision that matched. */
  public record Conflict(String ruleId, String risk, String description) {}

  /** The conflicts of one evaluation and the decision version that found them. */
  public record Evaluation(List<Conflict> conflicts, String decisionDefinitionId, int decisionVersion) {}

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SodRules.class);

  private final RepositoryService repositoryService;
  private final DmnEngine dmnEngine;
  private volatile Parsed parsed;

  private record Parsed(String definitionId, int version, DmnDecision decision, MembershipRules membership) {}

  SodRules(RepositoryService repositoryService) {
    this.repositoryService = repositoryService;
    // a DMN engine of its own: the process engine's writes decision history and needs a command context, which a
    // scan of 50,000 people neither wants nor has; the scan and each request store the decision version instead
    this.dmnEngine = DmnEngineConfiguration.createDefaultDmnEngineConfiguration().buildEngine();
  }

  /** Every conflict among {@code functions}, whatever their order. */
  public Evaluation evaluate(Collection<String> functions) {
    Parsed current = current();
    return new Evaluation(evaluate(current, functions), current.definitionId(), current.version());
  }

  /** For a batch of evaluations (the detective scan): the latest decision, looked up once. */
  Batch batch() {
    Parsed current = current();
    return new Batch(current.definitionId(), current.version(), functions -> evaluate(current, functions));
  }

  record Batch(String decisionDefinitionId, int decisionVersion, java.util.function.Function<Collection<String>, List<Conflict>> rules) {
    List<Conflict> evaluate(Collection<String> functions) {
      return rules.apply(functions);
    }
  }

  /** The DMN engine's own evaluation of the latest decision, row by row in FEEL: the baseline of the benchmark. */
  List<Conflict> evaluateRowByRow(Collection<String> functions) {
    return evaluate(current().decision(), functions);
  }

  private List<Conflict> evaluate(Parsed parsed, Collection<String> functions) {
    return parsed.membership() != null ? parsed.membership().evaluate(functions) : evaluate(parsed.decision(), functions);
  }

  List<Conflict> evaluate(DmnDecision decision, Collection<String> functions) {
    var result = dmnEngine.evaluateDecision(decision,
        Variables.createVariables().putValue(INPUT, List.copyOf(functions)));
    List<Conflict> conflicts = new ArrayList<>(result.size());
    for (DmnDecisionResultEntries row : result) {
      Map<String, Object> entries = row.getEntryMap();
      conflicts.add(new Conflict((String) entries.get("ruleId"), (String) entries.get("risk"),
          (String) entries.get("description")));
    }
    return conflicts;
  }

  private Parsed current() {
    DecisionDefinition latest = withoutAuthorization(() -> repositoryService.createDecisionDefinitionQuery()
        .decisionDefinitionKey(DECISION_KEY).latestVersion().singleResult());
    if (latest == null) {
      throw new IllegalStateException("decision " + DECISION_KEY + " is not deployed");
    }
    Parsed known = parsed;
    if (known != null && known.definitionId().equals(latest.getId())) {
      return known;
    }
    DmnDecision decision = withoutAuthorization(() -> {
      try (var model = repositoryService.getDecisionModel(latest.getId())) {
        return dmnEngine.parseDecision(DECISION_KEY, model);
      }
    });
    MembershipRules membership = MembershipRules.of(decision)
        .filter(rules -> rules.agreesWith(functions -> evaluate(decision, functions)))
        .orElse(null);
    if (membership == null) {
      log.warn("Decision {} is not made only of 'list contains' rules; the SoD checks evaluate it row by row (slower)",
          latest.getId());
    }
    Parsed fresh = new Parsed(latest.getId(), latest.getVersion(), decision, membership);
    parsed = fresh;
    return fresh;
  }

  /** Inside a process step the caller's engine authorizations apply; reading the rule set is not theirs to grant. */
  static <T> T withoutAuthorization(Callable<T> work) {
    CommandContext context = Context.getCommandContext();
    try {
      return context == null ? work.call() : context.runWithoutAuthorization(work);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
