package org.itgc.change;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineConfiguration;
import org.camunda.bpm.dmn.engine.delegate.DmnEvaluatedDecisionRule;
import org.camunda.bpm.dmn.engine.impl.DefaultDmnEngineConfiguration;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.variable.Variables;
import org.camunda.bpm.model.dmn.Dmn;
import org.camunda.bpm.model.dmn.DmnModelInstance;
import org.camunda.bpm.model.dmn.instance.Rule;
import org.itgc.change.ChangeRecords.Approval;
import org.itgc.change.ChangeRecords.Change;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.Dates;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Component;

/**
 * What the change's task forms show and nobody decides on: texts the server writes from its own records (the
 * change's row, its approvals, the inventory, the criticality decision as deployed), with dates in the business
 * calendar's time zone. Display only: no gateway, listener or service reads them back ({@link ChangeProcess.Display}).
 */
@Component
class ChangeDisplay {

  /** How the forms name each approval step. */
  private static final Map<String, String> STEPS = Map.of("technical-review", "Technical review", "cab", "CAB",
      "it", "IT", "finance", "Finance", "retro-cab", "Retrospective CAB", "retro-it", "Retrospective IT",
      "retro-finance", "Retrospective finance");

  private final ChangeRecords records;
  private final SystemsInventory systems;
  private final BusinessCalendar calendar;
  private final Dates dates;
  private final RepositoryService repositoryService;

  ChangeDisplay(ChangeRecords records, SystemsInventory systems, BusinessCalendar calendar, Dates dates,
      RepositoryService repositoryService) {
    this.records = records;
    this.systems = systems;
    this.calendar = calendar;
    this.dates = dates;
    this.repositoryService = repositoryService;
  }

  /** The texts of a registered change, by variable name ({@link ChangeProcess.Display}). */
  Map<String, String> of(String processInstanceId) {
    Change change = records.ofProcessInstance(processInstanceId)
        .orElseThrow(() -> new IllegalStateException("no change for process instance " + processInstanceId));
    Map<String, String> texts = new LinkedHashMap<>();
    FinancialSystem system = systems.find(change.systemId()).orElse(null);
    texts.put(ChangeProcess.Display.SYSTEM, system == null ? change.systemId()
        : system.name() + " (" + system.id() + "), " + tier(system.tier()));
    texts.put(ChangeProcess.Display.MAINTENANCE_WINDOWS, system == null ? "none recorded"
        : maintenanceWindows(system.maintenanceWindows()));
    texts.put(ChangeProcess.Display.PLANNED_WINDOW, dates.time(change.plannedStart()) + " to "
        + dates.time(change.plannedEnd()));
    texts.put(ChangeProcess.Display.DECISIONS, decisions(records.approvals(change.id())));
    return texts;
  }

  /** The decisions so far on a change: step, decision, who, when (in the business calendar's zone) and why. */
  String decisionsSoFar(String processInstanceId) {
    return records.ofProcessInstance(processInstanceId).map(c -> decisions(records.approvals(c.id())))
        .orElse(NO_DECISIONS);
  }

  static final String NO_DECISIONS = "None yet.";

  /**
   * One line per decision, as a Markdown list (the forms render their texts as Markdown): a comment is one line with
   * Markdown's characters escaped, so that an approver's comment can neither start a line that reads like another
   * decision nor format the text.
   */
  String decisions(List<Approval> approvals) {
    if (approvals.isEmpty()) {
      return NO_DECISIONS;
    }
    return "\n\n" + approvals.stream().map(a -> "- " + STEPS.getOrDefault(a.step(), a.step()) + ": " + a.decision()
        + " by " + a.decidedBy() + ", " + dates.time(a.decidedAt())
        + (a.comment() == null || a.comment().isBlank() ? "" : " (comment: \"" + plain(a.comment()) + "\")"))
        .collect(Collectors.joining("\n")) + "\n";
  }

  /** A person's text as one line of plain text in Markdown: line breaks become spaces, Markdown's characters escaped. */
  static String plain(String text) {
    String oneLine = text.strip().replaceAll("[\\r\\n\\u2028\\u2029]+", " ");
    StringBuilder escaped = new StringBuilder(oneLine.length() + 16);
    for (char c : oneLine.toCharArray()) {
      if ("\\`*_{}[]()#+-.!|<>~\"".indexOf(c) >= 0) {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  String maintenanceWindows(List<FinancialSystem.MaintenanceWindow> windows) {
    if (windows.isEmpty()) {
      return "none: every implementation is outside a maintenance window";
    }
    return windows.stream().map(w -> w.days().stream().map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH))
        .collect(Collectors.joining(", ")) + " " + w.start() + " to " + w.end())
        .collect(Collectors.joining("; ")) + " (" + calendar.zone().getId() + ")";
  }

  private static String tier(FinancialSystem.Tier tier) {
    return "tier " + tier.value().substring("tier".length());
  }

  /**
   * Why the change-criticality decision answered what it did: the rule of the deployed table that matched (its
   * description and id) given the inputs as the process gave them, and what it requires. The deployed definition is
   * evaluated again in memory with the same inputs (the table's hit policy is FIRST: one rule answers).
   */
  String criticalityExplanation(String decisionDefinitionId, Map<String, Object> inputs, Map<String, Object> outputs) {
    List<DmnEvaluatedDecisionRule> matched = new ArrayList<>();
    DefaultDmnEngineConfiguration configuration =
        (DefaultDmnEngineConfiguration) DmnEngineConfiguration.createDefaultDmnEngineConfiguration();
    configuration.customPostDecisionTableEvaluationListeners(List.of(event -> matched.addAll(event.getMatchingRules())));
    DmnEngine engine = configuration.buildEngine();
    byte[] xml;
    try (InputStream model = repositoryService.getDecisionModel(decisionDefinitionId)) {
      xml = model.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read decision " + decisionDefinitionId, e);
    }
    DmnDecision decision = engine.parseDecision(ChangeProcess.DECISION_KEY, new ByteArrayInputStream(xml));
    engine.evaluateDecisionTable(decision, Variables.fromMap(inputs));
    String given = "change type " + inputs.get("changeType") + ", system " + inputs.get("systemTier")
        + ", touches financial data " + yesNo(inputs.get("touchesFinancialData"))
        + ", tested rollback " + yesNo(inputs.get("hasTestedRollback"))
        + ", outside the maintenance window " + yesNo(inputs.get("outsideMaintenanceWindow"));
    String requires = "criticality " + outputs.get("criticality") + "; CAB review "
        + required(outputs.get("cabReviewRequired")) + ", finance approval "
        + required(outputs.get("financeApprovalRequired")) + ", test evidence "
        + required(outputs.get("testEvidenceRequired"));
    if (matched.isEmpty()) {
      return "No rule matched (" + given + "): " + requires + ".";
    }
    DmnModelInstance model = Dmn.readModelFromStream(new ByteArrayInputStream(xml));
    String rule = matched.get(0).getId();
    Rule element = model.getModelElementById(rule);
    String description = element == null || element.getDescription() == null ? rule
        : element.getDescription().getTextContent().strip();
    return "Rule \"" + description + "\" (" + rule + ") matched " + given + ": " + requires + ".";
  }

  private static String yesNo(Object value) {
    return Boolean.TRUE.equals(value) ? "yes" : Boolean.FALSE.equals(value) ? "no" : "unknown";
  }

  private static String required(Object value) {
    return Boolean.TRUE.equals(value) ? "required" : "not required";
  }
}
