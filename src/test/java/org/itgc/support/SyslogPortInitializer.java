package org.itgc.support;

import java.io.IOException;
import java.net.ServerSocket;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.support.TestPropertySourceUtils;

/** Turns the syslog listener of the logs capability on, on a free port of the loopback interface. */
public class SyslogPortInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port for the syslog listener", e);
    }
    TestPropertySourceUtils.addInlinedPropertiesToEnvironment(context,
        "itgc.logs.syslog.port=" + port, "itgc.logs.syslog.bind-address=127.0.0.1");
  }
}
