package org.itgc.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole application on a real HTTP port, on embedded PostgreSQL, with the demo users and GreenMail as SMTP
 * server. Every test class with this annotation shares one Spring context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = org.itgc.ItgcEngineApplication.class)
@ActiveProfiles({"demo", "test"})
@ContextConfiguration(initializers = {MailPortInitializer.class, SyslogPortInitializer.class,
    ForwardDestinationsInitializer.class})
public @interface IntegrationTest {}
