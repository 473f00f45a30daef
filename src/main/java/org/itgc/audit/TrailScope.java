package org.itgc.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which objects the audit trail names, declared as data for other capabilities to ask {@link AuditTrail} about
 * (issue #21: no capability reads {@code audit_event} in SQL of its own). A scope is a union of parts; each part names
 * either the object ids of the events of some actions, or the ids those events list in an array of their details, and
 * may keep only the events whose details hold given values. {@link AuditTrail#namedIn} asks it for a period,
 * {@link AuditTrail#namedAmong} for given ids.
 */
public record TrailScope(List<Part> parts) {

  /**
   * The events of {@code actions} (whose {@code details} hold these values as text); they name their object id, or,
   * with {@code listedIn}, the ids in the array of that detail (events where it is no array name nothing).
   */
  public record Part(List<String> actions, Map<String, String> details, String listedIn) {

    public Part {
      actions = List.copyOf(actions);
      details = new TreeMap<>(details);
    }
  }

  public TrailScope {
    parts = List.copyOf(parts);
  }

  /** The object ids of the events of these actions. */
  public static TrailScope objectsOf(String... actions) {
    return new TrailScope(List.of(new Part(List.of(actions), Map.of(), null)));
  }

  /** The ids the events of these actions list in the array of their detail {@code arrayDetail}. */
  public static TrailScope listedIn(String arrayDetail, String... actions) {
    return new TrailScope(List.of(new Part(List.of(actions), Map.of(), arrayDetail)));
  }

  /** This scope of only the events whose detail {@code detail} is {@code value} (as text), in every part. */
  public TrailScope where(String detail, String value) {
    List<Part> narrowed = new ArrayList<>();
    for (Part part : parts) {
      Map<String, String> details = new TreeMap<>(part.details());
      details.put(detail, value);
      narrowed.add(new Part(part.actions(), details, part.listedIn()));
    }
    return new TrailScope(narrowed);
  }

  /** The union of this scope and another. */
  public TrailScope or(TrailScope other) {
    List<Part> union = new ArrayList<>(parts);
    union.addAll(other.parts());
    return new TrailScope(union);
  }
}
