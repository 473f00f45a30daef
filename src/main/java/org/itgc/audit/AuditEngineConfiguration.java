package org.itgc.audit;

import java.util.ArrayList;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** What the audit trail adds to the process engine: its history handler and its command interceptor. */
@Configuration(proxyBeanMethods = false)
class AuditEngineConfiguration {

  @Bean
  @Order(1)
  AbstractProcessEnginePlugin auditEnginePlugin(AuditRecorder audit) {
    return new AbstractProcessEnginePlugin() {
      @Override
      public void preInit(ProcessEngineConfigurationImpl configuration) {
        // every user operation and every value a user submits also goes to the audit trail (the engine's own
        // history handler keeps writing Camunda's history tables)
        var handlers = new ArrayList<HistoryEventHandler>();
        if (configuration.getCustomHistoryEventHandlers() != null) {
          handlers.addAll(configuration.getCustomHistoryEventHandlers());
        }
        handlers.add(new EngineOperationsAudit(audit));
        configuration.setCustomHistoryEventHandlers(handlers);
        // comments and deployments in detail, inside the command's transaction (after the command context)
        var post = new ArrayList<CommandInterceptor>();
        if (configuration.getCustomPostCommandInterceptorsTxRequired() != null) {
          post.addAll(configuration.getCustomPostCommandInterceptorsTxRequired());
        }
        post.add(new EngineCommandsAudit(audit));
        configuration.setCustomPostCommandInterceptorsTxRequired(post);
      }
    };
  }
}
