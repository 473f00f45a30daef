package org.itgc.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * One real SMTP server (GreenMail) for the whole integration-test JVM, on a free port chosen once, so that the cached
 * Spring context keeps pointing at it. Tests may stop and start it to simulate an outage.
 */
public final class TestMailServer {

  private static final int PORT = freePort();
  private static GreenMail server = start();

  private TestMailServer() {}

  public static int port() {
    return PORT;
  }

  public static synchronized GreenMail server() {
    return server;
  }

  public static synchronized void stop() {
    server.stop();
  }

  public static synchronized void restart() {
    server = start();
  }

  /** Waits until a received mail matches, or fails after the timeout. */
  public static MimeMessage await(Predicate<MimeMessage> match, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      var found = Arrays.stream(server().getReceivedMessages()).filter(match).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no matching mail within " + timeout + "; received: " + subjects());
  }

  /** The subject, or an empty string when it cannot be read. */
  public static String subject(MimeMessage message) {
    try {
      return String.valueOf(message.getSubject());
    } catch (Exception e) {
      return "";
    }
  }

  /** The plain-text body, or an empty string when it cannot be read. */
  public static String body(MimeMessage message) {
    try {
      return String.valueOf(message.getContent());
    } catch (Exception e) {
      return "";
    }
  }

  public static List<String> subjects() {
    return Arrays.stream(server().getReceivedMessages()).map(TestMailServer::subject).toList();
  }

  private static GreenMail start() {
    var mail = new GreenMail(new ServerSetup(PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    return mail;
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
