package org.itgc.logs;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.itgc.platform.Hashes;

/**
 * Merkle trees in the manner of RFC 6962 (section 2.1) and RFC 9162 (section 2.1.3): a leaf's hash is
 * {@code SHA-256(0x00 || leaf bytes)}, an inner node's {@code SHA-256(0x01 || left || right)}; a tree of n leaves
 * splits at the largest power of two smaller than n. An inclusion proof (audit path) is the list of sibling hashes
 * from the leaf up, and is checked with RFC 9162's algorithm, which also checks the leaf index against the tree size.
 */
public final class Merkle {

  /**
   * A SHA-256 digest per thread, reused: {@code MessageDigest.getInstance} is a provider lookup and a new engine, and
   * sealing asks for one per leaf and per inner node (about two per record). It is reset when taken, so that a hash
   * that failed half way (a null argument) leaves nothing behind for the next one.
   */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Hashes::sha256Digest);

  private Merkle() {}

  private static MessageDigest sha256() {
    MessageDigest digest = SHA256.get();
    digest.reset();
    return digest;
  }

  public static byte[] leafHash(byte[] leaf) {
    MessageDigest digest = sha256();
    digest.update((byte) 0x00);
    return digest.digest(leaf);
  }

  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest digest = sha256();
    digest.update((byte) 0x01);
    digest.update(left);
    return digest.digest(right);
  }

  /** Leaf hashes stored one after another (32 bytes each, {@code count} of them), as a list. */
  public static List<byte[]> split(byte[] packed, int count) {
    if (packed.length != 32 * count) {
      throw new IllegalArgumentException(packed.length + " bytes are not " + count + " hashes");
    }
    List<byte[]> hashes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      hashes.add(java.util.Arrays.copyOfRange(packed, 32 * i, 32 * i + 32));
    }
    return hashes;
  }

  /** The root of the leaf hashes {@code leaves} (at least one). */
  public static byte[] root(List<byte[]> leaves) {
    if (leaves.isEmpty()) {
      throw new IllegalArgumentException("a tree has at least one leaf");
    }
    return root(leaves, 0, leaves.size());
  }

  private static byte[] root(List<byte[]> leaves, int from, int to) {
    int n = to - from;
    if (n == 1) {
      return leaves.get(from);
    }
    int k = split(n);
    return nodeHash(root(leaves, from, from + k), root(leaves, from + k, to));
  }

  /** The audit path of leaf {@code index} in the tree of the leaf hashes {@code leaves}, from the leaf up. */
  public static List<byte[]> path(List<byte[]> leaves, int index) {
    if (index < 0 || index >= leaves.size()) {
      throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + leaves.size());
    }
    List<byte[]> path = new ArrayList<>();
    path(leaves, index, 0, leaves.size(), path);
    return path;
  }

  private static void path(List<byte[]> leaves, int index, int from, int to, List<byte[]> path) {
    int n = to - from;
    if (n == 1) {
      return;
    }
    int k = split(n);
    if (index - from < k) {
      path(leaves, index, from, from + k, path);
      path.add(root(leaves, from + k, to));
    } else {
      path(leaves, index, from + k, to, path);
      path.add(root(leaves, from, from + k));
    }
  }

  /**
   * Every node hash of the tree of the leaf hashes {@code leaves}, 32 bytes each, in pre-order: a node, then its left
   * subtree, then its right (2n - 1 nodes; the root first). Stored with a sealed batch, so that an audit path is read
   * in O(log n) instead of recomputed from all n leaves; a path read from it proves nothing by itself, it is checked
   * against the root like any other.
   */
  public static byte[] tree(List<byte[]> leaves) {
    if (leaves.isEmpty()) {
      throw new IllegalArgumentException("a tree has at least one leaf");
    }
    byte[] nodes = new byte[32 * (2 * leaves.size() - 1)];
    fill(leaves, 0, leaves.size(), nodes, 0);
    return nodes;
  }

  private static byte[] fill(List<byte[]> leaves, int from, int to, byte[] nodes, int node) {
    int n = to - from;
    byte[] hash;
    if (n == 1) {
      hash = leaves.get(from);
    } else {
      int k = split(n);
      hash = nodeHash(fill(leaves, from, from + k, nodes, node + 1), fill(leaves, from + k, to, nodes, node + 2 * k));
    }
    System.arraycopy(hash, 0, nodes, 32 * node, 32);
    return hash;
  }

  /** The root of a tree stored by {@link #tree}. */
  public static byte[] treeRoot(byte[] nodes) {
    return java.util.Arrays.copyOfRange(nodes, 0, 32);
  }

  /** The audit path of leaf {@code index}, from the leaf up, read from a tree of {@code size} leaves stored by {@link #tree}. */
  public static List<byte[]> path(byte[] nodes, int size, int index) {
    if (index < 0 || index >= size || nodes.length != 32 * (2 * size - 1)) {
      throw new IllegalArgumentException("leaf " + index + " is not in a stored tree of " + size);
    }
    int[] onPath = pathNodes(size, index);
    List<byte[]> path = new ArrayList<>();
    for (int i = 0; i < onPath.length - 1; i++) {
      path.add(node(nodes, onPath[i]));
    }
    return path;
  }

  /** Node {@code node} (its number in pre-order) of a tree stored by {@link #tree}. */
  public static byte[] node(byte[] nodes, int node) {
    return java.util.Arrays.copyOfRange(nodes, 32 * node, 32 * node + 32);
  }

  /**
   * The numbers, in the pre-order of {@link #tree}, of the nodes on the audit path of leaf {@code index} in a tree of
   * {@code size} leaves, from the leaf up; the last element of the answer is the leaf's own node.
   */
  public static int[] pathNodes(int size, int index) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size);
    }
    int[] found = new int[65];
    int depth = 0;
    int node = 0;
    int from = 0;
    int n = size;
    while (n > 1) {
      int k = split(n);
      if (index - from < k) {
        found[depth++] = node + 2 * k;
        node = node + 1;
        n = k;
      } else {
        found[depth++] = node + 1;
        node = node + 2 * k;
        from += k;
        n -= k;
      }
    }
    int[] answer = new int[depth + 1];
    for (int i = 0; i < depth; i++) {
      answer[i] = found[depth - 1 - i];
    }
    answer[depth] = node;
    return answer;
  }

  /**
   * The root that a leaf hash and its audit path lead to (RFC 9162 section 2.1.3.2), or null when the path cannot be
   * one of leaf {@code index} in a tree of {@code size} leaves.
   */
  public static byte[] rootFromPath(byte[] leafHash, long index, long size, List<byte[]> path) {
    if (index < 0 || index >= size) {
      return null;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : path) {
      if (sn == 0) {
        return null;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 ? r : null;
  }

  /** Whether leaf hash, index, size and path lead to {@code root}. */
  public static boolean verify(byte[] leafHash, long index, long size, List<byte[]> path, byte[] root) {
    byte[] computed = rootFromPath(leafHash, index, size, path);
    return computed != null && MessageDigest.isEqual(computed, root);
  }

  private static int split(int n) {
    return Integer.highestOneBit(n - 1);
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static byte[] unhex(String hex) {
    return HexFormat.of().parseHex(hex);
  }
}
