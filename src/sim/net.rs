//! The network: for each message, a decision of whether and when it arrives.
//!
//! The network's behaviour is a value ([`NetConfig`]) the user can change while
//! the simulation runs; every change is a recorded command. A decision is a pure
//! function of the configuration, the link's state and the RNG ([`Network::decide`]),
//! in the style of madsim: easy to test, easy to draw.

use super::fault::Attack;
use super::rng::SimRng;
use super::{Micros, NodeId};

/// How long a message spends on the wire. All values in microseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LatencyModel {
    /// Every message takes exactly `mean`: the synchronous textbook network.
    Constant { mean: Micros },
    /// Uniform in `[min, max]`: bounded but unpredictable.
    Uniform { min: Micros, max: Micros },
    /// `min` plus an exponential tail with the given `mean` (overall), cut off at `max`.
    /// Most messages are quick, a few are very slow: why timeouts are guesses.
    Exponential {
        min: Micros,
        mean: Micros,
        max: Micros,
    },
}

impl LatencyModel {
    /// Short name used by the UI and the URL.
    pub fn kind(&self) -> &'static str {
        match self {
            LatencyModel::Constant { .. } => "constant",
            LatencyModel::Uniform { .. } => "uniform",
            LatencyModel::Exponential { .. } => "exponential",
        }
    }

    /// Draws one latency. Always consumes exactly one RNG draw, so switching models
    /// mid-run does not shift the rest of the random stream differently per model.
    pub fn sample(&self, rng: &mut SimRng) -> Micros {
        match *self {
            LatencyModel::Constant { mean } => {
                rng.next_u64();
                mean
            }
            LatencyModel::Uniform { min, max } => rng.range_inclusive(min, max.max(min)),
            LatencyModel::Exponential { min, mean, max } => {
                let tail_mean = mean.saturating_sub(min) as f64;
                let x = min as f64 + rng.exponential(tail_mean);
                // `as` saturates on overflow; then clamp into the model's bounds.
                (libm::round(x) as Micros).clamp(min, max.max(min))
            }
        }
    }

    /// The smallest and largest latency this model can produce.
    pub fn bounds(&self) -> (Micros, Micros) {
        match *self {
            LatencyModel::Constant { mean } => (mean, mean),
            LatencyModel::Uniform { min, max } => (min, max.max(min)),
            LatencyModel::Exponential { min, max, .. } => (min, max.max(min)),
        }
    }
}

/// Everything the network does to messages. Changed at run time by a recorded command.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NetConfig {
    /// Time on the wire.
    pub latency: LatencyModel,
    /// Probability that a message is lost in flight.
    pub loss: f64,
    /// Probability that a message is delivered twice (the copy has its own latency).
    pub duplicate: f64,
    /// When false, each link is FIFO: a message never overtakes an earlier one on the same link.
    pub reorder: bool,
    /// Messages per second each directed link can carry; `None` is unlimited.
    /// Above the rate, messages wait in a queue at the sender.
    pub bandwidth: Option<u32>,
    /// Occasional very long delays: what makes a network asynchronous.
    pub spikes: Spikes,
    /// An adversarial scheduler: each heartbeat is held until just after its
    /// observer's detector would suspect the sender, so a live node is
    /// suspected every time. A timeout cannot tell slow from dead.
    pub adversary: bool,
}

/// Rare extra delays on top of the latency model, heavy-tailed and without an
/// upper bound: with them no bound holds, so any timeout, however long, will
/// sometimes be wrong (the asynchronous model). With `until` set they stop at
/// that global stabilization time (partial synchrony, as Dwork, Lynch and
/// Stockmeyer define it): a message sent before GST arrives by GST plus the
/// latency model's bound, and every delay after that is bounded.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spikes {
    /// Probability that a message gets an extra delay.
    pub prob: f64,
    /// The extra delay is Pareto (Lomax) distributed: P(extra > x) =
    /// (1 + x / scale)^(−shape). Its median is scale × (2^(1/shape) − 1).
    pub scale: Micros,
    /// The tail's shape: the smaller, the heavier (at 1 or below the mean
    /// delay is infinite).
    pub shape: f64,
    /// Messages sent at or after this time get none (GST); `None`: forever.
    pub until: Option<Micros>,
}

impl Spikes {
    /// No spikes: delays are bounded by the latency model.
    pub const NONE: Spikes = Spikes {
        prob: 0.0,
        scale: 0,
        shape: 1.0,
        until: None,
    };

    /// The largest extra delay a run can represent (about 31 years): far
    /// beyond any run, so in effect no bound.
    pub const CEILING: Micros = 1_000_000_000_000_000;

