package org.itgc.access;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustStoreTrustManager;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Provisions a system whose entitlements are groups of an LDAP directory: a grant adds the person's entry to the
 * group's member attribute, a removal deletes it and reads the group back; a leaver's account is disabled when the
 * connector says how ({@code disableLeavers}). The person is found under {@code peopleBase} by
 * {@code personAttribute} equal to the identity's {@code accountField} (for example {@code uid} = HR's user name);
 * none or several entries fail the step. One connection per step, bound as {@code bindDn}, with short timeouts.
 */
final class LdapDirectoryConnector implements TargetConnector {

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final long RESPONSE_TIMEOUT_MILLIS = 15_000;

  private final String id;
  private final String systemId;
  private final ConnectorsFile.Ldap ldap;
  private final Map<String, String> groups;
  private final ConnectorSettings settings;

  LdapDirectoryConnector(ConnectorsFile.Connector connector, String systemId, ConnectorSettings settings) {
    this.id = connector.id();
    this.systemId = systemId;
    this.ldap = connector.ldap();
    this.groups = Map.copyOf(connector.entitlements());
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
    return groups;
  }

  @Override
  public Optional<String> accountOf(Identity identity) {
    // a directory matches uid and mail without regard to case: accounts are compared in lower case
    return ConnectorSettings.accountField(identity, ldap.accountField()).map(ConnectorSettings::lower);
  }

  @Override
  public String grant(Identity identity, String systemId, String entitlementId) {
    String group = group(entitlementId);
    try (LDAPConnection connection = connect()) {
      String person = person(connection, identity);
      try {
        connection.modify(group, new Modification(ModificationType.ADD, ldap.memberAttribute(), person));
      } catch (LDAPException e) {
        if (e.getResultCode() != ResultCode.ATTRIBUTE_OR_VALUE_EXISTS) {
          throw e;
        }
      }
      if (!isMember(connection, group, person)) {
        throw new IllegalStateException("read back after the grant: " + person + " is not a member of " + group);
      }
      return person + " added to " + group + " (read back)";
    } catch (LDAPException e) {
      throw failure("grant " + entitlementId + " to " + identity.id(), e);
    }
  }

  @Override
  public String remove(Identity identity, String systemId, String entitlementId) {
    String group = group(entitlementId);
    try (LDAPConnection connection = connect()) {
      String person = person(connection, identity);
      try {
        connection.modify(group, new Modification(ModificationType.DELETE, ldap.memberAttribute(), person));
      } catch (LDAPException e) {
        if (e.getResultCode() != ResultCode.NO_SUCH_ATTRIBUTE) {
          throw e;
        }
      }
      String reference = person + " removed from " + group;
      if (!identity.active() && ldap.disableLeavers() != null) {
        connection.modify(person, new Modification(ModificationType.REPLACE, ldap.disableLeavers().attribute(),
            ldap.disableLeavers().value()));
        reference += "; account disabled (leaver: " + ldap.disableLeavers().attribute() + "="
            + ldap.disableLeavers().value() + ")";
      }
      return reference;
    } catch (LDAPException e) {
      throw failure("remove " + entitlementId + " from " + identity.id(), e);
    }
  }

  @Override
  public boolean holds(Identity identity, String entitlementId) {
    String group = group(entitlementId);
    try (LDAPConnection connection = connect()) {
      return isMember(connection, group, person(connection, identity));
    } catch (LDAPException e) {
      throw failure("read " + group, e);
    }
  }

