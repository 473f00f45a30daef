package org.itgc.platform.web;

/** The thing asked for does not exist. Answered as 404. */
public class NotFoundException extends RuntimeException {

  public NotFoundException(String what, String id) {
    super(what + " '" + id + "' does not exist");
  }
}
