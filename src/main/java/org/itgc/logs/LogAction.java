package org.itgc.logs;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a person did in a financial system, as the engine names it whatever the system calls it. */
public enum LogAction {
  LOGIN("login"), LOGIN_FAILURE("login-failure"), READ("read"), CREATE("create"), UPDATE("update"), DELETE("delete"),
  PRIVILEGE_CHANGE("privilege-change"), LOGOUT("logout"), OTHER("other");

  private final String value;

  LogAction(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  /** Whether the action changes the object (create, update, delete, privilege-change). */
  public boolean changes() {
    return this == CREATE || this == UPDATE || this == DELETE || this == PRIVILEGE_CHANGE;
  }

  public static Optional<LogAction> of(String value) {
    return Arrays.stream(values()).filter(a -> a.value.equals(value)).findFirst();
  }

  public static List<String> names() {
    return Arrays.stream(values()).map(LogAction::value).toList();
  }
}
