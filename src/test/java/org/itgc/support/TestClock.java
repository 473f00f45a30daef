package org.itgc.support;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.camunda.bpm.engine.impl.util.ClockUtil;

/**
 * The clock the tests run at. Without the system property {@code itgc.test.clock} it is the real time; with it (an
 * ISO instant such as {@code 2029-06-01T14:00:00Z}) every test in the JVM runs as if the first one had started at
 * that instant, time running on from there. It moves the engine's clock (Camunda's {@link ClockUtil}), which is the
 * application's {@link java.time.Clock} too, so timers, due dates and business logic see the same date.
 *
 * <p>Tests that read "now" take it from here, never from {@link Instant#now()}. {@link TestClockExtension} applies
 * the offset before every test class and test (Camunda's test extension resets the engine's clock after each test).
 */
public final class TestClock {

  public static final String PROPERTY = "itgc.test.clock";
  private static final long OFFSET_MILLIS = offset();

  private TestClock() {}

  private static long offset() {
    String start = System.getProperty(PROPERTY, "").strip();
    return start.isEmpty() ? 0 : Instant.parse(start).toEpochMilli() - System.currentTimeMillis();
  }

  /** Moves the engine's clock to the test date, when one is set; otherwise leaves it alone. */
  public static void apply() {
    if (OFFSET_MILLIS != 0) {
      ClockUtil.offset(OFFSET_MILLIS);
    }
  }

  public static boolean shifted() {
    return OFFSET_MILLIS != 0;
  }

  public static Instant now() {
    return ClockUtil.now().toInstant();
  }

  public static LocalDate today(ZoneId zone) {
    return now().atZone(zone).toLocalDate();
  }
}
