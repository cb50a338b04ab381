//! The service, measured: what a student reads off the charts.
//!
//! [`KvMetrics`] is an observer fed by the clients' and servers' notes, in
//! true simulated time (which no node can read): it keeps one-second
//! windows of throughput, latency percentiles and availability, the number
//! in system at every server (integrated over time, for Little's law),
//! crashes and failovers to mark on the charts, and stale reads: a read
//! that returned a version older than a write acknowledged before the read
//! was issued.

use crate::sim::delivery::Note;
use crate::sim::Micros;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Width of a chart window: one simulated second.
pub const WINDOW: Micros = 1_000_000;

/// One window's figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KvWindow {
    /// When it starts (true µs).
    pub start: Micros,
    /// Requests issued in it.
    pub issued: u32,
    /// Requests answered in it, in time or late (the throughput).
    pub done: u32,
    /// Requests answered in time in it.
    pub ok: u32,
    /// Requests that missed their deadline in it.
    pub expired: u32,
    /// Of the answered reads, those older than an acknowledged write.
    pub stale: u32,
    /// Latency percentiles of the answered requests, late ones included
    /// (µs; 0 with none).
    pub p50: Micros,
    pub p99: Micros,
    /// Messages sent in it (all of them: requests, replies, heartbeats, copies).
    pub msgs: u64,
}

impl KvWindow {
    /// Answered in time / resolved (answered or expired), if any resolved.
    pub fn availability(&self) -> Option<f64> {
        let n = self.ok + self.expired;
        (n > 0).then(|| f64::from(self.ok) / f64::from(n))
    }
}

/// Something to mark on the charts' time axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    Crash {
        node: u32,
    },
    Restart {
        node: u32,
    },
    /// `node` became primary of `shard`.
    Failover {
        shard: u32,
        node: u32,
    },
    /// Links were cut (a partition), or healed.
    Cut,
    Heal,
}

/// A mark at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KvMark {
    pub at: Micros,
    pub kind: MarkKind,
}

/// One server's queue, measured.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeLoad {
    /// Requests in system now (queued plus the one being served).
    pub len: u32,
    /// The most it held.
    pub peak: u32,
    /// When each request in system arrived (FIFO).
    arrivals: VecDeque<Micros>,
    /// ∫ len dt, in request·µs, up to `last`.
    pub area: u128,
    pub last: Micros,
    /// Requests that left, and their total time in system (µs).
    pub departures: u64,
    pub arrived: u64,
    pub sojourn: u128,
}

impl NodeLoad {
    /// Time-average number in system over `[0, now]` (Little's L).
    pub fn mean_len(&self, now: Micros) -> f64 {
        let area = self.area + u128::from(self.len) * u128::from(now.saturating_sub(self.last));
        area as f64 / now.max(1) as f64
    }
    /// Mean time in system of the requests that left (Little's W), µs.
    pub fn mean_sojourn(&self) -> f64 {
        self.sojourn as f64 / self.departures.max(1) as f64
    }
}

/// A request awaiting its outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Open {
    at: Micros,
    key: u32,
    write: bool,
    /// For a read: the newest version acknowledged when it was issued.
    floor: u64,
    /// Reported past its deadline.
    expired: bool,
}

/// Latency histogram buckets: 8 per power of two.
const SUB: u32 = 8;

/// The service's figures over a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KvMetrics {
    /// Closed windows, oldest first.
    pub windows: Vec<KvWindow>,
    cur: KvWindow,
    lat: Vec<Micros>,
    msgs_at: u64,
    open: BTreeMap<(u32, u64), Open>,
    acked: BTreeMap<u32, u64>,
    /// Totals since the start.
    pub issued: u64,
    pub done: u64,
    pub ok: u64,
    pub expired: u64,
    pub stale: u64,
    pub reads_ok: u64,
    /// Keys some read found missing an acknowledged write.
    pub stale_keys: BTreeSet<u32>,
    hist: Vec<u32>,
    /// Per server (indexed by node; clients stay empty).
    pub loads: Vec<NodeLoad>,
    pub marks: Vec<KvMark>,
    primaries: BTreeMap<u32, BTreeSet<u32>>,
    /// Time with two primaries of one shard at once, and when it first began.
    pub two_primaries: Micros,
    since: Option<Micros>,
    pub first_two_primaries: Option<Micros>,
    /// The instant of the latest note.
    pub now: Micros,
}

fn bucket(x: Micros) -> usize {
    if x < u64::from(SUB) {
        return x as usize;
    }
    let e = 63 - x.leading_zeros(); // x in [2^e, 2^(e+1))
    let frac = ((x >> (e - 3)) & u64::from(SUB - 1)) as u32;
    ((e - 2) * SUB + frac) as usize
}

