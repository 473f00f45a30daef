package org.itgc.platform;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL left running by an engine that was killed (kill -9, a power cut of the JVM only): its
 * postmaster keeps the data folder's {@code postmaster.pid}, and a new start would wait for it and give up. Before the
 * embedded database starts, a postmaster is stopped when, and only when, it is this data folder's orphan: no running
 * engine holds the folder's lock ({@code epg-lock}, which the embedded database's library holds while it runs; the
 * operating system frees it when its process dies), the pid file's process is alive, is a PostgreSQL server, and
 * serves this very folder. A folder held by a running engine is refused with a message saying so; a process of
 * another folder, or one that is not PostgreSQL, is never touched.
 */
public final class OrphanedPostmaster {

  private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);

  /** What was found. */
  public enum Outcome { NONE, STOPPED, NOT_OURS }

  private OrphanedPostmaster() {}

  /**
   * Stops this data folder's orphaned postmaster, if there is one.
   *
   * @throws IllegalStateException when a running engine holds the folder
   */
  public static Outcome stopIfOrphaned(Path dataDirectory, Duration wait) throws IOException {
    Path directory = dataDirectory.toAbsolutePath().normalize();
    Path pidFile = directory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return Outcome.NONE;
    }
    requireNoRunningEngine(directory);
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.size() < 2 || !lines.get(0).strip().matches("\\d+")) {
      return Outcome.NONE;
    }
    long pid = Long.parseLong(lines.get(0).strip());
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) {
      return Outcome.NONE; // a stale file: PostgreSQL itself starts over it
    }
    if (!servesThisFolder(process.get(), directory, lines)) {
      log.warn("{} names process {}, which is not this folder's PostgreSQL server (or not the one that wrote the "
          + "file): left alone", pidFile, pid);
      return Outcome.NOT_OURS;
    }
    log.warn("Stopping the orphaned PostgreSQL server {} of {} (its engine ended without stopping it)", pid, directory);
    process.get().destroy(); // SIGTERM: PostgreSQL's smart shutdown; the dead engine's connections are gone
    try {
      process.get().onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // never killed outright: a server that does not stop may be doing something a person should look at
      throw new IllegalStateException("the orphaned PostgreSQL server " + pid + " of " + directory
          + " did not stop within " + wait + "; stop it by hand (kill -INT " + pid + ") and start again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping PostgreSQL server " + pid, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e);
    }
    return Outcome.STOPPED;
  }

  static void requireNoRunningEngine(Path directory) throws IOException {
    Path lockFile = directory.resolve("epg-lock");
    if (!Files.exists(lockFile)) {
      return;
    }
    try (RandomAccessFile file = new RandomAccessFile(lockFile.toFile(), "rw")) {
      FileLock lock;
      try {
        lock = file.getChannel().tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IllegalStateException("the data folder " + directory + " is in use by an engine that is running "
            + "(its database lock " + lockFile + " is held): stop that engine, or give this one another folder");
      }
      lock.release();
    }
  }

  /**
   * Whether the process is the PostgreSQL server of this folder that wrote the pid file: its program is
   * {@code postgres}, it runs in this folder (its working directory, which the server sets to its data folder, or
   * else its {@code -D} argument), and it started when the pid file says (a reused pid fails that). Anything it cannot
   * establish counts against: it fails closed.
   */
  static boolean servesThisFolder(ProcessHandle process, Path directory, List<String> pidFile) {
    String command = process.info().command().orElse("");
    if (!(command.endsWith("/postgres") || command.endsWith("/postmaster"))) {
      return false;
    }
    boolean inFolder;
    try {
      inFolder = Files.readSymbolicLink(Path.of("/proc", String.valueOf(process.pid()), "cwd")).toRealPath()
          .equals(directory.toRealPath());
    } catch (IOException | RuntimeException e) {
      List<String> arguments = process.info().arguments().map(List::of).orElse(List.of());
      inFolder = arguments.stream().anyMatch(a -> samePath(a, directory));
    }
    if (!inFolder) {
      return false;
    }
    if (pidFile.size() >= 3 && pidFile.get(2).strip().matches("\\d+")) {
      long written = Long.parseLong(pidFile.get(2).strip());
      return process.info().startInstant().map(start -> Math.abs(start.getEpochSecond() - written) <= 2).orElse(false);
    }
    return false;
  }

  private static boolean samePath(String text, Path directory) {
    try {
      return Path.of(text).toAbsolutePath().normalize().equals(directory)
          || Path.of(text).toRealPath().equals(directory.toRealPath());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
