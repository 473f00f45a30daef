package org.itgc.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads syslog messages from a TCP stream framed as RFC 6587 describes, each frame by its first byte: octet counting
 * ({@code MSG-LEN SP SYSLOG-MSG}, section 3.4.1) when it is a digit, else non-transparent framing up to a line feed
 * (section 3.4.2; a CR before the LF and NUL as trailer are taken as a sender's variants of the same). A frame longer
 * than the limit, or a length that is not a number, is a framing error: the stream cannot be followed further.
 */
final class SyslogFrames {

  /** The stream broke the framing; {@code partial} holds the bytes read of the broken frame. */
  static final class FramingException extends IOException {
    final byte[] partial;

    FramingException(String message, byte[] partial) {
      super(message);
      this.partial = partial;
    }
  }

  private final InputStream in;
  private final int maxFrame;

  SyslogFrames(InputStream in, int maxFrame) {
    this.in = in;
    this.maxFrame = maxFrame;
  }

  /** The next frame's message, or null at the end of the stream. */
  byte[] next() throws IOException {
    int first = in.read();
    while (first == '\n' || first == '\r' || first == 0) {
      first = in.read();
    }
    if (first < 0) {
      return null;
    }
    if (first >= '1' && first <= '9') {
      long length = first - '0';
      ByteArrayOutputStream digits = new ByteArrayOutputStream();
      digits.write(first);
      int c;
      while ((c = in.read()) >= '0' && c <= '9') {
        digits.write(c);
        length = length * 10 + (c - '0');
        if (length > maxFrame) {
          throw new FramingException("octet count over " + maxFrame + " bytes", digits.toByteArray());
        }
      }
      if (c != ' ') {
        if (c >= 0) {
          digits.write(c);
        }
        throw new FramingException("octet counting: MSG-LEN must be followed by a space", digits.toByteArray());
      }
      byte[] frame = in.readNBytes((int) length);
      if (frame.length < length) {
        throw new FramingException("the stream ended after " + frame.length + " of " + length + " octets", frame);
      }
      return frame;
    }
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(first);
    int c;
    while ((c = in.read()) >= 0 && c != '\n' && c != 0) {
      if (frame.size() >= maxFrame) {
        throw new FramingException("a line over " + maxFrame + " bytes", frame.toByteArray());
      }
      frame.write(c);
    }
    byte[] bytes = frame.toByteArray();
    if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
      return java.util.Arrays.copyOf(bytes, bytes.length - 1);
    }
    return bytes;
  }
}
