package org.itgc.certification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.itgc.access.Identities;
import org.itgc.access.Identity;
import org.itgc.platform.Role;
import org.itgc.security.UserAccount;
import org.itgc.security.UserAccounts;
import org.itgc.systems.SystemsInventory;
import org.junit.jupiter.api.Test;

/**
 * A service account's grants are reviewed by the account's owner as the access registry records it (AC-04), not by
 * the system's owner; an ownerless account's (its owner left, or has no enabled login) by a security admin.
 */
class ServiceAccountReviewersTest {

  static Identity person(String id, String status, String login) {
    return new Identity(id, Identity.PERSON, id, id + "@x", null, "IT", "Owner", status, LocalDate.of(2020, 1, 1),
        Identity.TERMINATED.equals(status) ? LocalDate.of(2026, 11, 1) : null, login, null, "hr", null);
  }

  static Identity service(String id, String ownerId) {
    return new Identity(id, Identity.SERVICE, id, null, null, null, null, Identity.ACTIVE, null, null, null, ownerId,
        "config", null);
  }

  static UserAccount user(String name, boolean enabled, Role... roles) {
    return new UserAccount(name, name, name + "@x", enabled, Set.of(roles), Instant.EPOCH, "test");
  }

  @Test
  void theDirectoryNamesTheRecordedOwnersLoginOnlyForAnActivePersonWithAnEnabledLogin() {
    Identities identities = mock(Identities.class);
    UserAccounts users = mock(UserAccounts.class);
    var directory = new ReviewerDirectory(identities, mock(SystemsInventory.class), users);
    when(identities.find("SVC-A")).thenReturn(Optional.of(service("SVC-A", "E1")));
    when(identities.find("SVC-B")).thenReturn(Optional.of(service("SVC-B", "E2")));
    when(identities.find("SVC-C")).thenReturn(Optional.of(service("SVC-C", "E3")));
    when(identities.find("E1")).thenReturn(Optional.of(person("E1", Identity.ACTIVE, "olga")));
    when(identities.find("E2")).thenReturn(Optional.of(person("E2", Identity.TERMINATED, "lee")));
    when(identities.find("E3")).thenReturn(Optional.of(person("E3", Identity.ACTIVE, "dora")));
    when(users.find("olga")).thenReturn(Optional.of(user("olga", true)));
    when(users.find("lee")).thenReturn(Optional.of(user("lee", true)));
    when(users.find("dora")).thenReturn(Optional.of(user("dora", false)));
    assertThat(directory.serviceAccountOwnerLogin("SVC-A")).contains("olga");
    assertThat(directory.serviceAccountOwnerLogin("SVC-B")).as("the owner left").isEmpty();
    assertThat(directory.serviceAccountOwnerLogin("SVC-C")).as("the owner's login is disabled").isEmpty();
    assertThat(directory.serviceAccountOwnerLogin("E1")).as("a person is not a service account").isEmpty();
    assertThat(directory.serviceAccountOwnerLogin("SVC-NOPE")).isEmpty();

    when(users.all()).thenReturn(List.of(user("ada", true, Role.ENGINE_ADMIN), user("sal", false, Role.SECURITY_ADMIN),
        user("sam", true, Role.SECURITY_ADMIN), user("sue", true, Role.SECURITY_ADMIN)));
    assertThat(directory.securityAdmin()).contains("sam");
    when(users.all()).thenReturn(List.of(user("ada", true, Role.ENGINE_ADMIN)));
    assertThat(directory.securityAdmin()).isEmpty();
  }

  @Test
  void aServiceAccountsItemsGoToItsOwnerAndAnOwnerlessAccountsToASecurityAdminBeforeTheSystemOwnerRule() {
    CampaignStore store = mock(CampaignStore.class);
    ReviewerDirectory directory = mock(ReviewerDirectory.class);
    var launch = new CampaignLaunch(store, null, directory, null, null, null, Clock.systemUTC(), "http://x");
    when(store.serviceAccountsWithoutReviewer("C1")).thenReturn(List.of("SVC-A", "SVC-B"));
    when(directory.serviceAccountOwnerLogin("SVC-A")).thenReturn(Optional.of("olga"));
    when(directory.serviceAccountOwnerLogin("SVC-B")).thenReturn(Optional.empty());
    when(directory.securityAdmin()).thenReturn(Optional.of("sam"));
    when(store.systemsWithoutReviewer("C1")).thenReturn(List.of());
    when(store.ownAccessItems("C1")).thenReturn(List.of());
    launch.assignReviewers("C1", "grace");
    var order = inOrder(store);
    order.verify(store).assignToManagers("C1");
    order.verify(store).assignServiceAccount("C1", "SVC-A", "olga", CampaignLaunch.SERVICE_ACCOUNT_OWNER);
    order.verify(store).assignServiceAccount("C1", "SVC-B", "sam", CampaignLaunch.SECURITY_ADMIN);
    order.verify(store).systemsWithoutReviewer("C1");
  }

  @Test
  void withoutASecurityAdminAnOwnerlessAccountFallsToTheSystemOwnerRule() {
    CampaignStore store = mock(CampaignStore.class);
    ReviewerDirectory directory = mock(ReviewerDirectory.class);
    var launch = new CampaignLaunch(store, null, directory, null, null, null, Clock.systemUTC(), "http://x");
    when(store.serviceAccountsWithoutReviewer("C1")).thenReturn(List.of("SVC-B"));
    when(directory.serviceAccountOwnerLogin("SVC-B")).thenReturn(Optional.empty());
    when(directory.securityAdmin()).thenReturn(Optional.empty());
    when(store.systemsWithoutReviewer("C1")).thenReturn(List.of("BI-REPORTING"));
    when(directory.owner("BI-REPORTING", null)).thenReturn(Optional.of("grace"));
    when(store.ownAccessItems("C1")).thenReturn(List.of());
    launch.assignReviewers("C1", "grace");
    verify(store, never()).assignServiceAccount(anyString(), anyString(), anyString(), anyString());
    verify(store).assignToOwner("C1", "BI-REPORTING", "grace");
  }
}
