//! A tree made of two: the language server re-parses only the declarations around an
//! edit (see [`reparse`](super::reparse)) and puts their tree in place of the old ones.

use super::{Leaf, Node, NodeKind, SyntaxTree};

impl SyntaxTree {
    /// The tree of `text`: this tree's elements before `at`, then those of `part`
    /// before `part_len` (moved by `at`), then this tree's from `old_end` on (moved by
    /// what the text gained). None unless `at` and `old_end` are boundaries between
    /// top-level elements of this tree and `part_len` one of `part`, and the lengths
    /// add up to `text`'s.
    pub fn splice(
        &self,
        text: String,
        at: usize,
        old_end: usize,
        part: &SyntaxTree,
        part_len: usize,
    ) -> Option<SyntaxTree> {
        let old_len = self.text.len();
        if at > old_end || old_end > old_len || part_len > part.text.len() {
            return None;
        }
        if text.len() != old_len - (old_end - at) + part_len {
            return None;
        }
        if !self.top_level_boundary(at)
            || !self.top_level_boundary(old_end)
            || !part.top_level_boundary(part_len)
        {
            return None;
        }
        let leaf_at = |t: &SyntaxTree, pos: usize| t.leaves.partition_point(|l| l.start < pos);
        let node_at =
            |t: &SyntaxTree, pos: usize| 1 + t.nodes[1..].partition_point(|n| n.start < pos);
        let (i0, i1, p1) = (
            leaf_at(self, at),
            leaf_at(self, old_end),
            leaf_at(part, part_len),
        );
        let (j0, j1, q1) = (
            node_at(self, at),
            node_at(self, old_end),
            node_at(part, part_len),
        );
        let moved = |l: &Leaf, by: isize| Leaf {
            kind: l.kind,
            start: l.start.wrapping_add_signed(by),
            end: l.end.wrapping_add_signed(by),
        };
        let by = at as isize + part_len as isize - old_end as isize;
        let mut leaves = Vec::with_capacity(i0 + p1 + self.leaves.len() - i1);
        leaves.extend_from_slice(&self.leaves[..i0]);
        leaves.extend(part.leaves[..p1].iter().map(|l| moved(l, at as isize)));
        leaves.extend(self.leaves[i1..].iter().map(|l| moved(l, by)));

        // Node indexes and leaf indexes of each piece move by what comes before it.
        let node = |n: &Node, pos: isize, index: isize, leaf: isize| Node {
            kind: n.kind,
            start: n.start.wrapping_add_signed(pos),
            end: n.end.wrapping_add_signed(pos),
            rule_end: n.rule_end.wrapping_add_signed(pos),
            first: (n.first as isize + leaf) as u32,
            last: (n.last as isize + leaf) as u32,
            after: (n.after as isize + index) as u32,
        };
        let count = j0 + (q1 - 1) + (self.nodes.len() - j1);
        let mut nodes = Vec::with_capacity(count);
        nodes.push(Node {
            kind: NodeKind::Root,
            start: 0,
            end: text.len(),
            rule_end: text.len(),
            first: 0,
            last: leaves.len() as u32,
            after: count as u32,
        });
        nodes.extend_from_slice(&self.nodes[1..j0]);
        let part_index = j0 as isize - 1;
        nodes.extend(
            part.nodes[1..q1]
                .iter()
                .map(|n| node(n, at as isize, part_index, i0 as isize)),
        );
        let tail_index = (j0 + q1 - 1) as isize - j1 as isize;
        let tail_leaf = (i0 + p1) as isize - i1 as isize;
        nodes.extend(
            self.nodes[j1..]
                .iter()
                .map(|n| node(n, by, tail_index, tail_leaf)),
        );
        Some(SyntaxTree {
            text,
            leaves,
            nodes,
        })
    }

    /// Whether `pos` is the start of a token (or the end of the text) and inside no
    /// top-level node.
    fn top_level_boundary(&self, pos: usize) -> bool {
        let k = self.leaves.partition_point(|l| l.start < pos);
        let at_leaf = match self.leaves.get(k) {
            Some(l) => l.start == pos,
            None => pos == self.text.len(),
        };
        if !at_leaf {
            return false;
        }
        // Top-level nodes are in order; `after` skips each one's subtree.
        let mut i = 1;
        while let Some(n) = self.nodes.get(i) {
            if n.start >= pos {
                break;
            }
            if n.end > pos {
                return false;
            }
            i = n.after as usize;
        }
        true
    }
}
