package org.itgc.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.core.env.Environment;

/**
 * What a connector reads at each connection, never at start-up: its URL and folders with any {@code ${NAME:default}} resolved
 * from the environment, and its password from the environment variable or key file that {@code connectors.yaml}
 * names. A missing variable or file fails that connection (and so the connector's step, which is retried and then
 * handed to a person); the engine starts without the target.
 */
final class ConnectorSettings {

  private final Environment environment;
  private final Path configDirectory;

  ConnectorSettings(Environment environment, Path configDirectory) {
    this.environment = environment;
    this.configDirectory = configDirectory;
  }

  String resolve(String configured) {
    return environment.resolveRequiredPlaceholders(configured);
  }

  String password(String connectorId, ConnectorsFile.Secret secret) {
    if (secret.passwordEnv() != null && !secret.passwordEnv().isBlank()) {
      String value = environment.getProperty(secret.passwordEnv());
      if (value == null || value.isEmpty()) {
        throw new IllegalStateException("connector " + connectorId + ": environment variable " + secret.passwordEnv()
            + " (its password) is not set");
      }
      return value;
    }
    Path file = configDirectory.resolve(secret.passwordFile());
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new IllegalStateException("connector " + connectorId + ": its password file " + file + " cannot be read: "
          + e.getMessage(), e);
    }
  }

  /** The value of the identity field that names its account on a target. */
  static java.util.Optional<String> accountField(Identity identity, String field) {
    String value = switch (field) {
      case "userName" -> identity.userName();
      case "email" -> identity.email();
      case "id" -> identity.id();
      default -> throw new IllegalStateException("unknown account field " + field);
    };
    return java.util.Optional.ofNullable(value).filter(v -> !v.isBlank());
  }

  static String lower(String value) {
    return value.toLowerCase(java.util.Locale.ROOT);
  }
}
