package org.itgc.continuity;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.itgc.platform.web.ConflictException;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.junit.jupiter.api.Test;

/**
 * A restore test asked for before any backup of the engine is registered is the engine's state, not a server fault:
 * a conflict (409 problem+json through the API's advice) saying to take a backup first, never a 500.
 */
class EngineRestoreWithoutBackupTest {

  @Test
  void aRestoreTestBeforeAnyBackupIsAConflictNamingTheBackupToTakeFirst() {
    ContinuityStore store = mock(ContinuityStore.class);
    SystemsInventory systems = mock(SystemsInventory.class);
    when(systems.find(EngineContinuity.SYSTEM_ID)).thenReturn(Optional.of(mock(FinancialSystem.class)));
    when(store.latestBackup(EngineContinuity.SYSTEM_ID)).thenReturn(Optional.empty());
    var continuity = new EngineContinuity(null, store, null, systems, null, null, null, Clock.systemUTC(),
        Path.of("target/backups"), Path.of("target/restore"), null, null);

    assertThatThrownBy(continuity::restoreTest).isInstanceOf(ConflictException.class)
        .hasMessageContaining("no backup of the engine is registered yet")
        .hasMessageContaining("POST /api/continuity/engine-backups");
  }
}
