package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The LDAP connector against an in-memory directory: membership, read-back, finding the person, leavers. */
class LdapDirectoryConnectorTest {

  static final String BASE = "dc=example,dc=com";
  static final String GROUP = "cn=gl-readers,ou=groups," + BASE;

  InMemoryDirectoryServer server;
  LdapDirectoryConnector connector;

  @BeforeEach
  void start() throws Exception {
    var config = new InMemoryDirectoryServerConfig(BASE);
    config.setSchema(null);
    config.addAdditionalBindCredentials("cn=engine," + BASE, "s3cret");
    config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", 0));
    server = new InMemoryDirectoryServer(config);
    server.add("dn: " + BASE, "objectClass: domain", "dc: example");
    server.add("dn: ou=people," + BASE, "objectClass: organizationalUnit", "ou: people");
    server.add("dn: ou=groups," + BASE, "objectClass: organizationalUnit", "ou: groups");
    server.add("dn: uid=ann,ou=people," + BASE, "objectClass: inetOrgPerson", "uid: ann", "cn: Ann", "sn: A",
        "mail: ann@example.com");
    server.add("dn: uid=twin1,ou=people," + BASE, "objectClass: inetOrgPerson", "uid: twin1", "cn: T", "sn: T",
        "mail: twin@example.com");
    server.add("dn: uid=twin2,ou=people," + BASE, "objectClass: inetOrgPerson", "uid: twin2", "cn: T", "sn: T",
        "mail: twin@example.com");
    server.add("dn: " + GROUP, "objectClass: groupOfNames", "cn: gl-readers");
    server.startListening();
    var environment = new MockEnvironment().withProperty("LDAP_PORT", String.valueOf(server.getListenPort()))
        .withProperty("LDAP_PASSWORD", "s3cret");
    var ldap = new ConnectorsFile.Ldap("ldap://localhost:${LDAP_PORT}", "cn=engine," + BASE, "LDAP_PASSWORD", null,
        "ou=people," + BASE, "mail", "email", null, new ConnectorsFile.Disable("nsAccountLock", "true"));
    var file = new ConnectorsFile.Connector("gl-directory", "ldap", ldap, null, Map.of("GL_READ", GROUP));
    connector = new LdapDirectoryConnector(file, "GL", new ConnectorSettings(environment, Path.of("config")));
  }

  @AfterEach
  void stop() {
    server.shutDown(true);
  }

  static Identity person(String id, String email, boolean active) {
    return new Identity(id, Identity.PERSON, id, email, null, null, null, active ? Identity.ACTIVE : Identity.TERMINATED,
        null, null, null, null, "hr", null);
  }

  @Test
  void aGrantAddsTheMemberOnceAndARemovalIsVerifiedByReadingTheGroupBack() throws Exception {
    Identity ann = person("E1", "ann@example.com", true);
    assertThat(connector.grant(ann, "GL", "GL_READ")).contains("uid=ann").contains("read back");
    assertThat(connector.grant(ann, "GL", "GL_READ")).as("a second grant changes nothing").contains("uid=ann");
    assertThat(server.getEntry(GROUP).getAttributeValues("member")).containsExactly("uid=ann,ou=people," + BASE);
    // accounts by the person attribute (mail), in lower case as directories match them
    assertThat(connector.holders()).isEqualTo(Map.of("GL_READ", Set.of("ann@example.com")));
    assertThat(connector.accountOf(person("E1", "Ann@Example.com", true))).contains("ann@example.com");

    // a removal that did not take (the member is still there) fails the read-back, so the step is retried
    assertThatThrownBy(() -> connector.verifyRemoved(ann, "GL", "GL_READ")).hasMessageContaining("still holds");

    assertThat(connector.remove(ann, "GL", "GL_READ")).contains("removed from " + GROUP).doesNotContain("disabled");
    assertThat(connector.verifyRemoved(ann, "GL", "GL_READ")).hasValueSatisfying(v -> assertThat(v)
        .contains("no longer holds " + GROUP));
    assertThat(server.getEntry(GROUP).getAttributeValues("member")).isNull();
    assertThat(server.getEntry("uid=ann,ou=people," + BASE).getAttributeValue("nsAccountLock")).isNull();
  }

  @Test
  void aLeaversAccountIsDisabledWithTheRemoval() throws Exception {
    Identity ann = person("E1", "ann@example.com", true);
    connector.grant(ann, "GL", "GL_READ");
    assertThat(connector.remove(person("E1", "ann@example.com", false), "GL", "GL_READ")).contains("account disabled");
    assertThat(server.getEntry("uid=ann,ou=people," + BASE).getAttributeValue("nsAccountLock")).isEqualTo("true");
  }

  @Test
  void aPersonFoundNoneOrTwiceFailsTheStepNamingTheAttribute() {
    assertThatThrownBy(() -> connector.grant(person("E2", "nobody@example.com", true), "GL", "GL_READ"))
        .hasMessageContaining("0 directory entries").hasMessageContaining("mail=nobody@example.com");
    assertThatThrownBy(() -> connector.grant(person("E3", "twin@example.com", true), "GL", "GL_READ"))
        .hasMessageContaining("2 directory entries");
    assertThatThrownBy(() -> connector.grant(person("E4", null, true), "GL", "GL_READ"))
        .hasMessageContaining("has no email");
  }

  @Test
  void aDirectoryThatIsAwayOrRefusesTheBindFailsTheStep() {
    server.shutDown(true);
    assertThatThrownBy(() -> connector.grant(person("E1", "ann@example.com", true), "GL", "GL_READ"))
        .hasMessageContaining("connector gl-directory could not grant GL_READ");
  }
}
