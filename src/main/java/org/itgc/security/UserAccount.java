package org.itgc.security;

import org.itgc.platform.Role;
import java.time.Instant;
import java.util.Set;

/** An engine user as the API shows it (never with the password hash). */
public record UserAccount(String username, String displayName, String email, boolean enabled, Set<Role> roles,
    Instant createdAt, String createdBy) {}
