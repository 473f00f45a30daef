package org.itgc.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnDecisionTableResult;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineConfiguration;
import org.camunda.bpm.dmn.engine.delegate.DmnDecisionTableEvaluationEvent;
import org.camunda.bpm.dmn.engine.delegate.DmnDecisionTableEvaluationListener;
import org.camunda.bpm.dmn.engine.impl.DefaultDmnEngineConfiguration;

/**
 * A decision of {@code dmn/} on the standalone DMN engine for the DMN tests: which rules matched the last evaluation,
 * which rules any evaluation hit, and the rule ids of the file, so that a test can say that every row was hit.
 */
public final class DecisionTable {

  private final Path file;
  private final DmnEngine engine;
  private final DmnDecision decision;
  private final List<String> matched = new ArrayList<>();
  private final Set<String> hit = new TreeSet<>();

  public DecisionTable(String key) throws IOException {
    this.file = Path.of("dmn", key + ".dmn");
    var configuration = (DefaultDmnEngineConfiguration) DmnEngineConfiguration.createDefaultDmnEngineConfiguration();
    configuration.customPostDecisionTableEvaluationListeners(List.of(new DmnDecisionTableEvaluationListener() {
      @Override
      public void notify(DmnDecisionTableEvaluationEvent event) {
        matched.clear();
        event.getMatchingRules().forEach(r -> matched.add(r.getId()));
        hit.addAll(matched);
      }
    }));
    this.engine = configuration.buildEngine();
    try (InputStream in = Files.newInputStream(file)) {
      this.decision = engine.parseDecision(key, in);
    }
  }

  public DmnDecisionTableResult evaluate(Map<String, Object> inputs) {
    return engine.evaluateDecisionTable(decision, inputs);
  }

  public DmnEngine engine() {
    return engine;
  }

  public DmnDecision decision() {
    return decision;
  }

  /** The ids of the rules that matched the last evaluation. */
  public List<String> matched() {
    return List.copyOf(matched);
  }

  /** The ids of the rules any evaluation matched. */
  public Set<String> hit() {
    return Set.copyOf(hit);
  }

  /** The ids of every rule in the file. */
  public Set<String> ruleIds() throws IOException {
    var rules = new TreeSet<String>();
    var matcher = java.util.regex.Pattern.compile("<rule id=\"([^\"]+)\"").matcher(Files.readString(file));
    while (matcher.find()) {
      rules.add(matcher.group(1));
    }
    return rules;
  }
}
