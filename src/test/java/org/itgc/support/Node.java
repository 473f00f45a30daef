package org.itgc.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.itgc.ItgcEngineApplication;

/**
 * The engine in a JVM of its own, as an operator runs it: started with command-line settings on a port of its own,
 * killed with SIGKILL ({@link #kill()}) or stopped with SIGTERM ({@link #close()}). Its output goes to a log file
 * under {@code target/} that failures quote.
 */
public final class Node implements AutoCloseable {

  private final String name;
  private final int port;
  private final Process process;
  private final Path log;

  private Node(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts a node with these settings (a free port is added); {@link #awaitUp} waits for it. */
  public static Node start(String name, List<String> settings) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m", "-cp", classPath(), ItgcEngineApplication.class.getName(),
        "--server.port=" + port));
    command.addAll(settings);
    Files.createDirectories(Path.of("target", "nodes"));
    Path log = Files.createTempFile(Path.of("target", "nodes"), name + "-", ".log");
    Files.writeString(log, String.join(" ", command) + System.lineSeparator());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return new Node(name, port, process, log);
  }

  /**
   * This JVM's class path without empty entries: the test runner's ends with a separator, which a child JVM would
   * read as the working directory, and the project's top-level {@code processes/} would be found twice.
   */
  public static String classPath() {
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> !entry.isBlank()).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  /** Waits until health answers 200; fails with the end of the node's log if it stops or does not come up. */
  public Node awaitUp(Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " stopped with exit code " + process.exitValue() + ":\n" + logTail());
      }
      if (System.nanoTime() > end) {
        throw new AssertionError(name + " not up within " + timeout + ":\n" + logTail());
      }
      try {
        if (Http.anonymous(port).get("/actuator/health").status() == 200) {
          return this;
        }
      } catch (AssertionError notListening) {
        // the web server is not open yet
      }
      Thread.sleep(250);
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** kill -9: the JVM ends at once, without shutdown hooks. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " survived SIGKILL");
    }
  }

  /** SIGTERM, as an operator's stop; returns how long the node took to end. */
  public Duration stop(Duration timeout) throws InterruptedException {
    long started = System.nanoTime();
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM:\n" + logTail());
    }
    return Duration.ofNanos(System.nanoTime() - started);
  }

  /** The node's output so far. */
  public String log() throws IOException {
    return Files.readString(log);
  }

  /** The last lines of the node's output. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
