//! Primary-backup replication: the primary copies each write to the
//! backups in sync before answering; a backup that suspects the primary
//! (its failure detector, fed by beats and copies) hands the role to the
//! next rank; epochs order primaries, so an old one steps down when it
//! hears a newer one.

use super::*;

impl Kv {
    /// A write copied from the primary `from`: applied and acknowledged,
    /// unless `from` is a stale primary.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn replicated(
        &self,
        st: &mut KvState,
        ctx: &Ctx,
        from: u32,
        epoch: u64,
        token: u64,
        (key, version, value): (u32, u64, u64),
        out: &mut Out<KvMsg>,
    ) {
        if self.heard_primary(st, ctx, from, epoch, out) {
            Self::apply(&mut st.data, key, KvOp::Put { value, version }, None);
            out.send(NodeId(from), KvMsg::Ack { token });
        }
    }

    pub(super) fn detector_after(&self, st: &KvState) -> Micros {
        st.watch
            .as_ref()
            .map_or(self.ack_timeout(), |h| h.suspect_after(&self.detector))
            .max(1)
    }

    pub(super) fn promote_as(
        &self,
        st: &mut KvState,
        ctx: &Ctx,
        shard: u32,
        epoch: u64,
        out: &mut Out<KvMsg>,
    ) {
        let Place::Replica { rank, .. } = st.place else {
            return;
        };
        st.epoch = epoch;
        st.primary = Some(rank);
        st.watch = None;
        st.in_sync = ((1u64 << self.copies()) - 1) & !(1u64 << rank);
        out.cancel_timer(CHECK_TIMER);
        out.note(Note::KvPrimary {
            shard,
            epoch,
            on: true,
        });
        self.beat(st, ctx, out);
        // Tell the clients (as a registry would): they send here from now on.
        if epoch > 1 {
            for c in self.service_nodes()..ctx.n {
                out.send(NodeId(c), KvMsg::Beat { epoch });
            }
        }
    }

    pub(super) fn follow(&self, st: &mut KvState, ctx: &Ctx, rank: u32, out: &mut Out<KvMsg>) {
        let Place::Replica { shard, rank: me } = st.place else {
            return;
        };
        if st.primary == Some(me) && rank != me {
            out.note(Note::KvPrimary {
                shard,
                epoch: st.epoch,
                on: false,
            });
            out.cancel_timer(BEAT_TIMER);
            out.cancel_timer(ACK_TIMER);
            st.acks.clear();
            st.in_sync = 0;
        }
        st.primary = Some(rank);
        let mut h = PeerHistory::new(ctx.local_now, &self.detector);
        h.heartbeat(ctx.local_now, &self.detector);
        st.watch = Some(h);
        out.set_timer(CHECK_TIMER, self.detector_after(st));
    }

    /// A beat or replicated write from replica `from` claiming `epoch`.
    pub(super) fn heard_primary(
        &self,
        st: &mut KvState,
        ctx: &Ctx,
        from: u32,
        epoch: u64,
        out: &mut Out<KvMsg>,
    ) -> bool {
        let Place::Replica { rank: me, .. } = st.place else {
            return false;
        };
        let rank = from % self.copies();
        if epoch < st.epoch || (epoch == st.epoch && st.primary == Some(me) && rank > me) {
            return false; // a stale primary
        }
        if epoch > st.epoch || st.primary != Some(rank) {
            st.epoch = epoch;
            self.follow(st, ctx, rank, out);
        } else if let Some(h) = st.watch.as_mut() {
            h.heartbeat(ctx.local_now, &self.detector);
            if h.suspected {
                h.suspected = false;
            }
            out.set_timer(CHECK_TIMER, self.detector_after(st));
        }
        true
    }

    pub(super) fn check(&self, st: &mut KvState, ctx: &Ctx, out: &mut Out<KvMsg>) {
        let Place::Replica { shard, rank: me } = st.place else {
            return;
        };
        if st.primary == Some(me) {
            return;
        }
        let Some(h) = st.watch.as_ref() else {
            return;
        };
        let level = h.level(ctx.local_now, &self.detector);
        if level < PeerHistory::threshold(&self.detector) {
            let left = (h.last + self.detector_after(st) as i64 - ctx.local_now).max(1);
            out.set_timer(CHECK_TIMER, left as Micros);
            return;
        }
        // Suspected: the next rank after the primary takes over.
        let next = st.primary.map_or(me, |p| (p + 1) % self.copies());
        if next == me {
            self.promote_as(st, ctx, shard, st.epoch + 1, out);
        } else {
            st.primary = Some(next);
            st.watch = Some(PeerHistory::new(ctx.local_now, &self.detector));
            out.set_timer(CHECK_TIMER, self.detector_after(st));
        }
    }

    pub(super) fn acked(&self, st: &mut KvState, from: u32, token: u64, out: &mut Out<KvMsg>) {
        let Place::Replica { shard, rank: me } = st.place else {
            return;
        };
        if st.primary != Some(me) {
            return;
        }
        let rank = from % self.copies();
        let bit = 1u64 << rank;
        if st.in_sync & bit == 0 {
            // Back in touch: bring it up to date, then wait for it again.
            st.in_sync |= bit;
            self.sync(st, shard, rank, out);
        }
        if let Some(w) = st.acks.get_mut(&token) {
            w.waiting &= !bit;
            if w.waiting == 0 {
                let w = st.acks.remove(&token).expect("waiting");
                out.send(NodeId(w.client), answer(w));
            }
        }
    }

    pub(super) fn sync(&self, st: &KvState, shard: u32, rank: u32, out: &mut Out<KvMsg>) {
        for (&key, &(version, value)) in &st.data {
            out.send(
                NodeId(self.replica(shard, rank)),
                KvMsg::Replicate {
                    epoch: st.epoch,
                    token: 0,
                    key,
                    version,
                    value,
                },
            );
        }
    }

    pub(super) fn ack_deadline(&self, st: &mut KvState, ctx: &Ctx, out: &mut Out<KvMsg>) {
        let due: Vec<u64> = st
            .acks
            .iter()
            .filter(|(_, w)| w.deadline <= ctx.local_now)
            .map(|(t, _)| *t)
            .collect();
        for t in due {
            let w = st.acks.remove(&t).expect("waiting");
            // Those that did not answer in time leave the in-sync set.
            st.in_sync &= !w.waiting;
            for x in st.acks.values_mut() {
                x.waiting &= !w.waiting;
            }
            out.send(NodeId(w.client), answer(w));
        }
        let done: Vec<u64> = st
            .acks
            .iter()
            .filter(|(_, w)| w.waiting == 0)
            .map(|(t, _)| *t)
            .collect();
        for t in done {
            let w = st.acks.remove(&t).expect("waiting");
            out.send(NodeId(w.client), answer(w));
        }
        if let Some(next) = st.acks.values().map(|w| w.deadline).min() {
            out.set_timer(ACK_TIMER, (next - ctx.local_now).max(1) as Micros);
        }
    }
}

/// The answer to the client of a replicated write.
fn answer(w: Waiting) -> KvMsg {
    KvMsg::Resp {
        client: w.client,
        req: w.req,
        version: w.version,
    }
}