  @Override
  public Map<String, Set<String>> holders() {
    Map<String, Set<String>> holders = new LinkedHashMap<>();
    try (LDAPConnection connection = connect()) {
      Map<String, String> accounts = new java.util.HashMap<>();
      for (var entry : groups.entrySet()) {
        Set<String> members = new TreeSet<>();
        SearchResultEntry group = connection.getEntry(entry.getValue(), ldap.memberAttribute());
        if (group == null) {
          throw new IllegalStateException("group " + entry.getValue() + " does not exist in the directory");
        }
        String[] values = group.getAttributeValues(ldap.memberAttribute());
        for (String member : values == null ? new String[0] : values) {
          String account = accounts.computeIfAbsent(member, dn -> {
            try {
              SearchResultEntry person = connection.getEntry(dn, ldap.personAttribute());
              return person == null || person.getAttributeValue(ldap.personAttribute()) == null ? dn
                  : ConnectorSettings.lower(person.getAttributeValue(ldap.personAttribute()));
            } catch (LDAPException e) {
              return dn;
            }
          });
          members.add(account);
        }
        holders.put(entry.getKey(), members);
      }
      return holders;
    } catch (LDAPException e) {
      throw failure("read the members of its groups", e);
    }
  }

  private boolean isMember(LDAPConnection connection, String group, String person) throws LDAPException {
    SearchResultEntry entry = connection.getEntry(group, ldap.memberAttribute());
    if (entry == null) {
      throw new IllegalStateException("group " + group + " does not exist in the directory");
    }
    String[] values = entry.getAttributeValues(ldap.memberAttribute());
    if (values == null) {
      return false;
    }
    com.unboundid.ldap.sdk.DN dn = new com.unboundid.ldap.sdk.DN(person);
    for (String value : values) {
      if (new com.unboundid.ldap.sdk.DN(value).equals(dn)) {
        return true;
      }
    }
    return false;
  }

  private String person(LDAPConnection connection, Identity identity) throws LDAPException {
    String value = accountOf(identity).orElseThrow(() -> new IllegalStateException("identity " + identity.id()
        + " has no " + ldap.accountField() + " to find its directory entry by"));
    SearchResult found = connection.search(ldap.peopleBase(), SearchScope.SUB,
        Filter.createEqualityFilter(ldap.personAttribute(), value), "1.1");
    if (found.getEntryCount() != 1) {
      throw new IllegalStateException(found.getEntryCount() + " directory entries under " + ldap.peopleBase()
          + " have " + ldap.personAttribute() + "=" + value + " (identity " + identity.id() + "); expected one");
    }
    return found.getSearchEntries().get(0).getDN();
  }

  private String group(String entitlementId) {
    String group = groups.get(entitlementId);
    if (group == null) {
      throw new IllegalStateException("connector " + id + " maps no group to entitlement " + entitlementId);
    }
    return group;
  }

  private LDAPConnection connect() throws LDAPException {
    LDAPURL url = new LDAPURL(settings.resolve(ldap.url()));
    String password = settings.password(id, ldap.secret());
    LDAPConnectionOptions options = new LDAPConnectionOptions();
    options.setConnectTimeoutMillis(CONNECT_TIMEOUT_MILLIS);
    options.setResponseTimeoutMillis(RESPONSE_TIMEOUT_MILLIS);
    LDAPConnection connection;
    if ("ldaps".equalsIgnoreCase(url.getScheme())) {
      try {
        // the JVM's trust store: a directory's certificate is trusted as any server's is
        String store = System.getProperty("javax.net.ssl.trustStore",
            System.getProperty("java.home") + "/lib/security/cacerts");
        connection = new LDAPConnection(new SSLUtil(new TrustStoreTrustManager(store)).createSSLSocketFactory(),
            options);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("connector " + id + ": TLS cannot be set up: " + e.getMessage(), e);
      }
    } else {
      connection = new LDAPConnection(options);
    }
    try {
      connection.connect(url.getHost(), url.getPort(), CONNECT_TIMEOUT_MILLIS);
      connection.bind(ldap.bindDn(), password);
      return connection;
    } catch (LDAPException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private IllegalStateException failure(String what, LDAPException e) {
    return new IllegalStateException("connector " + id + " could not " + what + ": " + e.getResultCode() + " "
        + e.getDiagnosticMessage() + " (" + e.getExceptionMessage() + ")", e);
  }
}
