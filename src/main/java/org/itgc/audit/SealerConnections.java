package org.itgc.audit;

import javax.sql.DataSource;

/**
 * The sealer's own connections (role {@code itgc_sealer}): the only role that may write chain links, checkpoints and
 * key rotations, and that may not write events. The application's role records events through the database function
 * {@code audit_record} only, which sets the time and the id itself; so neither role alone can forge history.
 */
public record SealerConnections(DataSource dataSource) implements AutoCloseable {

  @Override
  public void close() throws Exception {
    if (dataSource instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }
}
