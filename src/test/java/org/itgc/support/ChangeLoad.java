package org.itgc.support;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Requesters submitting changes without pause while faults happen: each request goes to the next of the given
 * ports; a change is <em>acknowledged</em> when the answer was 201 with its id. Every other outcome is counted by
 * status (0: no answer, the connection was refused or cut).
 */
public final class ChangeLoad implements AutoCloseable {

  /** An acknowledged change and the port that acknowledged it. */
  public record Acknowledged(String id, int port, long atNanos) {}

  private final ConcurrentLinkedQueue<Acknowledged> acknowledged = new ConcurrentLinkedQueue<>();
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private final Set<String> unexpected = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads;

  /** {@code ports} is asked before every request, so that a test can take a killed node out or add a new one. */
  public ChangeLoad(int writers, String user, java.util.function.Supplier<int[]> ports) {
    AtomicInteger next = new AtomicInteger();
    IntSupplier port = () -> {
      int[] all = ports.get();
      return all[Math.floorMod(next.getAndIncrement(), all.length)];
    };
    threads = java.util.stream.IntStream.range(0, writers).mapToObj(w -> {
      Thread thread = new Thread(() -> {
          int i = 0;
          while (running.get()) {
            int target = port.getAsInt();
            var body = ChangeRequests.body("standard", "BI-REPORTING", null,
                ChangeRequests.plannedSaturday(700 + (w * 7 + i++) % 30));
            body.put("title", "Load " + w + "-" + i);
            int status;
            try {
              var answer = Http.as(target, user).post("/api/changes", Http.json(body));
              status = answer.status();
              if (status == 201) {
                acknowledged.add(new Acknowledged(answer.json().get("id").asText(), target, System.nanoTime()));
              } else if (status != 503) {
                unexpected.add(answer.toString().substring(0, Math.min(500, answer.toString().length())));
              }
            } catch (AssertionError noAnswer) {
              status = 0;
              sleep(50);
            }
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            if (status == 503) {
              sleep(200); // as a client that honours Retry-After would, a little sooner
            }
          }
        }, "change-load-" + w);
      thread.setDaemon(true);
      thread.start();
      return thread;
    }).toList();
  }

  /** Waits until this many changes have been acknowledged since the load started. */
  public void awaitAcknowledged(int count, java.time.Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (acknowledged.size() < count) {
      if (System.nanoTime() > end) {
        throw new AssertionError("only " + acknowledged.size() + " changes acknowledged within " + timeout
            + "; statuses " + statuses() + ", unexpected " + unexpected);
      }
      Thread.sleep(50);
    }
  }

  public List<Acknowledged> acknowledged() {
    return List.copyOf(acknowledged);
  }

  /** Answers by status (0: no answer). */
  public Map<Integer, Integer> statuses() {
    var copy = new java.util.TreeMap<Integer, Integer>();
    statuses.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  /** Answers other than 201, 503 or no answer at all, with their bodies. */
  public Set<String> unexpected() {
    return Set.copyOf(unexpected);
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(60_000);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
