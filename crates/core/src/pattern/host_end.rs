//! RU-PATTERN-HOST-END: what may follow a pattern's literal host.
//!
//! Every string the rest of the pattern can match must be empty, start with `/`, or be `:` and digits
//! (a port) followed by nothing or by `/` and anything. Those are exactly the strings after which a
//! WHATWG parser still ends the host where the pattern's literal host ends, with no user info. The
//! check runs the rest of the pattern against that three-state machine (after the host / in the port /
//! past the first `/`): each node gets a table "from this state, the states it can end in", built once
//! per node, so the cost is linear in the pattern whatever its repetitions.

use super::shape::{Kinds, Node, COLON, DIGIT, OTHER, SLASH};

/// Right after the host.
pub(crate) const AFTER_HOST: usize = 0;
/// Inside `:digits`.
pub(crate) const IN_PORT: usize = 1;
/// Past the first `/`: anything may follow.
const IN_PATH: usize = 2;

/// A set of states, one bit each.
type States = u8;

/// Where the rest of a pattern can leave the URL's host: the 1-based position of the atom and the
/// state it was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Escape {
    pub pos: usize,
    pub state: usize,
}

type Table = [Result<States, Escape>; 3];

fn step(state: usize, kind: Kinds) -> Option<usize> {
    match (state, kind) {
        (IN_PATH, _) => Some(IN_PATH),
        (_, SLASH) => Some(IN_PATH),
        (AFTER_HOST, COLON) => Some(IN_PORT),
        (IN_PORT, DIGIT) => Some(IN_PORT),
        _ => None,
    }
}

fn identity() -> Table {
    [Ok(1 << 0), Ok(1 << 1), Ok(1 << 2)]
}

/// The states reachable from any of `from` through a node with table `t`.
fn apply(t: &Table, from: States) -> Result<States, Escape> {
    let mut out = 0;
    for (s, r) in t.iter().enumerate() {
        if from & (1 << s) != 0 {
            out |= (*r)?;
        }
    }
    Ok(out)
}

fn table(node: &Node) -> Table {
    match node {
        Node::Empty { .. } => identity(),
        Node::Char { kinds, pos, .. } => std::array::from_fn(|s| {
            let mut out = 0;
            for kind in [SLASH, COLON, DIGIT, OTHER] {
                if kinds & kind != 0 {
                    match step(s, kind) {
                        Some(t) => out |= 1 << t,
                        None => {
                            return Err(Escape {
                                pos: *pos,
                                state: s,
                            })
                        }
                    }
                }
            }
            Ok(out)
        }),
        Node::Concat(items) => items.iter().fold(identity(), |acc, item| {
            let t = table(item);
            acc.map(|r| r.and_then(|set| apply(&t, set)))
        }),
        Node::Alt(branches) => {
            let tables: Vec<Table> = branches.iter().map(table).collect();
            std::array::from_fn(|s| {
                tables
                    .iter()
                    .try_fold(0, |acc, t| t[s].map(|set| acc | set))
            })
        }
        Node::Repeat { sub, min, max, .. } => {
            let t = table(sub);
            std::array::from_fn(|s| repeat(&t, 1 << s, *min, *max))
        }
    }
}

/// The states after `min..=max` passes through a node, from `start`. The sequence of state sets is
/// deterministic over at most 8 values, so it cycles within 8 passes; counts beyond are read off the
/// cycle. An escape counts only on a pass that can happen (at most `max`).
fn repeat(t: &Table, start: States, min: u32, max: Option<u32>) -> Result<States, Escape> {
    let max = max.map_or(u64::MAX, u64::from);
    let min = u64::from(min);
    let mut seq: Vec<States> = vec![start];
    let cycle_start = loop {
        let k = seq.len() as u64;
        if k > max {
            // Every pass that can happen has been taken.
            return Ok(seq[min as usize..].iter().fold(0, |a, s| a | s));
        }
        let next = apply(t, *seq.last().unwrap_or(&start))?;
        if let Some(j) = seq.iter().position(|&s| s == next) {
            break j;
        }
        seq.push(next);
    };
    // seq[k] for k >= cycle_start repeats with this period.
    let period = (seq.len() - cycle_start) as u64;
    let at = |k: u64| -> States {
        if k < seq.len() as u64 {
            seq[k as usize]
        } else {
            seq[cycle_start + ((k - cycle_start as u64) % period) as usize]
        }
    };
    let hi = max.min(min.saturating_add(seq.len() as u64 + period));
    Ok((min..=hi).fold(0, |a, k| a | at(k)))
}

/// Checks the nodes after the host; `Err` names the first atom that can leave it.
pub(crate) fn check(tail: &[Node]) -> Result<(), Escape> {
    let t = table(&Node::Concat(tail.to_vec()));
    t[AFTER_HOST].map(|_| ())
}
