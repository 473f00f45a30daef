package org.itgc.integrity;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.itgc.audit.AuditRecorder;
import org.itgc.change.ChangeService;
import org.itgc.notify.Notifier;
import org.itgc.security.UserAccounts;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The guard of the engine's surfaces, on both REST APIs, after the logins have been handed to Camunda. */
@Configuration(proxyBeanMethods = false)
class IntegrityConfiguration {

  @Bean
  FilterRegistrationBean<EngineSurfaceGuard> engineSurfaceGuard(FormFields forms, ModelChanges models, AuditRecorder audit,
      ChangeService changes, Notifier notifier, UserAccounts users, TaskService tasks, IdentityService identity,
      ObjectMapper json, org.camunda.bpm.engine.ProcessEngine engine) {
    var registration = new FilterRegistrationBean<>(
        new EngineSurfaceGuard(forms, models, audit, changes, notifier, users, tasks, identity, json, engine.getName()));
    registration.addUrlPatterns("/engine-rest/*", "/camunda/api/engine/*");
    registration.setName("itgc-engine-surface-guard");
    // after the Spring login (Spring Security's chain) and Camunda's authentication filters (101, 102)
    registration.setOrder(110);
    return registration;
  }
}
