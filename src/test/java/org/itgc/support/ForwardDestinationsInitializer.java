package org.itgc.support;

import java.io.IOException;
import java.net.ServerSocket;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Gives the shared context three log forwarding destinations (docs/logs.md "Forwarding") on a free port of the
 * loopback interface, where LogForwardIT runs a server answering in OpenSearch's {@code _bulk} and Splunk HEC's
 * documented shapes: an OpenSearch destination with Basic credentials, one whose API key the server refuses, and a HEC
 * destination. Their credentials are given as the properties that stand for the environment variables the
 * destinations name. Nothing is forwarded unless a test runs the forwarder (its interval is an hour in tests).
 */
public class ForwardDestinationsInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  public static final int PORT = freePort();
  public static final String USER = "itgc-forwarder";
  public static final String PASSWORD = "test-forward-password";
  public static final String WRONG_API_KEY = "d3Jvbmc6a2V5";
  public static final String HEC_TOKEN = "11111111-2222-3333-4444-555555555555";

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    String base = "itgc.logs.forward.destinations";
    TestPropertySourceUtils.addInlinedPropertiesToEnvironment(context,
        "ITGC_TEST_FORWARD_USER=" + USER, "ITGC_TEST_FORWARD_PASSWORD=" + PASSWORD,
        "ITGC_TEST_FORWARD_WRONG_KEY=" + WRONG_API_KEY, "ITGC_TEST_FORWARD_HEC_TOKEN=" + HEC_TOKEN,
        base + "[0].name=test-opensearch", base + "[0].kind=elasticsearch-bulk",
        base + "[0].url=http://127.0.0.1:" + PORT + "/os", base + "[0].index=itgc-logs-test",
        base + "[0].auth=basic", base + "[0].username-env=ITGC_TEST_FORWARD_USER",
        base + "[0].password-env=ITGC_TEST_FORWARD_PASSWORD", base + "[0].batch-size=20",
        base + "[0].statuses=mapped,unmapped", base + "[0].systems=ERP-GL",
        base + "[0].owners=siem-team@demo.itgc.local",
        base + "[1].name=test-opensearch-wrong-key", base + "[1].kind=elasticsearch-bulk",
        base + "[1].url=http://127.0.0.1:" + PORT + "/os", base + "[1].index=itgc-logs-test",
        base + "[1].auth=api-key", base + "[1].api-key-env=ITGC_TEST_FORWARD_WRONG_KEY",
        base + "[1].systems=ERP-GL",
        base + "[2].name=test-splunk", base + "[2].kind=splunk-hec",
        base + "[2].url=http://127.0.0.1:" + PORT + "/splunk", base + "[2].token-env=ITGC_TEST_FORWARD_HEC_TOKEN",
        base + "[2].index=itgc_test", base + "[2].sourcetype=itgc:log-record", base + "[2].systems=ERP-GL",
        base + "[2].statuses=mapped", base + "[2].batch-size=50");
  }

  private static int freePort() {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port for the forwarding destinations", e);
    }
  }
}
