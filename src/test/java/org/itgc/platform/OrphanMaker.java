package org.itgc.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;

/**
 * A JVM that starts the embedded PostgreSQL on a folder and waits to be killed: what the engine's JVM leaves behind
 * after kill -9 (used by {@link OrphanedPostmasterIT}).
 */
public final class OrphanMaker {

  private OrphanMaker() {}

  public static void main(String[] args) throws Exception {
    EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(Path.of(args[0]))
        .setCleanDataDirectory(false).setRegisterShutdownHook(false).start();
    System.out.println("READY " + postgres.getPort());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
