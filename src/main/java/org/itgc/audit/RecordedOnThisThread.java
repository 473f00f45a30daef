package org.itgc.audit;

/**
 * How many audit events this thread has recorded (all, and those in a transaction of their own), so that a request
 * handler can tell whether the request left an event and add one when it did not. Counts only ever grow; compare two
 * readings.
 */
public final class RecordedOnThisThread {

  private static final ThreadLocal<long[]> COUNTS = ThreadLocal.withInitial(() -> new long[2]);

  private RecordedOnThisThread() {}

  /** A reading: {all, independent}. */
  public static long[] now() {
    return COUNTS.get().clone();
  }

  static void recorded(boolean independently) {
    long[] counts = COUNTS.get();
    counts[0]++;
    if (independently) {
      counts[1]++;
    }
  }
}
