//! A node's life: starting (for the first time, or again from stable
//! storage), halting, and carrying out the effects its handlers return
//! (sends, timers, notes).

use super::*;

impl<P: Protocol> Sim<P> {
    pub(super) fn ctx(&self, i: u32) -> Ctx {
        Ctx {
            id: NodeId(i),
            n: self.config.nodes,
            local_now: self.nodes[i as usize].clock.local_at(self.now),
        }
    }

    /// Starts node `i`: for the first time, or again after it went down (then from
    /// what survived on stable storage, if anything did).
    pub(super) fn start_node(&mut self, i: u32) {
        let ctx = self.ctx(i);
        let mut out = std::mem::take(&mut self.out);
        let slot = &mut self.nodes[i as usize];
        let state = if slot.incarnation == 0 {
            self.protocol.init(&ctx, &mut out)
        } else {
            let stable = slot.stable.take();
            let from_stable = stable.is_some();
            let st = self.protocol.recover(&ctx, stable, &mut out);
            self.trace.record(
                self.now,
                TraceKind::Restart {
                    node: NodeId(i),
                    from_stable,
                },
            );
            st
        };
        let slot = &mut self.nodes[i as usize];
        slot.state = Some(state);
        slot.crashed_at = None;
        slot.down = None;
        slot.recover_at = None;
        slot.incarnation += 1;
        if slot.incarnation > 1 {
            self.fd_metrics.set_up(i, true, self.now);
            self.service.up(i, self.now);
        }
        self.carry_out(i, &mut out);
        self.out = out;
    }

    /// Halts node `i`: volatile state and timers are gone; with `stable`, what the
    /// protocol persists survives for a later restart.
    pub(super) fn halt(&mut self, i: u32, kind: DownKind, stable: bool) {
        let slot = &mut self.nodes[i as usize];
        let state = slot.state.take();
        slot.stable = if stable {
            state.as_ref().and_then(|s| self.protocol.persisted(s))
        } else {
            None
        };
        slot.timers.clear();
        slot.crashed_at = Some(self.now);
        slot.down = Some(kind);
        slot.recover_at = None;
        self.replay_log[i as usize].clear();
        self.fd_metrics.set_up(i, false, self.now);
        self.consensus.down(i, self.now);
        self.service.down(i, self.now);
    }

    /// Carries out the effects a handler of node `i` returned.
    pub(super) fn carry_out(&mut self, i: u32, out: &mut Out<P::Msg>) {
        for eff in out.effects.drain(..) {
            match eff {
                Effect::Send { to, msg } => {
                    if to.0 < self.config.nodes && to.0 != i {
                        self.send(i, to.0, msg);
                    }
                }
                Effect::Broadcast { msg } => {
                    for to in 0..self.config.nodes {
                        if to != i {
                            self.send(i, to, msg.clone());
                        }
                    }
                }
                Effect::SetTimer { tag, after } => {
                    let tag = tag & 0xFFFF; // tags are small constants; see `What`
                    let slot = &mut self.nodes[i as usize];
                    let fire_at = self.now + slot.clock.true_delay(after).max(1);
                    self.seq += 1;
                    let seq = self.seq;
                    let mut t = PendingTimer {
                        tag,
                        set_at: self.now,
                        fire_at,
                        seq,
                        queued: (fire_at, seq),
                    };
                    // Kept sorted by tag: O(log n) to find.
                    match slot.timers.binary_search_by_key(&tag, |t| t.tag) {
                        Ok(at) if slot.timers[at].queued.0 <= fire_at => {
                            // Its carrier comes up first and re-queues it.
                            t.queued = slot.timers[at].queued;
                            slot.timers[at] = t;
                        }
                        found => {
                            match found {
                                Ok(at) => slot.timers[at] = t,
                                Err(at) => slot.timers.insert(at, t),
                            }
                            self.queue.push(Entry {
                                time: fire_at,
                                seq,
                                what: What::timer(i, tag),
                            });
                        }
                    }
                    self.trace.record(
                        self.now,
                        TraceKind::TimerSet {
                            node: NodeId(i),
                            tag,
                            fire_at,
                        },
                    );
                }
                Effect::CancelTimer { tag } => {
                    let timers = &mut self.nodes[i as usize].timers;
                    if let Ok(at) = timers.binary_search_by_key(&(tag & 0xFFFF), |t| t.tag) {
                        timers.remove(at);
                    }
                }
                Effect::Note(note) => {
                    let at = (self.trace.len(), self.stats.events, self.now);
                    self.metrics.observe(NodeId(i), &note, at);
                    let log = self.nodes[i as usize]
                        .state
                        .as_ref()
                        .and_then(|s| self.protocol.log_of(s));
                    self.consensus.observe(i, &note, log, at.1, self.now);
                    self.service.observe(i, &note, self.now, self.stats.sent);
                    match note {
                        Note::Suspect { observer, target } => self
                            .fd_metrics
                            .suspicion(observer, target, true, self.now, at.1),
                        Note::Trust { observer, target } => self
                            .fd_metrics
                            .suspicion(observer, target, false, self.now, at.1),
                        _ => {}
                    }
                    self.trace.record(
                        self.now,
                        TraceKind::Note {
                            node: NodeId(i),
                            note,
                        },
                    );
                }
            }
        }
    }
}
