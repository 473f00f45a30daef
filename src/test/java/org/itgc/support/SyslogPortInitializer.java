package org.itgc.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Turns the syslog listeners of the logs capability on, plain TCP and TLS, on free ports of the loopback interface;
 * the TLS listener's key store (a self-signed certificate for 127.0.0.1 and localhost) is made with the JDK's keytool
 * in {@code target/logs}, and the tests trust it.
 */
public class SyslogPortInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  public static final String KEY_STORE_PASSWORD = "itgc-test-syslog-tls";
  public static final Path KEY_STORE = Path.of("target/logs/syslog-tls-" + ProcessHandle.current().pid() + ".p12");

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    makeKeyStore();
    TestPropertySourceUtils.addInlinedPropertiesToEnvironment(context,
        "itgc.logs.syslog.port=" + freePort(), "itgc.logs.syslog.tls.port=" + freePort(),
        "itgc.logs.syslog.bind-address=127.0.0.1", "itgc.logs.syslog.tls.key-store=" + KEY_STORE,
        "itgc.logs.syslog.tls.key-store-password=" + KEY_STORE_PASSWORD);
  }

  private static int freePort() {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port for the syslog listener", e);
    }
  }

  private static synchronized void makeKeyStore() {
    if (Files.exists(KEY_STORE)) {
      return;
    }
    try {
      Files.createDirectories(KEY_STORE.getParent());
      Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
          "-genkeypair", "-alias", "syslog", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
          "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "7", "-storetype", "PKCS12",
          "-keystore", KEY_STORE.toString(), "-storepass", KEY_STORE_PASSWORD, "-keypass", KEY_STORE_PASSWORD)
          .redirectErrorStream(true).start();
      String output = new String(keytool.getInputStream().readAllBytes());
      if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
        throw new IllegalStateException("keytool could not make the syslog listener's key store: " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("keytool could not make the syslog listener's key store", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
