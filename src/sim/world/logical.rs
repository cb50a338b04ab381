//! Logical clocks kept by the simulator around the protocol: a send, a
//! receipt and a timer firing tick their node; a message carries its
//! sender's clocks.

use super::*;

/// Every node's Lamport clock and, optionally, vector clock, kept by the
/// simulator around the protocol: a send, a receipt and a timer firing are
/// each an event of its node; a message carries its sender's clocks.
#[derive(Clone, Debug)]
pub(super) struct Logical {
    pub(super) lamport: Vec<u64>,
    pub(super) vector: Option<Vec<Vec<u32>>>,
}

impl<P: Protocol> Sim<P> {
    /// Keeps Lamport clocks (and vector clocks, with `vector`) from now on,
    /// stamping sends, receipts and timer firings in the trace. Vector clocks
    /// cost O(n) per message.
    pub fn keep_logical_clocks(&mut self, vector: bool) {
        let n = self.nodes.len();
        self.logical = Some(Logical {
            lamport: vec![0; n],
            vector: vector.then(|| vec![vec![0; n]; n]),
        });
    }

    /// Node `i`'s logical clocks now, if kept: Lamport, and the vector.
    pub fn logical_clock(&self, i: u32) -> Option<(u64, Option<&[u32]>)> {
        let l = self.logical.as_ref()?;
        Some((
            *l.lamport.get(i as usize)?,
            l.vector.as_ref().map(|v| v[i as usize].as_slice()),
        ))
    }

    /// A local event at node `i` (a send, a timer firing): its clocks tick.
    pub(super) fn tick(&mut self, i: u32) -> Option<Stamp> {
        let l = self.logical.as_mut()?;
        let i = i as usize;
        l.lamport[i] += 1;
        let vector = l.vector.as_mut().map(|v| {
            v[i][i] += 1;
            std::rc::Rc::from(v[i].as_slice())
        });
        Some(Stamp {
            lamport: l.lamport[i],
            vector,
        })
    }

    /// Node `i` receives a message stamped `m`: max, then tick.
    pub(super) fn merge(&mut self, i: u32, m: Option<&Stamp>) -> Option<Stamp> {
        let l = self.logical.as_mut()?;
        let i = i as usize;
        if let Some(m) = m {
            l.lamport[i] = l.lamport[i].max(m.lamport);
            if let (Some(v), Some(mv)) = (l.vector.as_mut(), m.vector.as_ref()) {
                for (a, b) in v[i].iter_mut().zip(mv.iter()) {
                    *a = (*a).max(*b);
                }
            }
        }
        self.tick(i as u32)
    }
}
