package org.itgc.logs;

import java.time.Instant;
import java.util.Map;

/**
 * A syslog message of RFC 5424 as parsed; a NILVALUE ({@code -}) field is null. {@code structuredData} is by SD-ID,
 * each element's parameters by name in their order (a parameter named twice keeps its first value).
 */
public record SyslogMessage(int facility, int severity, int version, Instant timestamp, String hostname,
    String appName, String procId, String msgId, Map<String, Map<String, String>> structuredData, String msg) {}
