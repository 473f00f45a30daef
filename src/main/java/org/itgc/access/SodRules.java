package org.itgc.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnDecisionResultEntries;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
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
 */
@Component
public class SodRules {

  public static final String DECISION_KEY = "sod-conflicts";
  public static final String INPUT = "functions";

  /** One conflict: a row of the decision that matched. */
  public record Conflict(String ruleId, String risk, String description) {}

  /** The conflicts of one evaluation and the decision version that found them. */
  public record Evaluation(List<Conflict> conflicts, String decisionDefinitionId, int decisionVersion) {}

  private final RepositoryService repositoryService;
  private final DmnEngine dmnEngine;
  private volatile Parsed parsed;

  private record Parsed(String definitionId, int version, DmnDecision decision) {}

  SodRules(RepositoryService repositoryService, ProcessEngineConfiguration configuration) {
    this.repositoryService = repositoryService;
    this.dmnEngine = ((ProcessEngineConfigurationImpl) configuration).getDmnEngine();
  }

  /** Every conflict among {@code functions}, whatever their order. */
  public Evaluation evaluate(Collection<String> functions) {
    Parsed current = current();
    return new Evaluation(evaluate(current.decision(), functions), current.definitionId(), current.version());
  }

  /** For a batch of evaluations (the detective scan): the latest decision, looked up once. */
  Batch batch() {
    Parsed current = current();
    return new Batch(current.definitionId(), current.version(), functions -> evaluate(current.decision(), functions));
  }

  record Batch(String decisionDefinitionId, int decisionVersion, java.util.function.Function<Collection<String>, List<Conflict>> rules) {
    List<Conflict> evaluate(Collection<String> functions) {
      return rules.apply(functions);
    }
  }

  private List<Conflict> evaluate(DmnDecision decision, Collection<String> functions) {
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
    Parsed fresh = new Parsed(latest.getId(), latest.getVersion(), decision);
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
