package org.itgc.platform.web;

/** A request that cannot be served as asked: names the field (or parameter) and the reason. Answered as 400. */
public class BadRequestException extends RuntimeException {

  private final String field;

  public BadRequestException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
