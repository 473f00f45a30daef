package org.itgc.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every {@link FitsColumn} of the code names a column of the migrated schema, and its limit holds: the column's own
 * length, or the field's stated max for a column without one, never more than the column takes.
 */
@IntegrationTest
class ColumnLimitsIT {

  @Autowired JdbcTemplate jdbc;

  @Test
  void everyFieldThatMustFitAColumnNamesAnExistingColumnAndALimitWithinIt() throws Exception {
    var scanner = new ClassPathScanningCandidateComponentProvider(false) {
      @Override
      protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
        return true;
      }
    };
    scanner.addIncludeFilter((reader, factory) -> true);
    List<String> checked = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (var candidate : scanner.findCandidateComponents("org.itgc")) {
      Class<?> type = Class.forName(candidate.getBeanClassName());
      for (var field : type.getDeclaredFields()) {
        FitsColumn fits = field.getAnnotation(FitsColumn.class);
        if (fits == null) {
          continue;
        }
        String[] parts = fits.value().split("\\.");
        Integer columns = jdbc.queryForObject("""
            select count(*) from information_schema.columns
            where table_schema = current_schema() and table_name = ? and column_name = ?
            """, Integer.class, parts[0], parts.length > 1 ? parts[1] : "");
        String where = type.getSimpleName() + "." + field.getName() + " -> " + fits.value();
        if (columns == null || columns != 1) {
          problems.add(where + ": no such column");
          continue;
        }
        try {
          checked.add(where + " (" + ColumnLimits.limit(fits.value(), fits.max()) + ")");
        } catch (IllegalStateException e) {
          problems.add(where + ": " + e.getMessage());
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(checked).as("the request fields that are stored").hasSizeGreaterThan(10)
        .anyMatch(c -> c.startsWith("BackupRegistration.checksum -> continuity_backup.checksum (128)"));
  }
}
