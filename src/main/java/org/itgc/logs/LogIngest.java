package org.itgc.logs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes what the collectors received, maps it by the system's mapping and stores it in one transaction per request or
 * burst (never one per event); what cannot be mapped is stored raw with the reason, never dropped. Many records of a
 * system at once are sealed in that transaction; a few wait in the sealer's queue, and the sealer is told how many, so
 * that it seals as soon as a batch is full.
 */
@Service
class LogIngest {

  private final LogMapper mapper;
  private final LogStore store;
  private final TransactionTemplate transactions;
  private final LogSealer sealer;
  private final int inlineSealMin;

  LogIngest(LogMapper mapper, LogStore store, TransactionTemplate transactions, LogSealer sealer,
      @Value("${itgc.logs.inline-seal-min:100}") int inlineSealMin) {
    if (inlineSealMin < 1) {
      throw new IllegalArgumentException("itgc.logs.inline-seal-min must be at least 1, not " + inlineSealMin);
    }
    this.mapper = mapper;
    this.store = store;
    this.transactions = transactions;
    this.sealer = sealer;
    this.inlineSealMin = inlineSealMin;
  }

  /**
   * Stores the records; returns them as stored (with ids, mapped or with the reason they are not). A system's records
   * that arrive {@code inline-seal-min} or more at once are sealed in the same transaction; fewer wait in the
   * sealer's queue for its next round, so that a trickle of single events still makes batches of useful size.
   */
  List<LogRecord> accept(List<LogMapper.Received> received) {
    if (received.isEmpty()) {
      return List.of();
    }
    List<LogRecord> records = received.stream().map(mapper::map).toList();
    int[] queued = new int[1];
    List<LogRecord> stored = transactions.execute(status -> {
      List<LogRecord> in = store.withIds(records);
      // each system's records, by their positions in the request
      Map<Optional<String>, List<Integer>> bySystem = new LinkedHashMap<>();
      for (int i = 0; i < in.size(); i++) {
        bySystem.computeIfAbsent(Optional.ofNullable(in.get(i).system()), s -> new ArrayList<>()).add(i);
      }
      List<LogRecord> waiting = new ArrayList<>();
      LogStore.Place[] places = new LogStore.Place[in.size()];
      bySystem.forEach((system, at) -> {
        List<LogRecord> group = at.stream().map(in::get).toList();
        if (group.size() >= inlineSealMin) {
          List<LogStore.Place> sealed = sealer.sealInline(system.orElse(null), group);
          for (int i = 0; i < group.size(); i++) {
            places[at.get(i)] = sealed.get(i);
          }
        } else {
          waiting.addAll(group);
        }
      });
      store.insert(in, Arrays.asList(places));
      store.queue(waiting);
      queued[0] = waiting.size();
      return in;
    });
    sealer.arrived(queued[0]);
    return stored;
  }
}
