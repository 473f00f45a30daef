package org.itgc.logs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code itgc.logs.forward}: where sealed records are forwarded (docs/logs.md "Forwarding"). Bound as given and
 * validated at start-up by {@link LogDestinations}, which names the entry that is wrong.
 */
@ConfigurationProperties("itgc.logs.forward")
public class LogForwardProperties {

  /** How often each destination gets a round. */
  private Duration interval = Duration.ofSeconds(5);
  /** A destination whose oldest unsent record was received longer ago than this is an LG-01 exception. */
  private Duration maxLag = Duration.ofMinutes(15);
  /** The whole HTTP exchange with a destination, connection included. */
  private Duration requestTimeout = Duration.ofSeconds(30);
  /** The first wait after a failed request; doubled per failure up to {@code maxBackoff}. */
  private Duration initialBackoff = Duration.ofSeconds(5);
  private Duration maxBackoff = Duration.ofMinutes(5);
  private List<Destination> destinations = new ArrayList<>();

  /** One destination as configured. */
  public static class Destination {
    private String name;
    /** {@code elasticsearch-bulk} (Elasticsearch and OpenSearch) or {@code splunk-hec}. */
    private String kind;
    /** The base URL: {@code <url>/_bulk}, {@code <url>/services/collector/event}. */
    private String url;
    /** Elasticsearch/OpenSearch: the index (or data stream) written; HEC: the Splunk index (optional). */
    private String index;
    /** HEC: the sourcetype of the events. */
    private String sourcetype = "itgc:log-record";
    /** Elasticsearch/OpenSearch: {@code basic}, {@code api-key} or {@code none}; HEC: always its token. */
    private String auth;
    /** The names of the environment variables that hold the credentials (never the credentials themselves). */
    private String usernameEnv;
    private String passwordEnv;
    private String apiKeyEnv;
    private String tokenEnv;
    private int batchSize = 500;
    /** The record statuses forwarded: mapped, unmapped, quarantined. */
    private List<String> statuses = new ArrayList<>(List.of("mapped", "unmapped"));
    /** The systems forwarded (ids of config/systems.yaml); empty: every system. */
    private List<String> systems = new ArrayList<>();
    /** {@code earliest}: the whole hot store first; {@code latest}: from the records sealed after it was added. */
    private String start = "earliest";
    /** Who is mailed, beside the security admins, when the destination lags beyond max-lag. */
    private List<String> owners = new ArrayList<>();

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getKind() {
      return kind;
    }

    public void setKind(String kind) {
      this.kind = kind;
    }

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getIndex() {
      return index;
    }

    public void setIndex(String index) {
      this.index = index;
    }

    public String getSourcetype() {
      return sourcetype;
    }

    public void setSourcetype(String sourcetype) {
      this.sourcetype = sourcetype;
    }

    public String getAuth() {
      return auth;
    }

    public void setAuth(String auth) {
      this.auth = auth;
    }

    public String getUsernameEnv() {
      return usernameEnv;
    }

    public void setUsernameEnv(String usernameEnv) {
      this.usernameEnv = usernameEnv;
    }

    public String getPasswordEnv() {
      return passwordEnv;
    }

    public void setPasswordEnv(String passwordEnv) {
      this.passwordEnv = passwordEnv;
    }

    public String getApiKeyEnv() {
      return apiKeyEnv;
    }

    public void setApiKeyEnv(String apiKeyEnv) {
      this.apiKeyEnv = apiKeyEnv;
    }

    public String getTokenEnv() {
      return tokenEnv;
    }

    public void setTokenEnv(String tokenEnv) {
      this.tokenEnv = tokenEnv;
    }

    public int getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(int batchSize) {
      this.batchSize = batchSize;
    }

    public List<String> getStatuses() {
      return statuses;
    }

    public void setStatuses(List<String> statuses) {
      this.statuses = statuses;
    }

    public List<String> getSystems() {
      return systems;
    }

    public void setSystems(List<String> systems) {
      this.systems = systems;
    }

    public String getStart() {
      return start;
    }

    public void setStart(String start) {
      this.start = start;
    }

    public List<String> getOwners() {
      return owners;
    }

    public void setOwners(List<String> owners) {
      this.owners = owners;
    }
  }

  public Duration getInterval() {
    return interval;
  }

  public void setInterval(Duration interval) {
    this.interval = interval;
  }

  public Duration getMaxLag() {
    return maxLag;
  }

  public void setMaxLag(Duration maxLag) {
    this.maxLag = maxLag;
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  public void setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  public Duration getInitialBackoff() {
    return initialBackoff;
  }

  public void setInitialBackoff(Duration initialBackoff) {
    this.initialBackoff = initialBackoff;
  }

  public Duration getMaxBackoff() {
    return maxBackoff;
  }

  public void setMaxBackoff(Duration maxBackoff) {
    this.maxBackoff = maxBackoff;
  }

  public List<Destination> getDestinations() {
    return destinations;
  }

  public void setDestinations(List<Destination> destinations) {
    this.destinations = destinations;
  }
}
