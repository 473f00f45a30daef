package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * {@link LogMapper#value} reads the same nodes now that it splits each path once as it did splitting it per record,
 * odd paths included (empty names, leading, trailing and doubled dots, a lone dot, constants), asked twice so that the
 * second answer comes from the split kept.
 */
class LogMapperPathsTest {

  private static final String[] PATHS = {"a", "a.b", "a.b.c", "a.b.c.d", "a..b", ".a", "a.", "a.b.", "..", ".", "",
      "x", "a.x", "a.b.x.y", "arr", "arr.0", "n", "nul", "nul.x", "=const", "=", "=a.b", "é.ü", "", "sp ace", "a.b.c."};

  @Test
  void sameNodesAsSplittingEachTime() throws Exception {
    JsonNode document = new ObjectMapper().readTree("""
        {"a": {"b": {"c": "deep", "": "empty-in-c"}, "": {"b": "via-empty"}, "x": null},
         "": {"a": "lead"}, "arr": [1, 2], "n": 5, "nul": null, "é": {"ü": true}, "sp ace": "s"}""");
    for (int round = 0; round < 2; round++) {
      for (String path : PATHS) {
        assertThat(LogMapper.value(document, path)).as("%s (round %d)", path, round).isEqualTo(former(document, path));
      }
      assertThat(LogMapper.value(document, null)).isNull();
    }
    assertThat(LogMapper.value(document, "a..b").asText()).isEqualTo("via-empty");
    assertThat(LogMapper.value(document, ".a").asText()).isEqualTo("lead");
    assertThat(LogMapper.value(document, ".")).isEqualTo(document);
  }

  /** LogMapper.value as it was written before (commit 359003f). */
  private static JsonNode former(JsonNode document, String path) {
    if (path.startsWith("=")) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(path.substring(1));
    }
    JsonNode node = document;
    for (String name : path.split("\\.")) {
      node = node == null ? null : node.get(name);
    }
    return node == null || node.isNull() || node.isMissingNode() ? null : node;
  }
}
