package org.itgc.platform.web;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Everything an exception carries, for the checks that must find one kind of failure however it was wrapped: the
 * exception, its causes, its suppressed exceptions and, for a failed rollback, the exception the rollback replaced
 * (a transaction whose connection died fails its rollback too, and the rollback's error is what surfaces). Each once,
 * even where they refer to each other.
 */
public final class Causes {

  private Causes() {}

  public static Stream<Throwable> of(Throwable error) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Throwable> next = new ArrayDeque<>();
    if (error != null) {
      next.push(error);
    }
    Stream.Builder<Throwable> all = Stream.builder();
    while (!next.isEmpty()) {
      Throwable t = next.pop();
      if (!seen.add(t)) {
        continue;
      }
      all.add(t);
      if (t.getCause() != null) {
        next.push(t.getCause());
      }
      for (Throwable suppressed : t.getSuppressed()) {
        next.push(suppressed);
      }
      if (t instanceof org.springframework.transaction.TransactionSystemException rollback
          && rollback.getApplicationException() != null) {
        next.push(rollback.getApplicationException());
      }
    }
    return all.build();
  }
}
