package org.itgc.certification;

import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.springframework.stereotype.Component;

/** The bean that {@code access-certification.bpmn} calls as {@code ${certificationProcess.<step>(...)}}. */
@Component("certificationProcess")
public class CertificationProcessGlue {

  private final Campaigns campaigns;

  CertificationProcessGlue(Campaigns campaigns) {
    this.campaigns = campaigns;
  }

  public void register(DelegateExecution execution) {
    campaigns.register(execution);
  }

  public void launch(DelegateExecution execution) {
    campaigns.launch(execution);
  }

  public List<String> reviewers(DelegateExecution execution) {
    return campaigns.reviewers(execution);
  }

  public void reviewDone(DelegateTask task) {
    campaigns.reviewDone(task);
  }

  public void remind(DelegateExecution execution) {
    campaigns.remind(execution);
  }

  public void escalate(DelegateExecution execution) {
    campaigns.escalate(execution);
  }

  public void applyNonResponse(DelegateExecution execution) {
    campaigns.applyNonResponse(execution);
  }

  public boolean revocationsRemoved(DelegateExecution execution) {
    return campaigns.revocationsRemoved(execution);
  }

  public void close(DelegateExecution execution) {
    campaigns.close(execution);
  }
}
