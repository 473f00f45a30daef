package org.itgc.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.impl.DmnDecisionTableImpl;
import org.camunda.bpm.dmn.engine.impl.DmnDecisionTableRuleImpl;
import org.camunda.bpm.dmn.engine.impl.DmnExpressionImpl;
import org.camunda.bpm.model.dmn.HitPolicy;
import org.itgc.access.SodRules.Conflict;

/**
 * A decision table of the SoD matrix's shape, read as what it means: each row is a conflict that fires when a person
 * holds every function code its columns name. Built from the deployed decision (never written by hand) and used only
 * after {@link #agreesWith} has compared it with the DMN engine's evaluation.
 */
final class MembershipRules {

  private static final Pattern CONTAINS = Pattern.compile("\\s*list\\s+contains\\s*\\(\\s*\\?\\s*,\\s*\"([^\"]+)\"\\s*\\)\\s*");
  private static final Pattern LITERAL = Pattern.compile("\\s*\"([^\"]*)\"\\s*");

  record Row(Set<String> codes, Conflict conflict) {}

  private final List<Row> rows;

  private MembershipRules(List<Row> rows) {
    this.rows = List.copyOf(rows);
  }

  /** The rows, when the decision has the matrix's shape; empty otherwise. */
  static Optional<MembershipRules> of(DmnDecision decision) {
    if (!(decision.getDecisionLogic() instanceof DmnDecisionTableImpl table)
        || table.getHitPolicyHandler().getHitPolicyEntry().getHitPolicy() != HitPolicy.COLLECT
        || table.getHitPolicyHandler().getHitPolicyEntry().getAggregator() != null) {
      return Optional.empty();
    }
    if (!table.getInputs().stream().allMatch(i -> SodRules.INPUT.equals(text(i.getExpression())))) {
      return Optional.empty();
    }
    List<String> outputs = table.getOutputs().stream().map(o -> o.getOutputName()).toList();
    int ruleId = outputs.indexOf("ruleId");
    int risk = outputs.indexOf("risk");
    int description = outputs.indexOf("description");
    if (ruleId < 0 || risk < 0 || description < 0) {
      return Optional.empty();
    }
    List<Row> rows = new ArrayList<>();
    for (DmnDecisionTableRuleImpl rule : table.getRules()) {
      Set<String> codes = new TreeSet<>();
      for (DmnExpressionImpl condition : rule.getConditions()) {
        String test = text(condition);
        if (test == null || test.equals("-")) {
          continue;
        }
        Matcher m = CONTAINS.matcher(test);
        if (!m.matches()) {
          return Optional.empty();
        }
        codes.add(m.group(1));
      }
      String[] values = new String[outputs.size()];
      for (int i = 0; i < values.length; i++) {
        Matcher m = LITERAL.matcher(String.valueOf(text(rule.getConclusions().get(i))));
        if (!m.matches()) {
          return Optional.empty();
        }
        values[i] = m.group(1);
      }
      rows.add(new Row(codes, new Conflict(values[ruleId], values[risk], values[description])));
    }
    return Optional.of(new MembershipRules(rows));
  }

  List<Conflict> evaluate(Collection<String> functions) {
    Set<String> held = functions instanceof Set<String> set ? set : new HashSet<>(functions);
    List<Conflict> conflicts = new ArrayList<>(2);
    for (Row row : rows) {
      if (held.containsAll(row.codes())) {
        conflicts.add(row.conflict());
      }
    }
    return conflicts;
  }

  /**
   * Whether this reading gives what the DMN engine gives, on probe sets: none, all codes, each row's own codes, and
   * each row's codes together with the next row's.
   */
  boolean agreesWith(Function<Collection<String>, List<Conflict>> engine) {
    List<Set<String>> probes = new ArrayList<>();
    probes.add(Set.of());
    Set<String> all = new LinkedHashSet<>();
    rows.forEach(r -> all.addAll(r.codes()));
    probes.add(all);
    for (int i = 0; i < rows.size(); i++) {
      probes.add(rows.get(i).codes());
      Set<String> two = new TreeSet<>(rows.get(i).codes());
      two.addAll(rows.get((i + 1) % rows.size()).codes());
      probes.add(two);
    }
    for (Set<String> probe : probes) {
      if (!new HashSet<>(evaluate(probe)).equals(new HashSet<>(engine.apply(List.copyOf(probe))))) {
        return false;
      }
    }
    return true;
  }

  private static String text(DmnExpressionImpl expression) {
    return expression == null || expression.getExpression() == null || expression.getExpression().isBlank() ? null
        : expression.getExpression().strip();
  }
}
