//! The clients: open-loop requests (exponential gaps, so the offered load
//! is a Poisson stream), answers, deadlines, and for quorums the counting.

use super::*;

impl Kv {
    pub(super) fn arm_issue(&self, st: &mut KvState, ctx: &Ctx, out: &mut Out<KvMsg>) {
        let gap = Self::rng(ctx, st).exponential(self.mean_gap(ctx));
        out.set_timer(ISSUE_TIMER, (gap as Micros).max(1));
    }

    pub(super) fn issue(&self, st: &mut KvState, ctx: &Ctx, out: &mut Out<KvMsg>) {
        let mut rng = Self::rng(ctx, st);
        let key = rng.range_inclusive(0, u64::from(self.keys.max(1)) - 1) as u32;
        let write = !rng.chance(f64::from(self.reads.min(100)) / 100.0);
        st.next_req += 1;
        let req = st.next_req;
        let client = ctx.id.0;
        let op = if write {
            // A quorum client versions its own writes: its clock, then its
            // id, so versions are unique and roughly in real-time order.
            let t = (ctx.local_now.max(0) as u64) << 12 | u64::from(client & 0xFFF);
            let version = if t > st.last_version {
                t
            } else {
                ((st.last_version >> 12) + 1) << 12 | u64::from(client & 0xFFF)
            };
            st.last_version = version;
            KvOp::Put {
                value: u64::from(client) << 32 | req,
                version,
            }
        } else {
            KvOp::Get
        };
        out.note(Note::KvIssued {
            client,
            req,
            key,
            write,
        });
        st.pending.insert(
            req,
            Pending {
                key,
                op,
                issued: ctx.local_now,
                answered: 0,
                best: 0,
                expired: false,
            },
        );
        self.send_request(st, client, req, key, op, out);
    }

    pub(super) fn send_request(
        &self,
        st: &KvState,
        client: u32,
        req: u64,
        key: u32,
        op: KvOp,
        out: &mut Out<KvMsg>,
    ) {
        let msg = KvMsg::Req {
            client,
            req,
            key,
            op,
        };
        let shard = self.shard_of(key);
        match self.layout {
            Layout::Single | Layout::Stateless => out.send(NodeId(0), msg),
            Layout::Sharded => out.send(NodeId(shard), msg),
            Layout::Replicated => {
                let rank = st.believed.get(shard as usize).copied().unwrap_or(0);
                out.send(NodeId(self.replica(shard, rank)), msg);
            }
            Layout::Quorum => {
                for r in 0..self.copies() {
                    out.send(NodeId(self.replica(shard, r)), msg);
                }
            }
        }
    }

    pub(super) fn on_answer(
        &self,
        st: &mut KvState,
        ctx: &Ctx,
        from: u32,
        req: u64,
        version: u64,
        out: &mut Out<KvMsg>,
    ) {
        let Some(p) = st.pending.get_mut(&req) else {
            return; // answered already, or given up on
        };
        if self.layout == Layout::Quorum {
            let bit = 1u64 << (from % self.copies());
            if p.answered & bit != 0 {
                return; // a duplicate
            }
            p.answered |= bit;
            p.best = p.best.max(version);
            let need = match p.op {
                KvOp::Get => self.read_quorum,
                KvOp::Put { .. } => self.write_quorum,
            };
            if p.answered.count_ones() < need.clamp(1, self.copies()) {
                return;
            }
        }
        let p = st.pending.remove(&req).expect("pending");
        let version = match (self.layout, p.op) {
            (Layout::Quorum, KvOp::Get) => p.best,
            (Layout::Quorum, KvOp::Put { version, .. }) => version,
            _ => version,
        };
        let client = ctx.id.0;
        let late = ctx.local_now - p.issued > self.deadline as i64;
        if late && !p.expired {
            out.note(Note::KvExpired { client, req });
        }
        out.note(Note::KvReplied {
            client,
            req,
            version,
            late,
        });
    }

    pub(super) fn sweep(&self, st: &mut KvState, ctx: &Ctx, out: &mut Out<KvMsg>) {
        let limit = ctx.local_now - self.deadline as i64;
        // Forget requests long past their deadline: no answer is coming.
        st.pending
            .retain(|_, p| p.issued >= limit - FORGET_AFTER as i64);
        let expired: Vec<u64> = st
            .pending
            .iter()
            .filter(|(_, p)| p.issued < limit && !p.expired)
            .map(|(r, _)| *r)
            .collect();
        let mut rotated = vec![false; st.believed.len()];
        for req in expired {
            let p = st.pending.get_mut(&req).expect("pending");
            p.expired = true;
            let p = *p;
            out.note(Note::KvExpired {
                client: ctx.id.0,
                req,
            });
            // No answer from the shard's believed primary: try the next.
            let s = self.shard_of(p.key) as usize;
            if self.layout == Layout::Replicated && !rotated[s] {
                rotated[s] = true;
                st.believed[s] = (st.believed[s] + 1) % self.copies();
            }
        }
        out.set_timer(SWEEP_TIMER, (self.deadline / 4).max(1_000));
    }
}
