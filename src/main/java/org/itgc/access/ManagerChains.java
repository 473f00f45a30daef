package org.itgc.access;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * HR's chains of managers, checked for a file of any size in time proportional to its rows: a manager must be a person
 * of the registry or of the same file (a missing one would let any line manager approve the person's requests), and a
 * chain must not come back to the person (a cycle). Each person's chain is walked once; what is learned (this person's
 * chain ends well, or this person is on a cycle) is remembered for the others.
 */
final class ManagerChains {

  private final Map<String, String> managers;
  /** People whose chain ends without a cycle. */
  private final java.util.Set<String> endsWell = new java.util.HashSet<>();
  /** People on a cycle, with the cycle as it reads from them. */
  private final Map<String, List<String>> onCycle = new HashMap<>();

  /** {@code managers}: person to manager (null: none), the registry's with the file's accepted rows over them. */
  ManagerChains(Map<String, String> managers) {
    this.managers = new HashMap<>(managers);
  }

  /** Why the row's manager cannot stand, or empty. */
  Optional<String> problem(String id, String managerId) {
    if (managerId == null) {
      return Optional.empty();
    }
    if (!managers.containsKey(managerId)) {
      return Optional.of("'" + managerId + "' is neither in the registry nor in this file; the row is held until the "
          + "manager exists");
    }
    walk(id);
    List<String> cycle = onCycle.get(id);
    if (cycle == null) {
      return Optional.empty();
    }
    String shown = cycle.size() <= 10 ? String.join(" -> ", cycle) + " -> " + id
        : String.join(" -> ", cycle.subList(0, 10)) + " -> ... (" + cycle.size() + " people) -> " + id;
    return Optional.of("would make a cycle in HR's chain: " + shown);
  }

  /** A cycle read from one of its members, without copying it for each (a cycle may hold the whole file). */
  private static final class Rotated extends java.util.AbstractList<String> {
    private final List<String> members;
    private final int from;

    Rotated(List<String> members, int from) {
      this.members = members;
      this.from = from;
    }

    @Override
    public String get(int index) {
      return members.get((from + index) % members.size());
    }

    @Override
    public int size() {
      return members.size();
    }
  }

  private void walk(String start) {
    List<String> path = new ArrayList<>();
    Map<String, Integer> position = new HashMap<>();
    String current = start;
    while (current != null && !endsWell.contains(current) && !onCycle.containsKey(current)) {
      Integer seen = position.get(current);
      if (seen != null) {
        List<String> cycle = path.subList(seen, path.size());
        List<String> members = List.copyOf(cycle);
        for (int i = 0; i < members.size(); i++) {
          onCycle.put(members.get(i), new Rotated(members, i));
        }
        endsWell.addAll(path.subList(0, seen)); // they lead into a cycle but are not on it: reported on its rows
        return;
      }
      position.put(current, path.size());
      path.add(current);
      current = managers.get(current);
    }
    for (String person : path) {
      if (!onCycle.containsKey(person)) {
        endsWell.add(person);
      }
    }
  }
}
