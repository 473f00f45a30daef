package org.itgc.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Provisions a system whose entitlements are roles of a PostgreSQL database: a grant is {@code GRANT role TO login},
 * a removal {@code REVOKE role FROM login}, each read back from {@code pg_auth_members}. A person's login is named by the
 * identity's {@code accountField}; a service account's by {@code serviceLogins}, whose passwords the connector also
 * rotates. It connects with its own credentials to the configured JDBC URL, one connection per step, with short
 * timeouts; role and login names are checked against a strict pattern and quoted.
 */
final class PostgresRolesConnector implements TargetConnector {

  private static final String MEMBERSHIP = """
      select exists (select 1 from pg_auth_members m join pg_roles r on r.oid = m.roleid
                     join pg_roles u on u.oid = m.member where r.rolname = ? and u.rolname = ?)
      """;
  private static final String GRANTEES = """
      select u.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member
      where r.rolname = ? and u.rolname <> ? order by u.rolname
      """;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

  private final String id;
  private final String systemId;
  private final ConnectorsFile.Postgresql database;
  private final Map<String, String> roles;
  private final ConnectorSettings settings;

  PostgresRolesConnector(ConnectorsFile.Connector connector, String systemId, ConnectorSettings settings) {
    this.id = connector.id();
    this.systemId = systemId;
    this.database = connector.postgresql();
    this.roles = Map.copyOf(connector.entitlements());
    this.settings = settings;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String systemId() {
    return systemId;
  }

  @Override
  public Map<String, String> targets() {
    return roles;
  }

  /** The service accounts whose logins this connector rotates (service account id to login). */
  Map<String, String> serviceLogins() {
    return database.serviceLogins();
  }

  @Override
  public Optional<String> accountOf(Identity identity) {
    String service = database.serviceLogins().get(identity.id());
    if (service != null) {
      return Optional.of(service);
    }
    return Identity.SERVICE.equals(identity.kind()) ? Optional.empty()
        : ConnectorSettings.accountField(identity, database.accountField());
  }

  @Override
  public String grant(Identity identity, String systemId, String entitlementId) {
    String role = role(entitlementId);
    String login = login(identity);
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      requireLogin(connection, login);
      statement.execute("grant " + quote(role) + " to " + quote(login));
      if (!isMember(connection, role, login)) {
        throw new IllegalStateException("read back after the grant: " + login + " is not a member of role " + role);
      }
      return "role " + role + " granted to login " + login + " (read back)";
    } catch (SQLException e) {
      throw failure("grant " + entitlementId + " to " + identity.id(), e);
    }
  }

