package org.itgc.portal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.itgc.platform.Role;
import org.itgc.platform.web.Page;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * Where a person lands after the login: their open tasks (each a link into Tasklist), their own requests, and for
 * governance leads and auditors the way to the dashboard and the evidence.
 */
@Controller
@Page
class HomePage {

  static final int TASKS_SHOWN = 15;

  private final TaskService tasks;
  private final RepositoryService repository;
  private final MyRequests requests;
  private final Clock clock;

  HomePage(TaskService tasks, RepositoryService repository, MyRequests requests, Clock clock) {
    this.clock = clock;
    this.tasks = tasks;
    this.repository = repository;
    this.requests = requests;
  }

  /** One open task as the home page lists it. */
  record OpenTask(String id, String name, String process, Instant created, Instant due, boolean assignedToMe,
      boolean overdue) {}

  @GetMapping("/")
  String root() {
    return "redirect:/app";
  }

  @GetMapping("/app")
  String home(@ModelAttribute("me") Me me, Model model) {
    // a list Camunda may add to: with a candidate user, the query merges that user's own groups into this one
    var groups = new java.util.ArrayList<>(me.roles().stream().map(Role::groupId).toList());
    var mine = tasks.createTaskQuery().active().or().taskAssignee(me.name()).taskCandidateUser(me.name());
    var query = (groups.isEmpty() ? mine : mine.taskCandidateGroupIn(groups)).endOr().orderByTaskCreateTime().desc();
    long count = query.count();
    Instant now = clock.instant();
    List<OpenTask> open = query.listPage(0, TASKS_SHOWN).stream().map(t -> openTask(t, me, now)).toList();
    model.addAttribute("taskCount", count);
    model.addAttribute("tasks", open);
    model.addAttribute("requests", requests.of(me.name(), 0, 5));
    return "portal/home";
  }

  private OpenTask openTask(Task task, Me me, Instant now) {
    String process = task.getProcessDefinitionId() == null ? ""
        : repository.getProcessDefinition(task.getProcessDefinitionId()).getName();
    Instant due = task.getDueDate() == null ? null : task.getDueDate().toInstant();
    return new OpenTask(task.getId(), task.getName(), process, task.getCreateTime().toInstant(), due,
        me.name().equals(task.getAssignee()), due != null && due.isBefore(now));
  }
}
