//! The clients: open-loop requests (exponential gaps, so the offered load
//! is a Poisson stream), answers, deadlines, and for quorums the counting.

use super::*;

impl Kv {
    pub(super) fn arm_issue(&self, st: &mut KvState, ctx: &Ctx, out: &mut Out<KvMsg>) {
        let gap = Self::rng(ctx, st).exponential(self.mean_gap(ctx));
        out.set_timer(ISSUE_TIMER, (gap as Micros).max(1));
    }

    pub(super) fn issue(&self, st: &mut KvState, ctx: &Ctx, out: &mut Out<KvMsg>) {
        st.next_req += 1;
        let req = st.next_req;
        let client = ctx.id.0;
        let (key, write) = self.request(client, req);
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
        if self.batching() {
            self.add_to_batch(st, ctx, req, key, out);
        } else {
            self.send_request(st, client, req, key, op, out);
        }
    }

    /// Puts request `req` in the batch for its server, sending the batch
    /// when it is full; a batch not full goes when the linger timer fires.
    fn add_to_batch(&self, st: &mut KvState, ctx: &Ctx, req: u64, key: u32, out: &mut Out<KvMsg>) {
        let dest = match self.layout {
            Layout::Sharded => self.shard_of(key),
            _ => 0,
        };
        let client = ctx.id.0;
        let at = st.outbox.iter().position(|b| b.0 == dest);
        if let Some(k) = at {
            let (_, first, mask) = st.outbox[k];
            if req - first < 64 {
                let mask = mask | 1 << (req - first);
                st.outbox[k].2 = mask;
                if mask.count_ones() >= self.batch.min(MAX_BATCH) {
                    let b = st.outbox.swap_remove(k);
                    send_batch(client, b, out);
                }
                return;
            }
            let b = st.outbox.swap_remove(k);
            send_batch(client, b, out);
        }
        st.outbox.push((dest, req, 1));
        if !st.lingering {
            st.lingering = true;
            out.set_timer(LINGER_TIMER, self.linger.max(1));
        }
    }

    /// Sends every batch held.
    pub(super) fn flush_all(&self, st: &mut KvState, ctx: &Ctx, out: &mut Out<KvMsg>) {
        let client = ctx.id.0;
        for b in st.outbox.drain(..) {
            send_batch(client, b, out);
        }
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

fn send_batch(client: u32, (dest, first, mask): (u32, u64, u64), out: &mut Out<KvMsg>) {
    out.send(
        NodeId(dest),
        KvMsg::Batch {
            client,
            first,
            mask,
        },
    );
}
