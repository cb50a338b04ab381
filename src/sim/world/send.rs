//! Sending: what happens between a handler's "send this" and the message's
//! flight: the sender's misbehaviour (Byzantine deviations, send omission),
//! an attacker on the link, the network's duplication, and each copy's fate
//! (latency, loss, the adversary's hold), traced and queued.

use super::*;

impl<P: Protocol> Sim<P> {
    /// A node's handler asked to send `msg` to `to`: apply its misbehaviour, if any.
    pub(super) fn send(&mut self, from: u32, to: u32, msg: P::Msg) {
        let b = self.nodes[from as usize].behaviour;
        let (msg, deviant) = match b.byzantine {
            Some(ByzMode::Corrupt) => {
                let noise = self.rng.next_u64();
                (self.protocol.corrupt(&msg, noise), true)
            }
            Some(ByzMode::Equivocate) => (self.protocol.equivocate(&msg, NodeId(to)), true),
            _ => (msg, false),
        };
        if let Some(a) = self.net.attack(NodeId(from), NodeId(to)) {
            self.stats.attacked += 1;
            match a {
                Attack::Drop => {
                    self.attack_drop = true;
                    self.send_one(from, to, msg, deviant, b.send_omission);
                    self.attack_drop = false;
                }
                Attack::Modify => {
                    let noise = self.rng.next_u64();
                    let forged = self.protocol.corrupt(&msg, noise);
                    self.forging = true;
                    self.send_one(from, to, forged, true, b.send_omission);
                    self.forging = false;
                }
                Attack::Inject => {
                    let noise = self.rng.next_u64();
                    let forged = self.protocol.corrupt(&msg, noise);
                    self.send_one(from, to, msg, deviant, b.send_omission);
                    self.forging = true;
                    self.send_one(from, to, forged, true, 0.0);
                    self.forging = false;
                }
            }
            return;
        }
        if b.byzantine == Some(ByzMode::Replay) {
            // Alongside the real message, an old one it sent before.
            let log = &mut self.replay_log[from as usize];
            let old = if log.is_empty() {
                None
            } else {
                let k = self.rng.range_inclusive(0, log.len() as u64 - 1) as usize;
                Some(log[k].1.clone())
            };
            log.push_back((to, msg.clone()));
            if log.len() > REPLAY_LOG {
                log.pop_front();
            }
            self.send_one(from, to, msg, false, b.send_omission);
            if let Some(old) = old {
                self.send_one(from, to, old, true, b.send_omission);
            }
            return;
        }
        self.send_one(from, to, msg, deviant, b.send_omission);
    }

    /// One logical message: it may be omitted by its sender, or duplicated by the network.
    pub(super) fn send_one(
        &mut self,
        from: u32,
        to: u32,
        msg: P::Msg,
        deviant: bool,
        omission: f64,
    ) {
        let id = self.next_msg;
        self.next_msg += 1;
        self.send_stamp = self.tick(from);
        if omission > 0.0 && self.rng.chance(omission) {
            // Send omission: the message never leaves its (faulty) sender.
            let (f, t) = (NodeId(from), NodeId(to));
            self.stats.sent += 1;
            self.stats.omitted += 1;
            let slot = &mut self.nodes[from as usize];
            slot.sent += 1;
            slot.omitted += 1;
            let now = self.now;
            let lost = Some((now, DropReason::SendOmission));
            self.trace.stamp_next(self.send_stamp.clone());
            self.trace.record(
                now,
                TraceKind::Send {
                    id,
                    from: f,
                    to: t,
                    msg: msg.clone(),
                    depart: now,
                    arrive: now,
                    dup: false,
                    deviant,
                    lost,
                },
            );
            self.trace.record(
                now,
                TraceKind::Drop {
                    id,
                    from: f,
                    to: t,
                    msg,
                    reason: DropReason::SendOmission,
                    depart: now,
                    arrive: now,
                },
            );
            return;
        }
        let dup_roll = self.rng.chance(self.net.config.duplicate);
        if dup_roll {
            self.stats.duplicated += 1;
            self.send_copy(id, from, to, msg.clone(), false, deviant);
            self.send_copy(id, from, to, msg, true, deviant);
        } else {
            self.send_copy(id, from, to, msg, false, deviant);
        }
    }

    pub(super) fn send_copy(
        &mut self,
        id: u64,
        from: u32,
        to: u32,
        msg: P::Msg,
        dup: bool,
        deviant: bool,
    ) {
        let (f, t) = (NodeId(from), NodeId(to));
        let mut fate = self.net.decide(&mut self.rng, self.now, f, t);
        if self.attack_drop && fate.lost.is_none() {
            // Taken off the wire half-way.
            let mid = fate.depart + (fate.arrive - fate.depart) / 2;
            fate.lost = Some((mid.max(self.now), DropReason::Attacked));
        }
        if self.net.config.adversary && fate.lost.is_none() {
            // Held until just after the receiver would suspect the sender.
            let q = &self.nodes[to as usize];
            if let Some(st) = q.state.as_ref() {
                let local_now = q.clock.local_at(self.now);
                if let Some(d) = self.protocol.adversary_delay(st, f, &msg, local_now) {
                    let hold = q.clock.true_delay(d) + ADVERSARY_MARGIN;
                    fate.arrive = fate.arrive.max(self.now + hold);
                }
            }
        }
        self.stats.sent += 1;
        let slot = &mut self.nodes[from as usize];
        slot.sent += 1;
        // A message changed by an attacker is no deviation of its sender's.
        slot.deviant_sent += (deviant && !self.forging) as u64;
        self.trace.stamp_next(self.send_stamp.clone());
        self.trace.record(
            self.now,
            TraceKind::Send {
                id,
                from: f,
                to: t,
                msg: msg.clone(),
                depart: fate.depart,
                arrive: fate.arrive,
                dup,
                deviant,
                lost: fate.lost,
            },
        );
        let flight = Flight {
            id,
            from: f,
            to: t,
            sent_at: self.now,
            depart: fate.depart,
            arrive: fate.arrive,
            lost: fate.lost,
            dup,
            deviant,
            msg,
            entry: self.seq + 1,
            stamp: self.send_stamp.clone(),
        };
        let slot = self.flights.insert(flight);
        match fate.lost {
            Some((at, _)) => self.push(at, What::lost(slot)),
            None => self.push(fate.arrive, What::arrive(slot)),
        }
    }
}
