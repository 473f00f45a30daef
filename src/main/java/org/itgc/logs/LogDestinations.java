package org.itgc.logs;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.itgc.systems.SystemsInventory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The destinations of {@code itgc.logs.forward.destinations}, validated at start-up: a problem stops the start naming
 * the entry ({@code itgc.logs.forward.destinations[i]} and its name) and the reason. Credentials are read from the
 * environment variables the entry names (through Spring's environment, so that tests may give them as properties);
 * they never stand in the configuration itself, and a URL with user information is refused.
 */
@Component
class LogDestinations {

  static final String ELASTICSEARCH_BULK = "elasticsearch-bulk";
  static final String SPLUNK_HEC = "splunk-hec";
  private static final Logger log = LoggerFactory.getLogger(LogDestinations.class);
  private static final Set<String> STATUSES = Set.of("mapped", "unmapped", "quarantined");

  /** A destination ready to send to; {@code authorization} is the header's value (null: none). */
  record Destination(String name, String kind, URI endpoint, String index, String sourcetype, String authorization,
      int batchSize, List<String> statuses, List<String> systems, boolean startLatest, List<String> owners) {

    boolean elasticsearch() {
      return ELASTICSEARCH_BULK.equals(kind);
    }

    /** The URL without anything secret, for the status page. */
    String shownUrl() {
      return endpoint.toString();
    }

    @Override
    public String toString() {
      return name + " (" + kind + " " + endpoint + ")";
    }
  }

  private final List<Destination> destinations;
  private final LogForwardProperties properties;

  LogDestinations(LogForwardProperties properties, SystemsInventory systems, Environment environment) {
    this.properties = properties;
    check(properties.getInterval(), "interval");
    check(properties.getMaxLag(), "max-lag");
    check(properties.getRequestTimeout(), "request-timeout");
    check(properties.getInitialBackoff(), "initial-backoff");
    check(properties.getMaxBackoff(), "max-backoff");
    List<Destination> list = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<LogForwardProperties.Destination> given = properties.getDestinations();
    for (int i = 0; i < given.size(); i++) {
      LogForwardProperties.Destination d = given.get(i);
      String entry = "itgc.logs.forward.destinations[" + i + "]" + (d.getName() == null ? "" : " (" + d.getName()
          + ")");
      Destination destination = destination(d, entry, systems, environment);
      if (!names.add(destination.name())) {
        throw new IllegalStateException(entry + ": name " + destination.name() + " is given twice");
      }
      list.add(destination);
    }
    this.destinations = List.copyOf(list);
    destinations.forEach(d -> log.info("Log records are forwarded to {}", d));
  }

  private static void check(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalStateException("itgc.logs.forward." + name + " must be a positive duration, not " + value);
    }
  }

  private static Destination destination(LogForwardProperties.Destination d, String entry, SystemsInventory systems,
      Environment environment) {
    if (d.getName() == null || !d.getName().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw new IllegalStateException(entry + ": name is required: letters, digits, '.', '_' or '-', at most 100");
    }
    String kind = d.getKind();
    if (!ELASTICSEARCH_BULK.equals(kind) && !SPLUNK_HEC.equals(kind)) {
      throw new IllegalStateException(entry + ": kind must be " + ELASTICSEARCH_BULK + " (Elasticsearch or "
          + "OpenSearch) or " + SPLUNK_HEC + ", not " + kind);
    }
    URI base;
    try {
      base = URI.create(require(d.getUrl(), entry, "url").replaceAll("/+$", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(entry + ": url is not a URL: " + e.getMessage());
    }
    if (base.getScheme() == null || !Set.of("http", "https").contains(base.getScheme()) || base.getHost() == null) {
      throw new IllegalStateException(entry + ": url must be an absolute http or https URL, not " + d.getUrl());
    }
    if (base.getRawUserInfo() != null || base.getRawQuery() != null || base.getRawFragment() != null) {
      throw new IllegalStateException(entry + ": url must have no user information, query or fragment "
          + "(credentials come from environment variables)");
    }
    if ("http".equals(base.getScheme()) && !Set.of("localhost", "127.0.0.1", "[::1]").contains(base.getHost())) {
      log.warn("{}: url {} is not https: records and credentials travel in clear text", entry, base);
    }
    boolean es = ELASTICSEARCH_BULK.equals(kind);
    URI endpoint = URI.create(base + (es ? "/_bulk" : "/services/collector/event"));
    String index = d.getIndex() == null || d.getIndex().isBlank() ? null : d.getIndex().strip();
    if (es && index == null) {
      throw new IllegalStateException(entry + ": index is required for " + ELASTICSEARCH_BULK);
    }
    if (index != null && (es ? !index.matches("[a-z0-9][a-z0-9._+-]{0,254}") : !index.matches("[A-Za-z0-9_-]{1,80}"))) {
      throw new IllegalStateException(entry + ": index " + index + " is not a valid index name");
    }
    String authorization;
    if (es) {
      String auth = d.getAuth() == null ? "" : d.getAuth();
      authorization = switch (auth) {
        case "basic" -> "Basic " + Base64.getEncoder().encodeToString((secret(environment, d.getUsernameEnv(), entry,
            "username-env") + ":" + secret(environment, d.getPasswordEnv(), entry, "password-env"))
            .getBytes(StandardCharsets.UTF_8));
        case "api-key" -> "ApiKey " + secret(environment, d.getApiKeyEnv(), entry, "api-key-env");
        case "none" -> null;
        default -> throw new IllegalStateException(entry + ": auth must be basic, api-key or none, not " + auth);
      };
    } else {
      if (d.getAuth() != null && !"token".equals(d.getAuth())) {
        throw new IllegalStateException(entry + ": a " + SPLUNK_HEC + " destination authenticates with its token "
            + "(auth: token), not " + d.getAuth());
      }
      authorization = "Splunk " + secret(environment, d.getTokenEnv(), entry, "token-env");
    }
    if (d.getBatchSize() < 1 || d.getBatchSize() > 10_000) {
      throw new IllegalStateException(entry + ": batch-size must be 1 to 10000, not " + d.getBatchSize());
    }
    List<String> statuses = d.getStatuses() == null ? List.of() : List.copyOf(d.getStatuses());
    if (statuses.isEmpty() || !STATUSES.containsAll(statuses)) {
      throw new IllegalStateException(entry + ": statuses must be some of mapped, unmapped, quarantined, not "
          + statuses);
    }
    List<String> only = d.getSystems() == null ? List.of() : List.copyOf(d.getSystems());
    for (String system : only) {
      if (systems.find(system).isEmpty()) {
        throw new IllegalStateException(entry + ": system " + system + " is not in config/systems.yaml");
      }
    }
    if (!only.isEmpty() && statuses.contains("quarantined")) {
      throw new IllegalStateException(entry + ": quarantined records have no system: with systems given, statuses "
          + "cannot include quarantined");
    }
    if (!"earliest".equals(d.getStart()) && !"latest".equals(d.getStart())) {
      throw new IllegalStateException(entry + ": start must be earliest or latest, not " + d.getStart());
    }
    List<String> owners = d.getOwners() == null ? List.of() : List.copyOf(d.getOwners());
    for (String owner : owners) {
      if (owner == null || !owner.matches("[^@\\s]+@[^@\\s]+")) {
        throw new IllegalStateException(entry + ": owners must be mail addresses, not " + owner);
      }
    }
    return new Destination(d.getName(), kind, endpoint, index, d.getSourcetype(), authorization, d.getBatchSize(),
        statuses, only, "latest".equals(d.getStart()), owners);
  }

  private static String require(String value, String entry, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(entry + ": " + field + " is required");
    }
    return value.strip();
  }

  private static String secret(Environment environment, String variable, String entry, String field) {
    String name = require(variable, entry, field);
    if (!name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
      throw new IllegalStateException(entry + ": " + field + " names an environment variable, not a value");
    }
    String value = environment.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(entry + ": the environment variable " + name + " (" + field + ") is not set");
    }
    return value;
  }

  List<Destination> all() {
    return destinations;
  }

  Optional<Destination> find(String name) {
    return destinations.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  LogForwardProperties properties() {
    return properties;
  }
}
