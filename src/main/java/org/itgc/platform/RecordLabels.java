package org.itgc.platform;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What a capability says about the record an instance of one of its processes works on, for people: its number and
 * title ({@code CHG-2026-000042 Raise posting limit}). Read from the capability's own tables by process instance id,
 * never from a variable, so that a client who starts or completes with extra variables cannot change it.
 * {@link TaskTitles} asks for it when a user task is created.
 */
public interface RecordLabels {

  /** The keys of the processes whose records this capability labels. */
  Set<String> processKeys();

  /** The record's number and title, or empty when the instance has no record (yet). */
  Optional<String> labelOf(String processInstanceId);

  /**
   * As {@link #labelOf(String)}, for a task inside a loop over records: {@code engineVariable} reads the task's
   * execution as it is when the task is created (the engine's loop variable, before anyone could complete anything in
   * it). A label from it must still be checked against the capability's table for the instance.
   */
  default Optional<String> labelOf(String processInstanceId, Function<String, Object> engineVariable) {
    return labelOf(processInstanceId);
  }
}
