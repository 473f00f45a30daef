package org.itgc.logs;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A round of background work repeated on its own daemon thread with a fixed delay between rounds, started and stopped
 * with the application (the sealer's and the watcher's lifecycles). A round guards itself: a failure waits for the next.
 */
final class Rounds {

  private final String threadName;
  private final Duration interval;
  private final Runnable round;
  private ScheduledExecutorService executor;

  Rounds(String threadName, Duration interval, Runnable round) {
    this.threadName = threadName;
    this.interval = interval;
    this.round = round;
  }

  synchronized void start() {
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, threadName);
      thread.setDaemon(true);
      return thread;
    });
    executor.scheduleWithFixedDelay(round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executor = null;
    }
  }

  /** Runs a round at once, beside the scheduled ones (on the same thread, so never two at a time); false if stopped. */
  synchronized boolean runNow() {
    if (executor == null) {
      return false;
    }
    executor.execute(round);
    return true;
  }

  synchronized boolean isRunning() {
    return executor != null;
  }
}