    /// An extra delay for a draw `u` uniform in [0, 1): scale × ((1 − u)^(−1/shape) − 1).
    pub fn extra(&self, u: f64) -> Micros {
        let x = self.scale as f64 * (libm::pow(1.0 - u, -1.0 / self.shape.max(0.01)) - 1.0);
        if x.is_finite() {
            (x.max(0.0) as Micros).min(Self::CEILING)
        } else {
            Self::CEILING
        }
    }

    /// The probability that a message sent while spikes are on is delayed
    /// by more than `x` µs beyond its latency.
    pub fn tail(&self, x: Micros) -> f64 {
        if self.scale == 0 {
            return 0.0;
        }
        self.prob * libm::pow(1.0 + x as f64 / self.scale as f64, -self.shape)
    }
}

/// The three textbook system models, as network settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemModel {
    /// Delays bounded by a known bound (the latency model's maximum).
    Synchronous,
    /// Asynchronous until the global stabilization time, bounded after it.
    PartiallySynchronous { gst: Micros },
    /// No bound: rare, very long delays.
    Asynchronous,
}

impl SystemModel {
    /// Spikes for this model: 5% of messages get an extra delay with a
    /// median of 0.8 s and no upper bound (one in 20 of those by more than
    /// 10 s, one in 250 by more than a minute).
    pub fn spikes(self) -> Spikes {
        let wild = Spikes {
            prob: 0.05,
            scale: 1_000_000,
            shape: 1.2,
            until: None,
        };
        match self {
            SystemModel::Synchronous => Spikes::NONE,
            SystemModel::PartiallySynchronous { gst } => Spikes {
                until: Some(gst),
                ..wild
            },
            SystemModel::Asynchronous => wild,
        }
    }

    /// The model a network's spikes amount to.
    pub fn of(s: &Spikes) -> SystemModel {
        match (s.prob > 0.0 && s.scale > 0, s.until) {
            (false, _) => SystemModel::Synchronous,
            (true, Some(gst)) => SystemModel::PartiallySynchronous { gst },
            (true, None) => SystemModel::Asynchronous,
        }
    }
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            latency: LatencyModel::Uniform {
                min: 40_000,
                max: 160_000,
            },
            loss: 0.0,
            duplicate: 0.0,
            reorder: false,
            bandwidth: None,
            spikes: Spikes::NONE,
            adversary: false,
        }
    }
}

/// State of one directed link `from -> to`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkState {
    /// Cut by the user (or by a partition): nothing crosses while set.
    pub cut: bool,
    /// When the link's transmitter is free again (bandwidth queueing).
    pub next_free: Micros,
    /// Latest arrival time scheduled on this link (FIFO when reordering is off).
    pub last_arrival: Micros,
    /// Messages waiting at the sender or on the wire; shown as queue length.
    pub queued: u32,
}

/// Why a message did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DropReason {
    /// Random loss in the network.
    Loss,
    /// The link was cut (a partition) when the message was sent or when it arrived.
    Partition,
    /// The receiver was crashed when the message arrived.
    ReceiverDown,
    /// The (faulty) sender failed to send it: it never left.
    SendOmission,
    /// The (faulty) receiver failed to take it in, though it arrived.
    ReceiveOmission,
    /// A user dropped it while it was in flight (a recorded command).
    ByHand,
    /// An attacker on the link dropped it.
    Attacked,
}

impl DropReason {
    /// Human-readable reason.
    pub fn label(self) -> &'static str {
        match self {
            DropReason::Loss => "lost",
            DropReason::Partition => "blocked by partition",
            DropReason::ReceiverDown => "receiver down",
            DropReason::SendOmission => "omitted by its sender",
            DropReason::ReceiveOmission => "omitted by its receiver",
            DropReason::ByHand => "dropped by hand",
            DropReason::Attacked => "dropped by an attacker on the link",
        }
    }
}

/// The network's decision for one copy of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fate {
    /// When it leaves the sender (later than the send when the link is congested).
    pub depart: Micros,
    /// When it would reach the receiver.
    pub arrive: Micros,
    /// `Some(t)`: it is lost at time `t` (between depart and arrive) instead.
    pub lost: Option<(Micros, DropReason)>,
}

/// All links of a cluster of `n` nodes, stored densely (`from * n + to`): lookups are
/// O(1) and nothing ever iterates all pairs during a step.
#[derive(Clone, Debug)]
pub struct Network {
    /// The current configuration.
    pub config: NetConfig,
    n: u32,
    links: Vec<LinkState>,
    cut_count: u32,
    topology_version: u64,
    /// Attackers on directed links (from, to): few, so a list.
    attacks: Vec<(NodeId, NodeId, Attack)>,
}

impl Network {
    /// A fully connected network of `n` nodes.
    pub fn new(n: u32, config: NetConfig) -> Self {
        Network {
            config,
            n,
            links: vec![LinkState::default(); (n as usize) * (n as usize)],
            cut_count: 0,
            topology_version: 0,
            attacks: Vec::new(),
        }
    }

