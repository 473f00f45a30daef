package org.itgc.support;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.support.TestPropertySourceUtils;

/** Points the application's SMTP settings at {@link TestMailServer}. */
public class MailPortInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    TestPropertySourceUtils.addInlinedPropertiesToEnvironment(context,
        "spring.mail.host=127.0.0.1", "spring.mail.port=" + TestMailServer.port());
  }
}
