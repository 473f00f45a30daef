package org.itgc.logs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import org.itgc.access.PersonActivity;
import org.springframework.stereotype.Component;

/**
 * The financial systems' logs of a person for access's break-glass review: every name the person may appear under in
 * a source's records, asked through the auditor's own query (each question audited, each event's proof verified).
 */
@Component
class LogsPersonActivity implements PersonActivity {

  private final LogQueries queries;

  LogsPersonActivity(LogQueries queries) {
    this.queries = queries;
  }

  @Override
  public Found of(Collection<String> names, Instant from, Instant to, int max) {
    List<Action> actions = new ArrayList<>();
    for (String name : new LinkedHashSet<>(names)) {
      if (name == null || name.isBlank()) {
        continue;
      }
      for (LogQueries.Event e : queries.byActor(name, from, to).events()) {
        actions.add(new Action(e.occurredAt(), e.system(), e.actor(), e.action(), e.objectType(), e.objectId(),
            e.verified()));
      }
    }
    actions.sort(Comparator.comparing(Action::at));
    return new Found(actions.size() > max ? List.copyOf(actions.subList(0, max)) : actions, actions.size() > max);
  }
}
