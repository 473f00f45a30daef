package org.itgc.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Verifies the audit trail of a database against the checkpoints published outside it: every sequence number
 * present once and in order, every sealed event present and unchanged (its hash recomputed from its content and the
 * previous hash), no event left outside the chain among sealed ones, every checkpoint's Ed25519 signature valid, and
 * the chain's hash at each checkpoint equal to the signed head hash (a truncated tail or a consistent rewrite without
 * the key is caught there). Reports the first bad sequence number and what is wrong.
 */
public final class AuditVerifier {

  /** The verdict. */
  public record Result(boolean ok, long eventsVerified, int checkpointsVerified, Long firstBadSequence, String problem) {
    static Result bad(long verified, int checkpoints, long seq, String problem) {
      return new Result(false, verified, checkpoints, seq, problem);
    }
  }

  private AuditVerifier() {}

  public static Result verify(DataSource database, Path checkpointFolder) throws IOException {
    var jdbc = new JdbcTemplate(database);
    Map<String, PublicKey> keys = new HashMap<>();
    TreeMap<Long, JsonNode> checkpoints = new TreeMap<>();
    var json = new ObjectMapper();
    if (Files.isDirectory(checkpointFolder)) {
      try (Stream<Path> files = Files.list(checkpointFolder)) {
        for (Path file : files.sorted().toList()) {
          String name = file.getFileName().toString();
          if (name.startsWith("public-key-") && name.endsWith(".pem")) {
            try {
              keys.put(name.substring("public-key-".length(), name.length() - 4), AuditSigningKey.readPublic(file));
            } catch (GeneralSecurityException e) {
              return new Result(false, 0, 0, null, "public key " + name + " cannot be read: " + e.getMessage());
            }
          } else if (name.startsWith("checkpoint-") && name.endsWith(".json")) {
            JsonNode checkpoint = json.readTree(file.toFile());
            checkpoints.put(checkpoint.get("seq").asLong(), checkpoint);
          }
        }
      }
    }
    // the chain, in order, with its events
    long[] expected = {1};
    String[] previous = {AuditChain.GENESIS};
    Map<Long, String> hashAt = new HashMap<>();
    String[] problem = {null};
    long[] badSeq = {0};
    long[] maxSealedEvent = {0};
    jdbc.query("select c.seq, c.event_id, c.prev_hash, c.hash, e.id as present, " + AuditChain.EVENT_COLUMNS
        + " from audit_chain c left join audit_event e on e.id = c.event_id order by c.seq", rs -> {
          if (problem[0] != null) {
            return;
          }
          long seq = rs.getLong("seq");
          if (seq != expected[0]) {
            badSeq[0] = expected[0];
            problem[0] = "sequence " + expected[0] + " is missing (the chain continues at " + seq + ")";
            return;
          }
          if (rs.getObject("present") == null) {
            badSeq[0] = seq;
            problem[0] = "the event of sequence " + seq + " (event " + rs.getLong("event_id") + ") is missing";
            return;
          }
          if (!previous[0].equals(rs.getString("prev_hash"))) {
            badSeq[0] = seq;
            problem[0] = "sequence " + seq + " does not link to the hash of sequence " + (seq - 1);
            return;
          }
          String recomputed = AuditChain.hash(previous[0], seq, AuditChain.canonical(rs));
          if (!recomputed.equals(rs.getString("hash"))) {
            badSeq[0] = seq;
            problem[0] = "the content of sequence " + seq + " (event " + rs.getLong("event_id")
                + ") does not match its hash: the event was changed or moved";
            return;
          }
          previous[0] = recomputed;
          hashAt.put(seq, recomputed);
          maxSealedEvent[0] = Math.max(maxSealedEvent[0], rs.getLong("event_id"));
          expected[0]++;
        });
    long verified = expected[0] - 1;
    if (problem[0] != null) {
      return Result.bad(verified, 0, badSeq[0], problem[0]);
    }
    var strays = jdbc.queryForList("select e.id from audit_event e where e.id < ? and not exists "
        + "(select 1 from audit_chain c where c.event_id = e.id) order by e.id limit 1", Long.class, maxSealedEvent[0]);
    if (!strays.isEmpty()) {
      return Result.bad(verified, 0, verified + 1, "event " + strays.get(0)
          + " is older than sealed events but not in the chain: it was inserted afterwards");
    }
    int checked = 0;
    for (var entry : checkpoints.entrySet()) {
      long seq = entry.getKey();
      JsonNode checkpoint = entry.getValue();
      PublicKey key = keys.get(checkpoint.get("keyId").asText());
      String text = AuditChain.checkpointText(seq, checkpoint.get("headHash").asText(), checkpoint.get("createdAt").asText());
      if (key == null || !AuditSigningKey.verify(key, text, checkpoint.get("signature").asText())) {
        return Result.bad(verified, checked, seq, "the signature of checkpoint " + seq + " is not valid");
      }
      if (seq > verified) {
        return Result.bad(verified, checked, verified + 1, "checkpoint " + seq + " is beyond the end of the chain ("
            + verified + "): events were removed from its tail");
      }
      if (!checkpoint.get("headHash").asText().equals(hashAt.get(seq))) {
        return Result.bad(verified, checked, seq, "the chain's hash at sequence " + seq
            + " differs from the signed checkpoint: the chain was rewritten");
      }
      checked++;
    }
    return new Result(true, verified, checked, null, null);
  }

  /**
   * Command line, for auditors and operators without the API: JDBC_URL USER PASSWORD CHECKPOINT_FOLDER. Prints the
   * verdict; exit code 0 when the trail verifies, 1 when it does not, 2 for wrong arguments.
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  public static int run(String[] args, java.io.PrintStream out) {
    if (args.length != 4) {
      out.println("usage: AuditVerifier JDBC_URL USER PASSWORD CHECKPOINT_FOLDER");
      return 2;
    }
    var database = new org.postgresql.ds.PGSimpleDataSource();
    database.setUrl(args[0]);
    database.setUser(args[1]);
    database.setPassword(args[2]);
    try {
      Result result = verify(database, Path.of(args[3]));
      out.println(result.ok() ? "AUDIT TRAIL VERIFIED: " + result.eventsVerified() + " events, "
          + result.checkpointsVerified() + " signed checkpoints"
          : "AUDIT TRAIL NOT VERIFIED at sequence " + result.firstBadSequence() + ": " + result.problem());
      return result.ok() ? 0 : 1;
    } catch (IOException | RuntimeException e) {
      out.println("AUDIT TRAIL NOT VERIFIED: " + e.getMessage());
      return 1;
    }
  }
}
