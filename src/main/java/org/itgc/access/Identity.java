package org.itgc.access;

import java.time.LocalDate;

/**
 * A person from HR or a service account from config. {@code userName} links a person to their login of this engine,
 * if they have one; {@code ownerId} is the employee who answers for a service account.
 */
public record Identity(String id, String kind, String name, String email, String managerId, String department,
    String job, String status, LocalDate hireDate, LocalDate terminationDate, String userName, String ownerId,
    String source, String scimId) {

  public static final String PERSON = "person";
  public static final String SERVICE = "service";
  public static final String ACTIVE = "active";
  public static final String TERMINATED = "terminated";

  public boolean active() {
    return ACTIVE.equals(status);
  }

  Identity withScimId(String value) {
    return new Identity(id, kind, name, email, managerId, department, job, status, hireDate, terminationDate, userName,
        ownerId, source, value);
  }

  Identity withOwner(String value) {
    return new Identity(id, kind, name, email, managerId, department, job, status, hireDate, terminationDate, userName,
        value, source, scimId);
  }

  Identity withStatus(String value, LocalDate terminated) {
    return new Identity(id, kind, name, email, managerId, department, job, value, hireDate, terminated, userName,
        ownerId, source, scimId);
  }
}