    /// The attacker on the link `from` → `to`, if any.
    #[inline]
    pub fn attack(&self, from: NodeId, to: NodeId) -> Option<Attack> {
        if self.attacks.is_empty() {
            return None;
        }
        self.attacks
            .iter()
            .find(|(f, t, _)| *f == from && *t == to)
            .map(|a| a.2)
    }

    /// Every attacked link (from, to, what).
    pub fn attacks(&self) -> &[(NodeId, NodeId, Attack)] {
        &self.attacks
    }

    /// Puts an attacker on the link `from` → `to`, or takes it off (`None`).
    pub fn set_attack(&mut self, from: NodeId, to: NodeId, mode: Option<Attack>) {
        self.attacks.retain(|(f, t, _)| !(*f == from && *t == to));
        if let Some(m) = mode {
            self.attacks.push((from, to, m));
        }
        self.topology_version += 1;
    }

    #[inline]
    fn idx(&self, from: NodeId, to: NodeId) -> usize {
        from.0 as usize * self.n as usize + to.0 as usize
    }

    /// The state of the directed link `from -> to`.
    pub fn link(&self, from: NodeId, to: NodeId) -> &LinkState {
        &self.links[self.idx(from, to)]
    }

    /// Whether the directed link is cut.
    #[inline]
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cut_count > 0 && self.links[self.idx(from, to)].cut
    }

    /// Cuts or heals both directions between `a` and `b`.
    pub fn set_cut(&mut self, a: NodeId, b: NodeId, cut: bool) {
        for (x, y) in [(a, b), (b, a)] {
            let i = self.idx(x, y);
            if self.links[i].cut != cut {
                self.links[i].cut = cut;
                self.topology_version += 1;
                if cut {
                    self.cut_count += 1;
                } else {
                    self.cut_count -= 1;
                }
            }
        }
    }

    /// Changes whenever a link is cut or healed, so a viewer can cache what it derives
    /// from the topology and rebuild it only then.
    pub fn topology_version(&self) -> u64 {
        self.topology_version
    }

    /// Number of cut directed links (so the UI can skip drawing cuts when there are none).
    pub fn cut_count(&self) -> u32 {
        self.cut_count
    }

    /// Decides the fate of one message sent at `now` on `from -> to`.
    ///
    /// The order of random draws is fixed: latency, then loss, then the loss point.
    /// Each draw happens whatever the parameters are, so changing, say, the loss
    /// probability changes only which messages are lost, not every later latency.
    pub fn decide(&mut self, rng: &mut SimRng, now: Micros, from: NodeId, to: NodeId) -> Fate {
        let mut latency = self.config.latency.sample(rng);
        let lost_roll = rng.chance(self.config.loss);
        let lost_frac = rng.next_f64();
        let sp = self.config.spikes;
        if sp.prob > 0.0 && sp.until.is_none_or(|gst| now < gst) {
            // Two more draws, only when spikes are on (a recorded setting).
            if rng.chance(sp.prob) {
                let extra = sp.extra(rng.next_f64());
                // Partial synchrony: sent before GST, it arrives by GST + the bound.
                latency += sp.until.map_or(extra, |gst| extra.min(gst - now));
            }
        }
        let i = self.idx(from, to);
        let cfg = self.config;
        let link = &mut self.links[i];
        let depart = match cfg.bandwidth {
            Some(rate) if rate > 0 => {
                let start = now.max(link.next_free);
                link.next_free = start + (1_000_000 / rate as u64).max(1);
                start
            }
            _ => now,
        };
        let mut arrive = depart + latency;
        if !cfg.reorder {
            arrive = arrive.max(link.last_arrival);
        }
        link.last_arrival = link.last_arrival.max(arrive);
        let lost = if link.cut {
            // Blocked at the cut: it dies halfway, where the student sees the wall.
            Some((depart + (arrive - depart) / 2, DropReason::Partition))
        } else if lost_roll {
            let at = depart + ((arrive - depart) as f64 * lost_frac) as Micros;
            Some((at, DropReason::Loss))
        } else {
            None
        };
        link.queued += 1;
        Fate {
            depart,
            arrive,
            lost,
        }
    }

    /// A message on `from -> to` has left the link (arrived or dropped).
    /// A copy made by hand joins the link's messages (released on arrival).
    pub(crate) fn hold(&mut self, from: NodeId, to: NodeId) {
        let i = self.idx(from, to);
        self.links[i].queued += 1;
    }

    pub fn release(&mut self, from: NodeId, to: NodeId) {
        let i = self.idx(from, to);
        self.links[i].queued = self.links[i].queued.saturating_sub(1);
    }
}
