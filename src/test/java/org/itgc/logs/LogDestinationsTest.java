package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** itgc.logs.forward.destinations validated at start-up, each problem naming the entry. */
class LogDestinationsTest {

  private final SystemsInventory systems = mock(SystemsInventory.class);
  private final MockEnvironment environment = new MockEnvironment().withProperty("OS_USER", "forwarder")
      .withProperty("OS_PASSWORD", "s3cret").withProperty("HEC_TOKEN", "abc-123").withProperty("OS_KEY", "a2V5");

  LogDestinationsTest() {
    when(systems.find(anyString())).thenReturn(Optional.empty());
    when(systems.find("ERP-GL")).thenReturn(Optional.of(mock(FinancialSystem.class)));
  }

  private LogDestinations with(Consumer<LogForwardProperties.Destination> change) {
    LogForwardProperties properties = new LogForwardProperties();
    LogForwardProperties.Destination ok = new LogForwardProperties.Destination();
    ok.setName("opensearch");
    ok.setKind("elasticsearch-bulk");
    ok.setUrl("https://search.example.com:9200/");
    ok.setIndex("itgc-logs");
    ok.setAuth("basic");
    ok.setUsernameEnv("OS_USER");
    ok.setPasswordEnv("OS_PASSWORD");
    LogForwardProperties.Destination d = new LogForwardProperties.Destination();
    d.setName("siem");
    d.setKind("splunk-hec");
    d.setUrl("https://splunk.example.com:8088");
    d.setTokenEnv("HEC_TOKEN");
    change.accept(d);
    properties.setDestinations(List.of(ok, d));
    return new LogDestinations(properties, systems, environment);
  }

  @Test
  void validDestinationsAreReadyToSend() {
    LogDestinations destinations = with(d -> {});
    LogDestinations.Destination os = destinations.find("opensearch").orElseThrow();
    assertThat(os.endpoint().toString()).isEqualTo("https://search.example.com:9200/_bulk");
    assertThat(os.authorization()).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
        "forwarder:s3cret".getBytes(StandardCharsets.UTF_8)));
    assertThat(os.statuses()).containsExactly("mapped", "unmapped");
    LogDestinations.Destination hec = destinations.find("siem").orElseThrow();
    assertThat(hec.endpoint().toString()).isEqualTo("https://splunk.example.com:8088/services/collector/event");
    assertThat(hec.authorization()).isEqualTo("Splunk abc-123");
    assertThat(hec.toString()).doesNotContain("abc-123");
  }

  @Test
  void apiKeyAuthorization() {
    LogDestinations destinations = with(d -> {
      d.setKind("elasticsearch-bulk");
      d.setIndex("siem-logs");
      d.setAuth("api-key");
      d.setApiKeyEnv("OS_KEY");
    });
    assertThat(destinations.find("siem").orElseThrow().authorization()).isEqualTo("ApiKey a2V5");
  }

  @Test
  void eachProblemNamesTheEntry() {
    String entry = "itgc.logs.forward.destinations[1] (siem)";
    assertThatThrownBy(() -> with(d -> d.setKind("kafka"))).hasMessageStartingWith(entry)
        .hasMessageContaining("kind must be elasticsearch-bulk");
    assertThatThrownBy(() -> with(d -> d.setUrl("https://user:pw@splunk.example.com"))).hasMessageStartingWith(entry)
        .hasMessageContaining("no user information");
    assertThatThrownBy(() -> with(d -> d.setUrl("ftp://splunk.example.com"))).hasMessageStartingWith(entry)
        .hasMessageContaining("absolute http or https");
    assertThatThrownBy(() -> with(d -> d.setTokenEnv("UNSET_VARIABLE"))).hasMessageStartingWith(entry)
        .hasMessageContaining("UNSET_VARIABLE (token-env) is not set");
    assertThatThrownBy(() -> with(d -> d.setTokenEnv(null))).hasMessageStartingWith(entry)
        .hasMessageContaining("token-env is required");
    assertThatThrownBy(() -> with(d -> d.setStatuses(List.of("mapped", "deleted")))).hasMessageStartingWith(entry)
        .hasMessageContaining("statuses");
    assertThatThrownBy(() -> with(d -> d.setSystems(List.of("NOPE")))).hasMessageStartingWith(entry)
        .hasMessageContaining("system NOPE is not in config/systems.yaml");
    assertThatThrownBy(() -> with(d -> d.setBatchSize(0))).hasMessageStartingWith(entry)
        .hasMessageContaining("batch-size");
    assertThatThrownBy(() -> with(d -> d.setStart("yesterday"))).hasMessageStartingWith(entry)
        .hasMessageContaining("start must be earliest or latest");
    assertThatThrownBy(() -> with(d -> d.setName("opensearch")))
        .hasMessageContaining("name opensearch is given twice");
    assertThatThrownBy(() -> with(d -> {
      d.setKind("elasticsearch-bulk");
      d.setIndex(null);
    })).hasMessageStartingWith(entry).hasMessageContaining("index is required");
    assertThatThrownBy(() -> with(d -> {
      d.setKind("elasticsearch-bulk");
      d.setIndex("Upper");
      d.setAuth("none");
    })).hasMessageStartingWith(entry).hasMessageContaining("not a valid index name");
    assertThatThrownBy(() -> with(d -> {
      d.setKind("elasticsearch-bulk");
      d.setIndex("x");
      d.setAuth("digest");
    })).hasMessageStartingWith(entry).hasMessageContaining("auth must be basic, api-key or none");
    assertThatThrownBy(() -> with(d -> d.setName(null)))
        .hasMessageStartingWith("itgc.logs.forward.destinations[1]: name is required");
  }
}