fn bucket_top(b: usize) -> Micros {
    let b = b as u32;
    if b < SUB {
        return u64::from(b);
    }
    let e = b / SUB + 2;
    let frac = u64::from(b % SUB);
    ((SUB as u64 + frac + 1) << (e - 3)) - 1
}

impl KvMetrics {
    /// Whether any request was ever issued (the workload is the service).
    pub fn active(&self) -> bool {
        self.issued > 0
    }

    /// Folds one note of node `i` at true time `now`; `sent` is the run's
    /// message count so far (for messages per request).
    pub fn observe(&mut self, i: u32, note: &Note, now: Micros, sent: u64) {
        match *note {
            Note::KvIssued {
                client,
                req,
                key,
                write,
            } => {
                self.roll(now, sent);
                self.issued += 1;
                self.cur.issued += 1;
                let floor = if write {
                    0
                } else {
                    self.acked.get(&key).copied().unwrap_or(0)
                };
                self.open.insert(
                    (client, req),
                    Open {
                        at: now,
                        key,
                        write,
                        floor,
                        expired: false,
                    },
                );
            }
            Note::KvReplied {
                client,
                req,
                version,
                late,
            } => {
                self.roll(now, sent);
                let Some(o) = self.open.remove(&(client, req)) else {
                    return;
                };
                self.done += 1;
                self.cur.done += 1;
                if !late {
                    self.ok += 1;
                    self.cur.ok += 1;
                }
                let l = now - o.at;
                self.lat.push(l);
                let b = bucket(l);
                if self.hist.len() <= b {
                    self.hist.resize(b + 1, 0);
                }
                self.hist[b] += 1;
                if o.write {
                    let a = self.acked.entry(o.key).or_insert(0);
                    *a = (*a).max(version);
                } else {
                    self.reads_ok += 1;
                    if version < o.floor {
                        self.stale += 1;
                        self.cur.stale += 1;
                        self.stale_keys.insert(o.key);
                    }
                }
            }
            Note::KvExpired { client, req } => {
                self.roll(now, sent);
                // Kept open: a late answer still counts as done.
                if let Some(o) = self.open.get_mut(&(client, req)) {
                    if !o.expired {
                        o.expired = true;
                        self.expired += 1;
                        self.cur.expired += 1;
                    }
                }
            }
            Note::KvQueue { len } => {
                self.roll(now, sent);
                let ld = self.load_mut(i);
                ld.area += u128::from(ld.len) * u128::from(now.saturating_sub(ld.last));
                ld.last = now;
                while ld.len < len {
                    ld.len += 1;
                    ld.arrived += 1;
                    ld.arrivals.push_back(now);
                }
                while ld.len > len {
                    ld.len -= 1;
                    if let Some(a) = ld.arrivals.pop_front() {
                        ld.departures += 1;
                        ld.sojourn += u128::from(now - a);
                    }
                }
                ld.peak = ld.peak.max(len);
            }
            Note::KvPrimary { shard, on, epoch } => {
                self.roll(now, sent);
                let set = self.primaries.entry(shard).or_default();
                if on {
                    set.insert(i);
                } else {
                    set.remove(&i);
                }
                // Epoch 1 is the start, not a failover.
                if on && epoch > 1 {
                    self.marks.push(KvMark {
                        at: now,
                        kind: MarkKind::Failover { shard, node: i },
                    });
                }
                self.recount(now);
            }
            _ => {}
        }
    }

    fn load_mut(&mut self, i: u32) -> &mut NodeLoad {
        if self.loads.len() <= i as usize {
            self.loads.resize(i as usize + 1, NodeLoad::default());
        }
        &mut self.loads[i as usize]
    }

    /// Node `i` went down: its queue is gone (those requests never leave).
    pub fn down(&mut self, i: u32, now: Micros) {
        if !self.active() {
            return;
        }
        self.now = self.now.max(now);
        if let Some(ld) = self.loads.get_mut(i as usize) {
            ld.area += u128::from(ld.len) * u128::from(now.saturating_sub(ld.last));
            ld.last = now;
            ld.len = 0;
            ld.arrivals.clear();
        }
        self.marks.push(KvMark {
            at: now,
            kind: MarkKind::Crash { node: i },
        });
        let mut changed = false;
        for set in self.primaries.values_mut() {
            changed |= set.remove(&i);
        }
        if changed {
            self.recount(now);
        }
    }

    /// Links were cut (`cut`) or healed at `now`: one mark per instant.
    pub fn link(&mut self, cut: bool, now: Micros) {
        if !self.active() {
            return;
        }
        let kind = if cut { MarkKind::Cut } else { MarkKind::Heal };
        if self.marks.last() != Some(&KvMark { at: now, kind }) {
            self.marks.push(KvMark { at: now, kind });
        }
    }

    /// Node `i` restarted.
    pub fn up(&mut self, i: u32, now: Micros) {
        if self.active() {
            self.marks.push(KvMark {
                at: now,
                kind: MarkKind::Restart { node: i },
            });
        }
    }

