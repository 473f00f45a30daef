package org.itgc.logs;

import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes what the collectors received, maps it by the system's mapping and stores it in one transaction per batch
 * (never one per event); what cannot be mapped is stored raw with the reason, never dropped. The sealer is told how
 * much arrived, so that it seals as soon as a batch is full.
 */
@Service
class LogIngest {

  private final LogMapper mapper;
  private final LogStore store;
  private final TransactionTemplate transactions;
  private final LogSealer sealer;

  LogIngest(LogMapper mapper, LogStore store, TransactionTemplate transactions, LogSealer sealer) {
    this.mapper = mapper;
    this.store = store;
    this.transactions = transactions;
    this.sealer = sealer;
  }

  /** Stores the records; returns them as stored (with ids, mapped or with the reason they are not). */
  List<LogRecord> accept(List<LogMapper.Received> received) {
    if (received.isEmpty()) {
      return List.of();
    }
    List<LogRecord> records = received.stream().map(mapper::map).toList();
    List<LogRecord> stored = transactions.execute(status -> store.insert(records));
    sealer.arrived(stored.size());
    return stored;
  }
}
