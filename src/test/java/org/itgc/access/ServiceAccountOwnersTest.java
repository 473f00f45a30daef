package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.security.UserAccounts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the recorded owner of a service account meets the owner access.yaml names at start-up: a first sight is recorded
 * without a rotation; a new name in the file is a change of owner that rotates; an owner a security admin set through
 * the API stands while the file keeps naming the owner it named before.
 */
class ServiceAccountOwnersTest {

  static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

  AccessCatalogue catalogue = mock(AccessCatalogue.class);
  ServiceAccountStore store = mock(ServiceAccountStore.class);
  Identities identities = mock(Identities.class);
  ServiceAccountRotations rotations = mock(ServiceAccountRotations.class);
  ServiceAccountRotationTasks tasks = mock(ServiceAccountRotationTasks.class);
  ServiceAccountOwners owners;

  static AccessCatalogue.ServiceAccount account(String owner) {
    return new AccessCatalogue.ServiceAccount("SVC-X", "X loader", owner, null, "Loads X",
        List.of(new AccessCatalogue.Job("X load", "x-load")), null);
  }

  static ServiceAccountStore.Owner recorded(String owner, String configOwner) {
    return new ServiceAccountStore.Owner("SVC-X", owner, configOwner, NOW.minusSeconds(86_400), "someone");
  }

  @BeforeEach
  void setUp() {
    owners = new ServiceAccountOwners(catalogue, store, identities, rotations, tasks, mock(ControlExceptions.class),
        mock(UserAccounts.class), mock(AuditRecorder.class), Clock.fixed(NOW, ZoneOffset.UTC));
    when(rotations.rotate(anyString(), anyString(), anyString(), any())).thenReturn(new ServiceAccountRotations.Rotated(
        7, "SVC-X", ServiceAccountRotations.OWNER_CHANGE, "rotated", "S", "c", "l", "f", "v", null, null, NOW));
    when(identities.find(anyString())).thenReturn(Optional.empty());
  }

  @Test
  void aFirstSightIsRecordedWithoutARotation() {
    when(catalogue.serviceAccounts()).thenReturn(List.of(account("E1004")));
    when(store.owner("SVC-X")).thenReturn(Optional.empty());
    when(store.insertOwner("SVC-X", "E1004", NOW)).thenReturn(true);
    assertThat(owners.reconcileWithConfig()).isEmpty();
    verify(store).insertOwnerChange("SVC-X", null, "E1004", ServiceAccountOwners.INITIAL, "config", NOW);
    verify(rotations, never()).rotate(anyString(), anyString(), anyString(), any());
  }

  @Test
  void anOwnerTheFileChangedIsAChangeThatRotates() {
    when(catalogue.serviceAccounts()).thenReturn(List.of(account("E1005")));
    ServiceAccountStore.Owner before = recorded("E1002", "E1004");
    when(store.owner("SVC-X")).thenReturn(Optional.of(before));
    when(store.updateOwner(before, "E1005", "E1005", "config", NOW)).thenReturn(true);
    when(store.insertOwnerChange("SVC-X", "E1002", "E1005", ServiceAccountOwners.CONFIG, "system", NOW)).thenReturn(3L);
    var changed = owners.reconcileWithConfig();
    assertThat(changed).hasSize(1);
    assertThat(changed.get(0).change().ownerId()).isEqualTo("E1005");
    verify(rotations).rotate("SVC-X", ServiceAccountRotations.OWNER_CHANGE, "system", 3L);
    verify(identities).changeServiceOwner("SVC-X", "E1005", "system");
    verify(tasks, never()).request(anyString(), anyString(), any(), any(), anyString());
  }

  @Test
  void aChangeOfOwnerWhoseRotationFailedBecomesASecurityAdminsTask() {
    when(catalogue.serviceAccounts()).thenReturn(List.of(account("E1005")));
    ServiceAccountStore.Owner before = recorded("E1002", "E1004");
    when(store.owner("SVC-X")).thenReturn(Optional.of(before));
    when(store.updateOwner(before, "E1005", "E1005", "config", NOW)).thenReturn(true);
    when(store.insertOwnerChange("SVC-X", "E1002", "E1005", ServiceAccountOwners.CONFIG, "system", NOW)).thenReturn(4L);
    when(rotations.rotate("SVC-X", ServiceAccountRotations.OWNER_CHANGE, "system", 4L)).thenReturn(
        new ServiceAccountRotations.Rotated(9, "SVC-X", ServiceAccountRotations.OWNER_CHANGE, "failed", null, null, null,
            null, null, "no connector rotates it", 11L, NOW));
    assertThat(owners.reconcileWithConfig()).hasSize(1);
    verify(tasks).request(eq("SVC-X"), eq(ServiceAccountRotations.OWNER_CHANGE), eq(4L), eq(9L),
        org.mockito.ArgumentMatchers.contains("no connector rotates it"));
  }

  @Test
  void anOwnerSetThroughTheApiStandsWhileTheFileIsUnchanged() {
    AccessCatalogue.ServiceAccount account = account("E1004");
    when(catalogue.serviceAccounts()).thenReturn(List.of(account));
    when(store.owner("SVC-X")).thenReturn(Optional.of(recorded("E1002", "E1004")));
    assertThat(owners.reconcileWithConfig()).isEmpty();
    assertThat(owners.ownerOf(account)).isEqualTo("E1002");
    verify(store, never()).updateOwner(any(), anyString(), anyString(), anyString(), any());
    verify(rotations, never()).rotate(anyString(), anyString(), anyString(), any());
    // a file that names someone else than it did before wins
    assertThat(owners.ownerOf(account("E1007"))).isEqualTo("E1007");
  }

  @Test
  void aFileThatNowNamesTheApisOwnerChangesNothingHands() {
    when(catalogue.serviceAccounts()).thenReturn(List.of(account("E1002")));
    ServiceAccountStore.Owner before = recorded("E1002", "E1004");
    when(store.owner("SVC-X")).thenReturn(Optional.of(before));
    assertThat(owners.reconcileWithConfig()).isEmpty();
    verify(store).updateOwner(eq(before), eq("E1002"), eq("E1002"), eq("config"), eq(NOW));
    verify(store, never()).insertOwnerChange(anyString(), any(), anyString(), anyString(), anyString(), any());
    verify(rotations, never()).rotate(anyString(), anyString(), anyString(), any());
  }
}
