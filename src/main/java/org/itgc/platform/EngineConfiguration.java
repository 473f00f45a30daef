package org.itgc.platform;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.spring.SpringProcessEngineConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** Engine settings that the starter's properties do not cover, kept in one place. */
@Configuration(proxyBeanMethods = false)
public class EngineConfiguration {

  /** The one clock that business logic reads: the engine's, so that timers and business logic agree. */
  @Bean
  @org.springframework.context.annotation.Primary
  Clock clock() {
    return new EngineClock();
  }

  /**
   * The audit trail's clock: the system's real time, never the engine's. Tests move the engine's clock to run at other
   * dates; the trail records when things really happened, and its monthly partitions follow the database server's
   * time, which no application setting moves.
   */
  @Bean
  Clock auditTrailClock() {
    return Clock.systemUTC();
  }

  /**
   * Errors of Camunda's REST API and of the webapps' own API as problem+json (see
   * {@link org.itgc.platform.web.EngineRestProblems}); outside the surface guard (110), so that its answers pass and
   * the engine's are rewritten.
   */
  @Bean
  org.springframework.boot.web.servlet.FilterRegistrationBean<org.itgc.platform.web.EngineRestProblems> engineRestProblems(
      com.fasterxml.jackson.databind.ObjectMapper json) {
    var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(
        new org.itgc.platform.web.EngineRestProblems(json));
    registration.addUrlPatterns("/engine-rest/*", "/camunda/api/*");
    registration.setName("itgc-engine-rest-problems");
    registration.setOrder(105);
    return registration;
  }

  @Bean
  @Order(0)
  AbstractProcessEnginePlugin itgcEnginePlugin() {
    return new AbstractProcessEnginePlugin() {
      @Override
      public void preInit(ProcessEngineConfigurationImpl configuration) {
        // (the audit trail adds its history handler and command interceptor with a plugin of its own)
        // deploy only the model files that changed, so that unchanged models keep their version
        if (configuration instanceof SpringProcessEngineConfiguration spring) {
          spring.setDeployChangedOnly(true);
        }
        // members of engine-admin (mirrored into camunda-admin for the webapps) are Camunda administrators; nobody else is
        List<String> adminGroups = new ArrayList<>();
        adminGroups.add(Role.ENGINE_ADMIN.groupId());
        adminGroups.add(org.camunda.bpm.engine.authorization.Groups.CAMUNDA_ADMIN);
        configuration.setAdminGroups(adminGroups);
        configuration.setAuthorizationEnabled(true);
        // history can be granted per instance: a requester reads their own requests' history, not everyone's
        configuration.setEnableHistoricInstancePermissions(true);
        // user names such as maria.lopez and role ids such as line-manager (Camunda's default allows letters and digits)
        configuration.setUserResourceWhitelistPattern("[a-zA-Z0-9][a-zA-Z0-9._-]*");
        configuration.setGroupResourceWhitelistPattern("[a-z][a-z0-9-]*");
        // refusals by the application's rules, remembered per thread for the HTTP layer (see RefusalCapture)
        List<org.camunda.bpm.engine.impl.interceptor.CommandInterceptor> pre = new ArrayList<>();
        if (configuration.getCustomPreCommandInterceptorsTxRequired() != null) {
          pre.addAll(configuration.getCustomPreCommandInterceptorsTxRequired());
        }
        pre.add(new RefusalCapture());
        configuration.setCustomPreCommandInterceptorsTxRequired(pre);
        // the user operation log records who did what even outside an authenticated webapp session
        configuration.setRestrictUserOperationLogToAuthenticatedUsers(false);
      }
    };
  }
}
