package org.itgc.continuity;

import jakarta.validation.Validation;
import java.nio.file.Path;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.config.ConfigFiles;

/** The beans the continuity models call, for the in-memory process tests: real settings and deadlines, mocked glue. */
final class ContinuityMocks {

  private ContinuityMocks() {}

  static void register(ContinuityProcessGlue glue) {
    var config = new ConfigFiles(Path.of("config"), Validation.buildDefaultValidatorFactory().getValidator());
    var settings = new ContinuitySettings(config);
    Mocks.register("continuityProcess", glue);
    Mocks.register("continuitySettings", settings);
    Mocks.register("continuityDeadlines", new ContinuityDeadlines(new BusinessCalendar(config), settings, new org.itgc.platform.EngineClock()));
  }
}
