package org.itgc.portal;

import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.itgc.logs.LogFindings;
import org.itgc.logs.LogPacks;
import org.itgc.logs.LogQueries;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.Page;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The evidence browser's page of the financial systems' logs (issue #19, docs/logs.md): "who touched object X in
 * period P" and "what did person Y do in period P", each event with whether its proof verifies, and the signed pack to
 * download; and the watcher's findings. Bad input is a form error naming the field (400), never an error page.
 */
@Controller
@Page
@PreAuthorize(LogPages.READERS)
class LogPages {

  static final String READERS = "hasAnyAuthority('auditor', 'governance-lead', 'security-admin')";

  private final LogQueries queries;
  private final LogPacks packs;
  private final LogFindings findings;
  private final BusinessCalendar calendar;

  LogPages(LogQueries queries, LogPacks packs, LogFindings findings, BusinessCalendar calendar) {
    this.queries = queries;
    this.packs = packs;
    this.findings = findings;
    this.calendar = calendar;
  }

  /** The form as given: which question, its subject, the optional system, the period as typed. */
  record Form(String question, String system, String objectType, String objectId, String actor, String rule,
      String from, String to) {}

  /** One event as a row of the page. */
  record Row(Instant occurredAt, String system, String actor, String action, boolean changes, String object,
      String before, String after, String sourceAddress, boolean verified, String problem) {}

  @GetMapping("/app/evidence/logs")
  String page(@RequestParam(required = false) String question, @RequestParam(required = false) String system,
      @RequestParam(required = false) String objectType, @RequestParam(required = false) String objectId,
      @RequestParam(required = false) String actor, @RequestParam(required = false) String rule,
      @RequestParam(required = false) String from, @RequestParam(required = false) String to, Model model,
      HttpServletResponse response) {
    Form form = new Form(question == null ? "" : question.strip(), trim(system), trim(objectType), trim(objectId),
        trim(actor), trim(rule), trim(from), trim(to));
    model.addAttribute("form", form);
    model.addAttribute("errors", Map.of());
    if (form.question().isEmpty()) {
      return "portal/logs";
    }
    Map<String, String> errors = new LinkedHashMap<>();
    Instant start = instant("from", form.from(), errors);
    Instant end = instant("to", form.to(), errors);
    switch (form.question()) {
      case "object" -> {
        if (form.objectType() == null) {
          errors.put("objectType", "is required: the type of the object, such as invoice");
        }
        if (form.objectId() == null) {
          errors.put("objectId", "is required: the object's id, such as AP-12345");
        }
      }
      case "actor" -> {
        if (form.actor() == null) {
          errors.put("actor", "is required: the person's user name as the system logs it");
        }
      }
      case "findings" -> { }
      default -> errors.put("question", "must be object, actor or findings");
    }
    if (start != null && end != null && !end.isAfter(start)) {
      errors.put("to", "must be after from");
    }
    if (errors.isEmpty()) {
      try {
        if (form.question().equals("findings")) {
          model.addAttribute("findings", findings.list(start, end, form.system(), form.rule(), form.actor(), "page"));
        } else {
          LogQueries.Answer answer = form.question().equals("object")
              ? queries.byObject(form.objectType(), form.objectId(), start, end)
              : queries.byActor(form.actor(), start, end);
          List<Row> rows = new ArrayList<>();
          TreeSet<String> systems = new TreeSet<>();
          for (LogQueries.Event e : answer.events()) {
            systems.add(e.system());
            if (form.system() == null || form.system().equals(e.system())) {
              rows.add(new Row(e.occurredAt(), e.system(), e.actor(), e.action(), e.changes(),
                  e.objectType() == null ? null : e.objectType() + "/" + (e.objectId() == null ? "" : e.objectId()),
                  e.before() == null ? null : e.before().toString(), e.after() == null ? null : e.after().toString(),
                  e.sourceAddress(), e.verified(), e.problem()));
            }
          }
          model.addAttribute("answer", answer);
          model.addAttribute("rows", rows);
          model.addAttribute("allVerified", rows.stream().allMatch(Row::verified));
          model.addAttribute("systemsSeen", systems);
        }
      } catch (BadRequestException e) {
        errors.put(e.field() == null ? "question" : e.field(),
            e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
      }
    }
    if (!errors.isEmpty()) {
      response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
      model.addAttribute("errors", errors);
      model.addAttribute("rows", null);
      model.addAttribute("findings", null);
    }
    return "portal/logs";
  }

  /** The signed pack of the page's question (object or person, period), made and audited as the API makes it. */
  @GetMapping("/app/evidence/logs/pack")
  ResponseEntity<byte[]> pack(@RequestParam String question, @RequestParam(required = false) String objectType,
      @RequestParam(required = false) String objectId, @RequestParam(required = false) String actor,
      @RequestParam(required = false) String from, @RequestParam(required = false) String to,
      Authentication authentication) {
    Map<String, String> errors = new LinkedHashMap<>();
    Instant start = instant("from", trim(from), errors);
    Instant end = instant("to", trim(to), errors);
    if (!errors.isEmpty()) {
      var first = errors.entrySet().iterator().next();
      throw new BadRequestException(first.getKey(), first.getValue());
    }
    LogPacks.Pack pack;
    if ("object".equals(question) && trim(objectType) != null && trim(objectId) != null) {
      pack = packs.ofObject(objectType.strip(), objectId.strip(), start, end, authentication.getName());
    } else if ("actor".equals(question) && trim(actor) != null) {
      pack = packs.ofActor(actor.strip(), start, end, authentication.getName());
    } else {
      throw new BadRequestException("question", "an object (objectType and objectId) or a person (actor) is required");
    }
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + pack.fileName() + "\"")
        .contentType(MediaType.parseMediaType("application/zip")).body(pack.zip());
  }

  private Instant instant(String field, String value, Map<String, String> errors) {
    if (value == null) {
      return null;
    }
    try {
      return calendar.parseInstant(value);
    } catch (java.time.DateTimeException e) {
      errors.put(field, "'" + value + "' is not a date such as 2026-12-01 or an instant such as 2026-12-01T09:00:00Z");
      return null;
    }
  }

  private static String trim(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
