package org.itgc.access;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.itgc.platform.EmbeddedDatabase;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The sample treasury database of system TREASURY-DB in the embedded PostgreSQL, set up once per server as a DBA would:
 * the connector's login {@code itgc_provisioner} (it creates the roles it provisions, and may read every session's
 * details: {@code pg_read_all_stats}), people's logins, the service login {@code svc_gl_etl} and a table. The service
 * login must sign in with its password (the embedded server trusts local sign-ins otherwise), so that a rotated-out
 * password is refused as on a real server.
 */
final class TreasuryDatabase {

  private TreasuryDatabase() {}

  static String url(EmbeddedDatabase database) {
    return "jdbc:postgresql://localhost:" + database.port() + "/treasury";
  }

  /** Points the connector at the server and creates the database when it is not there yet. */
  static synchronized void ensure(EmbeddedDatabase database) throws Exception {
    System.setProperty("ITGC_TREASURY_DB_PORT", String.valueOf(database.port()));
    System.setProperty("ITGC_TREASURY_DB_PASSWORD", "treasury-secret");
    System.setProperty("ITGC_ROTATED_PASSWORD_FOLDER", "target/rotated-passwords");
    JdbcTemplate owner = new JdbcTemplate(database.ownerDataSource());
    if (owner.queryForObject("select count(*) from pg_database where datname = 'treasury'", Integer.class) > 0) {
      return;
    }
    owner.execute("create database treasury");
    owner.execute("create role itgc_provisioner login createrole password 'treasury-secret'");
    owner.execute("grant pg_read_all_stats to itgc_provisioner");
    for (String person : List.of("rachel", "ryan", "paula")) {
      owner.execute("create role " + person + " login");
    }
    String url = url(database);
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres"); Statement s = c.createStatement()) {
      s.execute("create table cash_position (account text primary key, currency char(3), balance numeric(18,2))");
      s.execute("insert into cash_position values ('OPERATING-USD', 'USD', 1250000.00), ('PAYROLL-EUR', 'EUR', 310000)");
    }
    // the connector's login creates the roles it provisions (it holds their admin option), as a DBA would set it up
    try (Connection c = DriverManager.getConnection(url, "itgc_provisioner", "treasury-secret");
        Statement s = c.createStatement()) {
      s.execute("create role treasury_reader nologin");
      s.execute("create role treasury_analyst nologin");
      s.execute("create role treasury_admin nologin"); // TREASURY_ADMIN: just in time only (ElevationsIT)
      s.execute("create role svc_gl_etl login password 'initial-etl-password'");
    }
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres"); Statement s = c.createStatement()) {
      s.execute("grant select on cash_position to treasury_reader");
      s.execute("grant select, update on cash_position to treasury_analyst");
      s.execute("grant all on cash_position to treasury_admin");
    }
    // the service login signs in with its password (first matching line of pg_hba.conf wins)
    Path hba = Path.of(owner.queryForObject("show hba_file", String.class));
    String rules = "host treasury svc_gl_etl 127.0.0.1/32 scram-sha-256\n"
        + "host treasury svc_gl_etl ::1/128 scram-sha-256\n";
    Files.writeString(hba, rules + Files.readString(hba));
    owner.queryForObject("select pg_reload_conf()", Boolean.class);
  }
}
