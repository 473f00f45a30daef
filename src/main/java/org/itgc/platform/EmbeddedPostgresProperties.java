package org.itgc.platform;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The embedded PostgreSQL of the zero-setup run and of the tests.
 *
 * @param enabled start an embedded PostgreSQL and use it as the data source (demo and tests); production leaves
 *     this off and sets {@code spring.datasource.*}
 * @param dataDirectory where the database files live; kept across restarts unless {@code clean} is set
 * @param port the port to listen on on localhost; 0 picks a free one
 * @param durable fsync, synchronous commit and full page writes on (governance evidence); tests may turn it off
 * @param clean wipe the data directory at start (tests only)
 */
@ConfigurationProperties("itgc.embedded-postgres")
public record EmbeddedPostgresProperties(boolean enabled, Path dataDirectory, int port, boolean durable, boolean clean) {}
