package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Merkle trees of the log batches against the test vectors of Certificate Transparency's reference
 * implementation (RFC 6962 trees of the leaves "", 00, 10, 2021, 3031, 40414243, 50..57, 60..6f), and every audit
 * path of every tree size up to 40 proving exactly its own leaf. (The tree's size is bound by the root: the audit event
 * that carries a batch's root carries its leaf count too, and the queries check both.)
 */
class MerkleTest {

  private static final byte[][] LEAVES = {hex(""), hex("00"), hex("10"), hex("2021"), hex("3031"), hex("40414243"),
      hex("5051525354555657"), hex("606162636465666768696a6b6c6d6e6f")};
  private static final String[] ROOTS = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

  @Test
  void rootsMatchTheReferenceVectors() {
    for (int n = 1; n <= LEAVES.length; n++) {
      List<byte[]> leaves = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        leaves.add(Merkle.leafHash(LEAVES[i]));
      }
      assertThat(Merkle.hex(Merkle.root(leaves))).as("tree of %d leaves", n).isEqualTo(ROOTS[n - 1]);
    }
  }

  @Test
  void everyPathProvesItsLeafAndNoOther() {
    for (int n = 1; n <= 40; n++) {
      List<byte[]> leaves = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        leaves.add(Merkle.leafHash(("record " + i).getBytes()));
      }
      byte[] root = Merkle.root(leaves);
      for (int i = 0; i < n; i++) {
        List<byte[]> path = Merkle.path(leaves, i);
        assertThat(Merkle.verify(leaves.get(i), i, n, path, root)).as("leaf %d of %d", i, n).isTrue();
        assertThat(Merkle.verify(Merkle.leafHash("changed".getBytes()), i, n, path, root)).isFalse();
        if (n > 1) {
          int other = (i + 1) % n;
          assertThat(Merkle.verify(leaves.get(other), i, n, path, root)).as("leaf %d at %d of %d", other, i, n)
              .isFalse();
          assertThat(Merkle.verify(leaves.get(i), other, n, path, root)).isFalse();
        }
        assertThat(Merkle.verify(leaves.get(i), n, n, path, root)).isFalse();
      }
    }
  }

  @Test
  void aStoredTreeGivesTheSameRootAndPathsAsTheLeaves() {
    for (int n : new int[] {1, 2, 3, 5, 7, 8, 9, 31, 33, 100, 1000}) {
      List<byte[]> leaves = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        leaves.add(Merkle.leafHash(("record " + i).getBytes()));
      }
      byte[] tree = Merkle.tree(leaves);
      assertThat(tree).hasSize(32 * (2 * n - 1));
      assertThat(Merkle.treeRoot(tree)).isEqualTo(Merkle.root(leaves));
      for (int i = 0; i < n; i++) {
        List<byte[]> fromTree = Merkle.path(tree, n, i);
        List<byte[]> fromLeaves = Merkle.path(leaves, i);
        assertThat(fromTree).as("leaf %d of %d", i, n).hasSameSizeAs(fromLeaves);
        for (int p = 0; p < fromTree.size(); p++) {
          assertThat(fromTree.get(p)).as("leaf %d of %d, step %d", i, n, p).isEqualTo(fromLeaves.get(p));
        }
        int[] nodes = Merkle.pathNodes(n, i);
        assertThat(Merkle.node(tree, nodes[nodes.length - 1])).as("leaf node of %d of %d", i, n)
            .isEqualTo(leaves.get(i));
      }
    }
    {
      // a tree of the wrong size for its leaf count is refused, not read past its end
      byte[] three = Merkle.tree(List.of(Merkle.leafHash(new byte[1]), Merkle.leafHash(new byte[2]),
          Merkle.leafHash(new byte[3])));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Merkle.path(three, 4, 0))
          .isInstanceOf(IllegalArgumentException.class);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Merkle.path(three, 3, 3))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void leafAndNodeHashesAreDomainSeparated() {
    byte[] a = Merkle.leafHash("a".getBytes());
    byte[] b = Merkle.leafHash("b".getBytes());
    byte[] concatenated = new byte[64];
    System.arraycopy(a, 0, concatenated, 0, 32);
    System.arraycopy(b, 0, concatenated, 32, 32);
    // a leaf whose bytes are two hashes is not the node over them
    assertThat(Merkle.leafHash(concatenated)).isNotEqualTo(Merkle.nodeHash(a, b));
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }
}
