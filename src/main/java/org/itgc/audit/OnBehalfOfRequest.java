package org.itgc.audit;

/**
 * Work that a request started and another thread does (an HR import job): its audit events carry the client address
 * of that request, as the request's own events do, instead of none.
 */
public final class OnBehalfOfRequest {

  private static final ThreadLocal<String> CLIENT_ADDRESS = new ThreadLocal<>();

  private OnBehalfOfRequest() {}

  /** Runs {@code work} on this thread with the events it records carrying {@code clientAddress}. */
  public static void run(String clientAddress, Runnable work) {
    String before = CLIENT_ADDRESS.get();
    CLIENT_ADDRESS.set(clientAddress);
    try {
      work.run();
    } finally {
      if (before == null) {
        CLIENT_ADDRESS.remove();
      } else {
        CLIENT_ADDRESS.set(before);
      }
    }
  }

  /** The client address of the request this thread works for, or null. */
  static String clientAddress() {
    return CLIENT_ADDRESS.get();
  }
}
