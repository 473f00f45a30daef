package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.itgc.platform.ScheduledOnce;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which due credentials the daily run rotates by connector and which become a security admin's task: no connector at
 * all, or a connector that has now failed {@code serviceAccountRotationAttempts} times in a row; an account whose task
 * is open is left to the person; one not due is left alone.
 */
class ServiceAccountScheduleTest {

  static final Instant NOW = Instant.parse("2026-12-04T03:15:00Z");

  AccessCatalogue catalogue = mock(AccessCatalogue.class);
  ServiceAccountStore store = mock(ServiceAccountStore.class);
  ServiceAccountRotations rotations = mock(ServiceAccountRotations.class);
  ServiceAccountOwners owners = mock(ServiceAccountOwners.class);
  ServiceAccountRotationTasks tasks = mock(ServiceAccountRotationTasks.class);
  ServiceAccountSchedule schedule;

  static AccessCatalogue.ServiceAccount account(String id) {
    return new AccessCatalogue.ServiceAccount(id, id, "E1004", null, "Loads " + id,
        List.of(new AccessCatalogue.Job(id + " load", id.toLowerCase())), 90);
  }

  static ServiceAccountRotations.Rotated failed(String id) {
    return new ServiceAccountRotations.Rotated(5, id, ServiceAccountRotations.SCHEDULE, "failed", "S", "db", "l", null,
        null, "connection refused", 8L, NOW);
  }

  @BeforeEach
  void setUp() {
    schedule = new ServiceAccountSchedule(catalogue, store, rotations, owners, tasks, mock(ScheduledOnce.class),
        Clock.fixed(NOW, ZoneOffset.UTC));
    when(catalogue.rotationDays(any())).thenReturn(90);
    when(catalogue.serviceAccountRotationAttempts()).thenReturn(2);
    when(store.openRotationTask(anyString())).thenReturn(Optional.empty());
    when(tasks.request(anyString(), anyString(), any(), any(), anyString())).thenReturn(Optional.of(1L));
  }

  @Test
  void aDueAccountWithoutAConnectorBecomesATaskAndIsNotRotated() {
    when(catalogue.serviceAccounts()).thenReturn(List.of(account("SVC-HAND")));
    when(store.lastRotated()).thenReturn(Map.of());
    when(rotations.connectorOf("SVC-HAND")).thenReturn(Optional.empty());
    var run = schedule.rotateDue(NOW);
    assertThat(run.tasksOpened()).containsExactly("SVC-HAND");
    assertThat(run.rotations()).isEmpty();
    verify(tasks).request(eq("SVC-HAND"), eq(ServiceAccountRotations.SCHEDULE), eq(null), eq(null),
        contains("no connector"));
    verify(rotations, never()).rotate(anyString(), anyString(), anyString(), any());
  }

  @Test
  void aConnectorThatFailsIsRetriedByTheNextRunThenHandedToAPerson() {
    when(catalogue.serviceAccounts()).thenReturn(List.of(account("SVC-DB")));
    when(store.lastRotated()).thenReturn(Map.of("SVC-DB", NOW.minus(Duration.ofDays(91))));
    when(rotations.connectorOf("SVC-DB")).thenReturn(Optional.of(mock(PostgresRolesConnector.class)));
    when(rotations.rotate("SVC-DB", ServiceAccountRotations.SCHEDULE, "system", null)).thenReturn(failed("SVC-DB"));

    when(store.failuresSinceLastSuccess("SVC-DB")).thenReturn(1);
    var first = schedule.rotateDue(NOW);
    assertThat(first.rotations()).hasSize(1);
    assertThat(first.tasksOpened()).as("one failure: the next run retries").isEmpty();
    verify(tasks, never()).request(anyString(), anyString(), any(), any(), anyString());

    when(store.failuresSinceLastSuccess("SVC-DB")).thenReturn(2);
    var second = schedule.rotateDue(NOW.plus(Duration.ofDays(1)));
    assertThat(second.tasksOpened()).containsExactly("SVC-DB");
    verify(tasks).request(eq("SVC-DB"), eq(ServiceAccountRotations.SCHEDULE), eq(null), eq(5L),
        contains("failed 2 times in a row"));
  }

  @Test
  void anAccountWhoseTaskIsOpenIsLeftToThePersonAndOneNotDueIsLeftAlone() {
    when(catalogue.serviceAccounts()).thenReturn(List.of(account("SVC-OPEN"), account("SVC-FRESH")));
    when(store.lastRotated()).thenReturn(Map.of("SVC-FRESH", NOW.minus(Duration.ofDays(10))));
    when(store.openRotationTask("SVC-OPEN")).thenReturn(Optional.of(new ServiceAccountStore.RotationTask(3, "SVC-OPEN",
        "schedule", null, null, "due", NOW, NOW, "pi", "open", null, null, null)));
    when(rotations.connectorOf(anyString())).thenReturn(Optional.of(mock(PostgresRolesConnector.class)));
    var run = schedule.rotateDue(NOW);
    assertThat(run.rotations()).isEmpty();
    assertThat(run.tasksOpened()).isEmpty();
    verify(rotations, never()).rotate(anyString(), anyString(), anyString(), any());
    verify(tasks, never()).request(anyString(), anyString(), any(), any(), anyString());
  }
}
