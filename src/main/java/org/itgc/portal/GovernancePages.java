package org.itgc.portal;

import java.time.Clock;
import java.time.Instant;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.Page;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The governance dashboard (issue #15) for governance leads and auditors: each control's state over a period (the
 * current quarter unless picked) and, behind every figure, the list of what it counts, with its CSV and workbook.
 */
@Controller
@Page
@PreAuthorize(GovernancePages.READERS)
class GovernancePages {

  static final String READERS = "hasAnyAuthority('governance-lead', 'auditor')";
  static final int PAGE_SIZE = 50;

  private final GovernanceDashboard dashboard;
  private final GovernanceLists lists;
  private final BusinessCalendar calendar;
  private final AuditRecorder audit;
  private final Clock clock;

  GovernancePages(GovernanceDashboard dashboard, GovernanceLists lists, BusinessCalendar calendar, AuditRecorder audit,
      Clock clock) {
    this.dashboard = dashboard;
    this.lists = lists;
    this.calendar = calendar;
    this.audit = audit;
    this.clock = clock;
  }

  @GetMapping("/app/dashboard")
  String dashboard(@RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
      Model model) {
    Period period = Period.of(from, to, clock, calendar.zone());
    model.addAttribute("period", period);
    model.addAttribute("board", dashboard.of(period));
    return "portal/dashboard";
  }

  /** The list behind a figure; htmx asks for the same page and takes its table when paging. */
  @GetMapping("/app/dashboard/lists/{name}")
  String list(@PathVariable String name, @RequestParam(required = false) Instant from,
      @RequestParam(required = false) Instant to, @RequestParam(required = false) String key,
      @RequestParam(required = false) String status, @RequestParam(required = false) String q,
      @RequestParam(defaultValue = "0") int offset, Model model) {
    Period period = Period.of(from, to, clock, calendar.zone());
    Table table = lists.table(name, period, key, status).filtered(q);
    model.addAttribute("period", period);
    model.addAttribute("name", name);
    model.addAttribute("key", key);
    model.addAttribute("status", status);
    model.addAttribute("q", q);
    model.addAttribute("table", table);
    model.addAttribute("page", table.page(offset, PAGE_SIZE));
    return "portal/list";
  }

  @GetMapping("/app/dashboard/lists/{name}/export")
  ResponseEntity<?> export(@PathVariable String name, @RequestParam(required = false) Instant from,
      @RequestParam(required = false) Instant to, @RequestParam(required = false) String key,
      @RequestParam(required = false) String status, @RequestParam(required = false) String q,
      @RequestParam(defaultValue = "csv") String format) {
    Period period = Period.of(from, to, clock, calendar.zone());
    Table table = lists.table(name, period, key, status).filtered(q);
    audit.record(AuditEvent.of("governance.list.export", "list", name)
        .detail("key", key).detail("status", status).detail("from", period.from().toString())
        .detail("to", period.to().toString()).detail("format", format).detail("rows", table.rows().size()).build());
    return Exports.of(table, Exports.fileName(name, key == null ? "all" : key, period.fromText(), period.toText()),
        format);
  }
}