    fn recount(&mut self, now: Micros) {
        let two = self.primaries.values().any(|s| s.len() > 1);
        match (two, self.since) {
            (true, None) => {
                self.since = Some(now);
                self.first_two_primaries.get_or_insert(now);
            }
            (false, Some(s)) => {
                self.two_primaries += now - s;
                self.since = None;
            }
            _ => {}
        }
    }

    /// Time with two primaries at once, up to `now`.
    pub fn two_primaries_until(&self, now: Micros) -> Micros {
        self.two_primaries + self.since.map_or(0, |s| now.saturating_sub(s))
    }

    /// Closes every window that ended by `now`.
    fn roll(&mut self, now: Micros, sent: u64) {
        self.now = self.now.max(now);
        while now >= self.cur.start + WINDOW {
            self.lat.sort_unstable();
            let q = |p: f64, l: &[Micros]| {
                if l.is_empty() {
                    0
                } else {
                    l[((l.len() as f64 * p).ceil() as usize).clamp(1, l.len()) - 1]
                }
            };
            self.cur.p50 = q(0.50, &self.lat);
            self.cur.p99 = q(0.99, &self.lat);
            self.cur.msgs = sent - self.msgs_at;
            self.msgs_at = sent;
            let next = self.cur.start + WINDOW;
            self.windows.push(self.cur);
            self.cur = KvWindow {
                start: next,
                ..KvWindow::default()
            };
            self.lat.clear();
            // Clients forget requests long past their deadline; so do we.
            let horizon = next.saturating_sub(2 * crate::sim::kv::FORGET_AFTER);
            if self.open.first_key_value().is_some() && next % (10 * WINDOW) == 0 {
                self.open.retain(|_, o| o.at >= horizon);
            }
        }
    }

    /// The window still open (its percentiles not yet computed).
    pub fn current(&self) -> &KvWindow {
        &self.cur
    }

    /// Availability since the start: answered in time / resolved.
    pub fn availability(&self) -> Option<f64> {
        let n = self.ok + self.expired;
        (n > 0).then(|| self.ok as f64 / n as f64)
    }

    /// A latency percentile since the start, µs, from a histogram with 8
    /// buckets per power of two (so within 12.5% above the true value).
    pub fn percentile(&self, p: f64) -> Option<Micros> {
        if self.done == 0 {
            return None;
        }
        let target = ((self.done as f64 * p).ceil() as u64).max(1);
        let mut seen = 0u64;
        for (b, &c) in self.hist.iter().enumerate() {
            seen += u64::from(c);
            if seen >= target {
                return Some(bucket_top(b));
            }
        }
        None
    }

    /// Requests answered (in time or late) per second over the closed
    /// windows starting in `[from, to)`.
    pub fn throughput(&self, from: Micros, to: Micros) -> f64 {
        let w: Vec<&KvWindow> = self.between(from, to);
        w.iter().map(|w| f64::from(w.done)).sum::<f64>() / (w.len().max(1) as f64)
    }

    /// Closed windows starting in `[from, to)`.
    pub fn between(&self, from: Micros, to: Micros) -> Vec<&KvWindow> {
        self.windows
            .iter()
            .filter(|w| w.start >= from && w.start < to)
            .collect()
    }

    /// Messages per answered request over the closed windows in `[from, to)`.
    pub fn msgs_per_request(&self, from: Micros, to: Micros) -> Option<f64> {
        let w = self.between(from, to);
        let ok: u64 = w.iter().map(|w| u64::from(w.done)).sum();
        let msgs: u64 = w.iter().map(|w| w.msgs).sum();
        (ok > 0).then(|| msgs as f64 / ok as f64)
    }

    /// Requests awaiting an outcome.
    pub fn in_flight(&self) -> usize {
        self.open.len()
    }

    /// About how many bytes this holds, for the snapshot budget.
    pub fn approx_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.windows.capacity() * std::mem::size_of::<KvWindow>()
            + self.lat.capacity() * 8
            + self.open.len() * 48
            + self.acked.len() * 32
            + self.hist.capacity() * 4
            + self
                .loads
                .iter()
                .map(|l| 96 + l.arrivals.len() * 8)
                .sum::<usize>()
            + self.marks.capacity() * std::mem::size_of::<KvMark>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_bound_their_values_within_an_eighth() {
        for x in [
            0u64, 1, 7, 8, 9, 15, 16, 100, 1_000, 12_345, 999_999, 5_000_000,
        ] {
            let b = bucket(x);
            let top = bucket_top(b);
            assert!(top >= x, "x={x} top={top}");
            assert!(top as f64 <= x as f64 * 1.125 + 1.0, "x={x} top={top}");
            if b > 0 {
                assert!(bucket_top(b - 1) < x, "x={x}");
            }
        }
    }
}
