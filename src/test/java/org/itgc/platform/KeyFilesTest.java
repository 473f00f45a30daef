package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key file is created once, whole, however many starts race for it. */
class KeyFilesTest {

  @TempDir Path folder;

  @Test
  void racingStartsEndWithOneKeyWrittenWhole() throws Exception {
    Path key = folder.resolve("keys/signing-key.pem");
    Path publicHalf = folder.resolve("keys/signing-key.pem.pub");
    var pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> starts = java.util.stream.IntStream.range(0, 8).<Callable<Boolean>>mapToObj(i -> () ->
          KeyFiles.createIfAbsent(key, into -> {
            Files.writeString(into.apply(publicHalf), "public-" + i);
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000); // slow: no half key may be seen meanwhile
            Files.writeString(into.apply(key), "private-" + i);
          })).toList();
      var created = pool.invokeAll(starts).stream().map(f -> {
        try {
          return f.get();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }).filter(Boolean::booleanValue).count();
      assertThat(created).as("one start created the key").isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    String winner = Files.readString(key).substring("private-".length());
    assertThat(Files.readString(publicHalf)).as("both halves from the same start").isEqualTo("public-" + winner);
    try (var left = Files.list(key.getParent())) {
      assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList())
          .as("no temporary files left").isEmpty();
    }
    assertThat(KeyFiles.createIfAbsent(key, into -> {
      throw new AssertionError("an existing key is never written again");
    })).isFalse();
  }

  @Test
  void nodesInJvmsOfTheirOwnStartingTogetherEndWithOneKey() throws Exception {
    Path key = folder.resolve("shared/mfa-key");
    Path go = folder.resolve("go");
    List<Process> racers = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      racers.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          org.itgc.support.Node.classPath(), KeyFileRacer.class.getName(), key.toString(), go.toString())
          .redirectErrorStream(true).start());
    }
    for (Process racer : racers) {
      var ready = new java.io.BufferedReader(new java.io.InputStreamReader(racer.getInputStream())).readLine();
      assertThat(ready).isEqualTo("READY");
    }
    Files.createFile(go); // all four go at once
    List<String> answers = new java.util.ArrayList<>();
    for (Process racer : racers) {
      assertThat(racer.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      String out = new String(racer.getInputStream().readAllBytes()).strip();
      answers.add(out.substring(out.lastIndexOf('\n') + 1));
    }
    assertThat(answers.stream().filter(a -> a.startsWith("CREATED "))).as(answers.toString()).hasSize(1);
    String theKey = Files.readString(key);
    assertThat(answers).as("every node read the one key").allMatch(a -> a.endsWith(" " + theKey));
  }
}