  @Override
  public String remove(Identity identity, String systemId, String entitlementId) {
    String role = role(entitlementId);
    String login = login(identity);
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      requireLogin(connection, login);
      statement.execute("revoke " + quote(role) + " from " + quote(login));
      return "role " + role + " revoked from login " + login;
    } catch (SQLException e) {
      throw failure("revoke " + entitlementId + " from " + identity.id(), e);
    }
  }

  @Override
  public boolean holds(Identity identity, String entitlementId) {
    try (Connection connection = connect()) {
      return isMember(connection, role(entitlementId), login(identity));
    } catch (SQLException e) {
      throw failure("read the grantees of " + entitlementId, e);
    }
  }

  @Override
  public Map<String, Set<String>> holders() {
    Map<String, Set<String>> holders = new LinkedHashMap<>();
    try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(GRANTEES)) {
      for (var entry : roles.entrySet()) {
        query.setString(1, entry.getValue());
        query.setString(2, database.username()); // the connector's own admin membership is not access
        Set<String> grantees = new TreeSet<>();
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            grantees.add(rs.getString(1));
          }
        }
        holders.put(entry.getKey(), grantees);
      }
      return holders;
    } catch (SQLException e) {
      throw failure("read the grantees of its roles", e);
    }
  }

  /** A rotation: the login, where its new password was written, and how it was verified; never the password. */
  record Rotation(String login, Path writtenTo, String verification) {}

  /**
   * Rotates a service account's password: a new random password is set on the login, written to an owner-only file in
   * {@code rotatedPasswordFolder} for the batch job that uses it, and verified by signing in with it.
   */
  Rotation rotate(String serviceAccountId) {
    String login = database.serviceLogins().get(serviceAccountId);
    if (login == null) {
      throw new IllegalArgumentException("connector " + id + " names no login for service account " + serviceAccountId);
    }
    char[] chars = new char[32];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
    }
    String password = new String(chars); // letters and digits only: safe inside a quoted literal
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      requireLogin(connection, login);
      statement.execute("alter role " + quote(login) + " with password '" + password + "'");
    } catch (SQLException e) {
      throw failure("rotate the password of " + login, e);
    }
    Path file = write(login, password);
    String verification;
    try (Connection signedIn = DriverManager.getConnection(settings.resolve(database.url()), properties(login, password));
        Statement statement = signedIn.createStatement(); ResultSet rs = statement.executeQuery("select current_user")) {
      rs.next();
      verification = "signed in as " + rs.getString(1) + " with the new password";
    } catch (SQLException e) {
      throw failure("sign in as " + login + " with its new password", e);
    }
    return new Rotation(login, file, verification);
  }

  /** A session of a login on the target's server, as {@code pg_stat_activity} shows it. */
  record Session(String login, int pid, java.time.Instant backendStart, String applicationName, String clientAddr) {}

  /**
   * The sessions of the given logins on the target's server now, from {@code pg_stat_activity}. The connector's login
   * must see other roles' sessions whole (PostgreSQL's {@code pg_read_all_stats}): without it their start time is
   * hidden, and the read fails naming the grant rather than reporting sessions it cannot tell apart.
   */
  java.util.List<Session> sessions(java.util.Collection<String> logins) {
    java.util.List<Session> sessions = new java.util.ArrayList<>();
    try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement("""
        select usename, pid, backend_start, application_name, host(client_addr) from pg_stat_activity
        where usename = any(?) and pid <> pg_backend_pid() order by backend_start, pid
        """)) {
      query.setArray(1, connection.createArrayOf("varchar", logins.toArray()));
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          java.sql.Timestamp started = rs.getTimestamp(3);
          if (started == null) {
            throw new IllegalStateException("connector " + id + " cannot see the details of " + rs.getString(1)
                + "'s sessions: grant its login " + database.username() + " the role pg_read_all_stats");
          }
          sessions.add(new Session(rs.getString(1), rs.getInt(2), started.toInstant(), rs.getString(4),
              rs.getString(5)));
        }
      }
      return sessions;
    } catch (SQLException e) {
      throw failure("read the sessions of its service logins", e);
    }
  }

  private Path write(String login, String password) {
    try {
      Path folder = Path.of(settings.resolve(database.rotatedPasswordFolder()));
      Files.createDirectories(folder);
      Path file = folder.resolve(systemId + "-" + login + ".password");
      Path temporary = Files.createTempFile(folder, "." + login, ".tmp");
      try {
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // not a POSIX file system
      }
      Files.writeString(temporary, password + "\n");
      Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new IllegalStateException("connector " + id + ": the new password of " + login
          + " could not be written (the login has it already; rotate again): " + e.getMessage(), e);
    }
  }

  private boolean isMember(Connection connection, String role, String login) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(MEMBERSHIP)) {
      query.setString(1, role);
      query.setString(2, login);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private void requireLogin(Connection connection, String login) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("select 1 from pg_roles where rolname = ?")) {
      query.setString(1, login);
      try (ResultSet rs = query.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("login " + login + " does not exist in the database of " + id);
        }
      }
    }
  }

  private String login(Identity identity) {
    String login = accountOf(identity).orElseThrow(() -> new IllegalStateException("identity " + identity.id()
        + " has no " + database.accountField() + " to name its database login"));
    if (!ConnectorsFile.ROLE_NAME.matcher(login).matches()) {
      throw new IllegalStateException("'" + login + "' of identity " + identity.id() + " is not a login name this "
          + "connector accepts (lower case letters, digits, _)");
    }
    return login;
  }

  private String role(String entitlementId) {
    String role = roles.get(entitlementId);
    if (role == null) {
      throw new IllegalStateException("connector " + id + " maps no role to entitlement " + entitlementId);
    }
    return role;
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(settings.resolve(database.url()),
        properties(database.username(), settings.password(id, database.secret())));
  }

  private static Properties properties(String user, String password) {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.setProperty("connectTimeout", "5");
    properties.setProperty("socketTimeout", "30");
    properties.setProperty("loginTimeout", "10");
    properties.setProperty("ApplicationName", "itgc-engine provisioning");
    return properties;
  }

  private static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("connector " + id + " could not " + what + ": " + e.getMessage(), e);
  }
}
