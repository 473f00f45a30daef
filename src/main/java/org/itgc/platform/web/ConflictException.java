package org.itgc.platform.web;

/** The request conflicts with the current state (work in progress, a decision already made): HTTP 409. */
public class ConflictException extends RuntimeException {

  public ConflictException(String message) {
    super(message);
  }
}
