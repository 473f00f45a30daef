package org.itgc.platform.web;

/**
 * Published when an API request is refused for the caller's roles (403), for the audit trail to record; the web layer
 * knows nothing of how refusals are kept.
 */
public record AccessRefused(String path, String reason) {}
