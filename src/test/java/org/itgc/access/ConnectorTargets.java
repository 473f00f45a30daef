package org.itgc.access;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import java.util.List;

/**
 * The directory of system FIN-SHARES that the connector ITs start, the same for each: an in-memory LDAP directory
 * (UnboundID) with people and every finance share group the connector maps (the treasury database is
 * {@link TreasuryDatabase}).
 */
final class ConnectorTargets {

  static final String BASE = "dc=demo,dc=itgc,dc=local";
  static final String PEOPLE = "ou=people," + BASE;
  static final String READ_GROUP = "cn=fin-share-read,ou=groups," + BASE;
  static final String WRITE_GROUP = "cn=fin-share-write,ou=groups," + BASE;
  static final String ADMIN_GROUP = "cn=fin-share-admin,ou=groups," + BASE;
  static final String BIND_DN = "cn=itgc-provisioner,ou=services," + BASE;

  private ConnectorTargets() {}

  /** Starts a directory on a free port and points the connector at it (system properties the URL names). */
  static InMemoryDirectoryServer startDirectory() throws Exception {
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
    config.setSchema(null); // nsAccountLock (389 Directory Server's) is not in the standard schema
    config.addAdditionalBindCredentials(BIND_DN, "directory-secret");
    config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", 0));
    InMemoryDirectoryServer directory = new InMemoryDirectoryServer(config);
    directory.add("dn: " + BASE, "objectClass: domain", "dc: demo");
    directory.add("dn: " + PEOPLE, "objectClass: organizationalUnit", "ou: people");
    directory.add("dn: ou=groups," + BASE, "objectClass: organizationalUnit", "ou: groups");
    for (String uid : List.of("rachel", "ryan", "lara", "paula", "sam")) {
      directory.add("dn: uid=" + uid + "," + PEOPLE, "objectClass: inetOrgPerson", "uid: " + uid, "cn: " + uid,
          "sn: " + uid, "mail: " + uid + "@demo.itgc.local");
    }
    for (String group : List.of(READ_GROUP, WRITE_GROUP, ADMIN_GROUP)) {
      String cn = group.substring(3, group.indexOf(','));
      directory.add("dn: " + group, "objectClass: groupOfNames", "cn: " + cn);
    }
    directory.startListening();
    System.setProperty("ITGC_FIN_DIRECTORY_PORT", String.valueOf(directory.getListenPort()));
    System.setProperty("ITGC_FIN_DIRECTORY_PASSWORD", "directory-secret");
    return directory;
  }
}
