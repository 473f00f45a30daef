package org.itgc.security;

import java.util.List;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;

/** Login reads users from {@link UserAccounts}; authorities are the role group ids. */
@Service
class EngineUserDetailsService implements UserDetailsService {

  private final UserAccounts accounts;
  private final Mfa mfa;

  EngineUserDetailsService(UserAccounts accounts, Mfa mfa) {
    this.accounts = accounts;
    this.mfa = mfa;
  }

  @Override
  public UserDetails loadUserByUsername(String username) {
    var credentials = accounts.credentials(username)
        .orElseThrow(() -> new UsernameNotFoundException("unknown user"));
    List<SimpleGrantedAuthority> authorities = credentials.roles().stream()
        .map(role -> new SimpleGrantedAuthority(role.groupId())).toList();
    return User.withUsername(credentials.username())
        .password(credentials.passwordHash() == null ? "{noop}" + java.util.UUID.randomUUID() : credentials.passwordHash())
        .disabled(!credentials.enabled())
        .accountLocked(mfa.locked(credentials.username()))
        .authorities(authorities)
        .build();
  }
}
