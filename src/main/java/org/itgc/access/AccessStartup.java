package org.itgc.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.itgc.platform.config.ConfigFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * At start-up: the service accounts of {@code config/access.yaml} become identities, every configured connector must
 * exist, and, when {@code itgc.access.load-samples} is on (the demo profile), the sample HR file
 * ({@code config/hr-identities.csv}) and baseline grants ({@code config/access-baseline.csv}) are imported. Both
 * imports are idempotent: a restart changes nothing.
 */
@Component
@Order(10)
class AccessStartup implements ApplicationRunner {

  static final String HR_SAMPLE = "hr-identities.csv";
  static final String BASELINE_SAMPLE = "access-baseline.csv";
  private static final Logger log = LoggerFactory.getLogger(AccessStartup.class);

  private final AccessCatalogue catalogue;
  private final Provisioning provisioning;
  private final Identities identities;
  private final AccessRegistry registry;
  private final HrImports hrImports;
  private final ConfigFiles configFiles;
  private final boolean loadSamples;
  private final ServiceAccountOwners owners;

  AccessStartup(AccessCatalogue catalogue, Provisioning provisioning, Identities identities, AccessRegistry registry,
      HrImports hrImports, ConfigFiles configFiles, @Value("${itgc.access.load-samples:false}") boolean loadSamples,
      ServiceAccountOwners owners) {
    this.owners = owners;
    this.catalogue = catalogue;
    this.provisioning = provisioning;
    this.identities = identities;
    this.registry = registry;
    this.hrImports = hrImports;
    this.configFiles = configFiles;
    this.loadSamples = loadSamples;
  }

  @Override
  public void run(ApplicationArguments args) throws IOException {
    for (String systemId : catalogue.systemIds()) {
      catalogue.connectorOf(systemId).filter(id -> !provisioning.exists(id)).ifPresent(id -> {
        throw new IllegalStateException("config/" + AccessCatalogue.FILE + ": system " + systemId
            + " names provisioning connector '" + id + "', which does not exist");
      });
    }
    identities.storeServiceAccounts(catalogue.serviceAccounts(), owners::ownerOf);
    if (loadSamples) {
      Path hr = configFiles.resolve(HR_SAMPLE);
      var people = hrImports.start(Files.readString(hr), "sample-data", false);
      Path baseline = configFiles.resolve(BASELINE_SAMPLE);
      var grants = registry.importBaseline(Files.readString(baseline), "sample-data");
      log.info("Access samples: {} identities ({} new, {} rejected rows), {} baseline grants ({} new, {} rejected rows)",
          people.rows(), people.created(), people.errors().size(), grants.rows(), grants.loaded(), grants.errors().size());
      if (!people.errors().isEmpty() || !grants.errors().isEmpty()) {
        log.warn("Sample rows rejected: {} {}", people.errors(), grants.errors());
      }
    }
  }
}
