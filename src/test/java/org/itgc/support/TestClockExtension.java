package org.itgc.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Registered for every test (JUnit's extension auto-detection): runs each test at {@link TestClock}'s date. */
public class TestClockExtension implements BeforeAllCallback, BeforeEachCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    TestClock.apply();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    TestClock.apply();
  }
}
