package org.itgc;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** ITGC Engine: SOX 404 IT general controls on Camunda 7. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ItgcEngineApplication {

  public static void main(String[] args) {
    SpringApplication.run(ItgcEngineApplication.class, args);
  }
}
