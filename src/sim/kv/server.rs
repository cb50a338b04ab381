//! Serving: one request at a time, a FIFO queue for the rest; the store,
//! the stateless workers and the load balancer that spreads work over them.

use super::*;

impl Kv {
    pub(super) fn enqueue(&self, st: &mut KvState, ctx: &Ctx, job: Job, out: &mut Out<KvMsg>) {
        st.queue.push_back(job);
        out.note(Note::KvQueue {
            len: st.queue.len() as u32 + u32::from(st.busy.is_some()),
        });
        if st.busy.is_none() {
            self.serve_next(st, ctx, out);
        }
    }

    /// A batch of requests: each queued as if it had come alone, and their
    /// answers gathered to go back in one message.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn batch_arrived(
        &self,
        st: &mut KvState,
        ctx: &Ctx,
        from: u32,
        client: u32,
        first: u64,
        mask: u64,
        out: &mut Out<KvMsg>,
    ) {
        // At most MAX_BATCH requests: the answers' counters hold that many.
        let mut keep = 0u64;
        for i in 0..64 {
            if mask & 1 << i != 0 && keep.count_ones() < MAX_BATCH {
                keep |= 1 << i;
            }
        }
        if keep == 0 || st.gathering.contains_key(&(client, first)) {
            return; // empty, or a duplicate copy
        }
        st.gathering.insert(
            (client, first),
            Gather {
                left: keep,
                mask: keep,
                counters: [u32::MAX; MAX_BATCH as usize],
            },
        );
        for i in (0..64).filter(|i| keep & 1 << i != 0) {
            let req = first + i;
            let (key, write) = self.request(client, req);
            let op = if write {
                KvOp::Put {
                    value: u64::from(client) << 32 | req,
                    version: 0,
                }
            } else {
                KvOp::Get
            };
            let job = Job {
                from,
                client,
                req,
                key,
                op,
                arrived: ctx.local_now,
                batch: first,
            };
            self.enqueue(st, ctx, job, out);
        }
    }

    /// Records `job`'s answer (`counter`: its version's counter, or
    /// `u32::MAX` if dropped) in its batch, sending the batch's answers
    /// when it was the last.
    pub(super) fn gathered(&self, st: &mut KvState, job: Job, counter: u32, out: &mut Out<KvMsg>) {
        let Some(g) = st.gathering.get_mut(&(job.client, job.batch)) else {
            return;
        };
        let bit = 1u64 << (job.req - job.batch);
        let k = (g.mask & (bit - 1)).count_ones() as usize;
        g.counters[k] = counter;
        g.left &= !bit;
        if g.left == 0 {
            let g = st
                .gathering
                .remove(&(job.client, job.batch))
                .expect("gathering");
            out.send(
                NodeId(job.from),
                KvMsg::Answers {
                    client: job.client,
                    first: job.batch,
                    mask: g.mask,
                    counters: g.counters,
                },
            );
        }
    }

    /// Starts serving the first queued request that a client may still be
    /// waiting for: one that waited past the deadline is dropped unserved
    /// (its client has given up; serving it would only delay the rest).
    pub(super) fn serve_next(&self, st: &mut KvState, ctx: &Ctx, out: &mut Out<KvMsg>) {
        while let Some(job) = st.queue.pop_front() {
            if ctx.local_now - job.arrived > self.deadline as i64 {
                st.shed += 1;
                if job.batch != 0 {
                    self.gathered(st, job, u32::MAX, out);
                }
                continue;
            }
            st.busy = Some(job);
            out.set_timer(SERVE_TIMER, self.service_time(ctx.id.0));
            break;
        }
    }

    /// Applies `op` to `key`: a read returns the stored version (0: never
    /// written). A write `by` a server takes the next version, made unique
    /// by the server's id in the low 12 bits (two primaries never issue the
    /// same version); without one it keeps the writer's version if newer.
    pub(super) fn apply(
        data: &mut BTreeMap<u32, (u64, u64)>,
        key: u32,
        op: KvOp,
        by: Option<u32>,
    ) -> u64 {
        let cur = data.get(&key).copied().unwrap_or((0, 0));
        match op {
            KvOp::Get => cur.0,
            KvOp::Put { value, version } => {
                let v = match by {
                    Some(node) => ((cur.0 >> 12) + 1) << 12 | u64::from(node & 0xFFF),
                    None => version,
                };
                if v > cur.0 {
                    data.insert(key, (v, value));
                }
                v
            }
        }
    }

    pub(super) fn finish(&self, st: &mut KvState, ctx: &Ctx, out: &mut Out<KvMsg>) {
        let Some(job) = st.busy.take() else { return };
        st.served += 1;
        match st.place {
            Place::Server { .. } => {
                let by = (self.layout != Layout::Quorum).then_some(ctx.id.0);
                let version = Self::apply(&mut st.data, job.key, job.op, by);
                if job.batch != 0 {
                    self.gathered(st, job, (version >> 12) as u32, out);
                } else {
                    out.send(NodeId(job.from), reply(job, version));
                }
            }
            Place::Store => {
                let version = Self::apply(&mut st.data, job.key, job.op, Some(ctx.id.0));
                out.send(
                    NodeId(job.from),
                    KvMsg::Stored {
                        token: job.req,
                        version,
                    },
                );
            }
            Place::Worker { .. } => {
                st.next_token += 1;
                st.jobs.insert(st.next_token, job);
                out.send(
                    NodeId(1),
                    KvMsg::Store {
                        token: st.next_token,
                        key: job.key,
                        op: job.op,
                    },
                );
            }
            Place::Replica { shard, rank } => {
                if st.primary != Some(rank) {
                    // Deposed while serving: the client will time out.
                } else if let KvOp::Put { value, .. } = job.op {
                    let version = Self::apply(&mut st.data, job.key, job.op, Some(ctx.id.0));
                    st.next_token += 1;
                    let token = st.next_token;
                    for r in 0..self.copies() {
                        if r != rank {
                            out.send(
                                NodeId(self.replica(shard, r)),
                                KvMsg::Replicate {
                                    epoch: st.epoch,
                                    token,
                                    key: job.key,
                                    version,
                                    value,
                                },
                            );
                        }
                    }
                    if st.in_sync == 0 {
                        out.send(NodeId(job.from), reply(job, version));
                    } else {
                        if st.acks.is_empty() {
                            out.set_timer(ACK_TIMER, self.ack_timeout());
                        }
                        st.acks.insert(
                            token,
                            Waiting {
                                client: job.client,
                                req: job.req,
                                version,
                                waiting: st.in_sync,
                                deadline: ctx.local_now + self.ack_timeout() as i64,
                            },
                        );
                    }
                } else {
                    let version = Self::apply(&mut st.data, job.key, job.op, Some(ctx.id.0));
                    out.send(NodeId(job.from), reply(job, version));
                }
            }
            Place::Client | Place::Balancer => {}
        }
        self.serve_next(st, ctx, out);
        out.note(Note::KvQueue {
            len: st.queue.len() as u32 + u32::from(st.busy.is_some()),
        });
    }

    pub(super) fn pick_worker(&self, st: &mut KvState, ctx: &Ctx) -> Option<u32> {
        let w = self.servers;
        let threshold = PeerHistory::threshold(&self.detector);
        let mut best: Option<u32> = None;
        for k in 0..w {
            let c = (st.turn + k) % w;
            let h = &mut st.watches[c as usize];
            let up = h.level(ctx.local_now, &self.detector) < threshold;
            if !up {
                h.suspected = true;
                continue;
            }
            match self.balance {
                Balance::RoundRobin => {
                    best = Some(c);
                    break;
                }
                Balance::LeastOutstanding => {
                    if best.is_none_or(|b| st.outstanding[c as usize] < st.outstanding[b as usize])
                    {
                        best = Some(c);
                    }
                }
            }
        }
        if let Some(b) = best {
            st.turn = (b + 1) % w.max(1);
        }
        best
    }

    pub(super) fn heard_worker(&self, st: &mut KvState, ctx: &Ctx, from: u32) {
        let w = from.wrapping_sub(2) as usize;
        if let Some(h) = st.watches.get_mut(w) {
            if h.suspected {
                // Back after being given up on: what it had is lost.
                h.suspected = false;
                st.outstanding[w] = 0;
            }
            h.heartbeat(ctx.local_now, &self.detector);
        }
    }

    pub(super) fn beat(&self, st: &KvState, _ctx: &Ctx, out: &mut Out<KvMsg>) {
        match st.place {
            Place::Worker { .. } => out.send(NodeId(0), KvMsg::Beat { epoch: 0 }),
            Place::Replica { shard, rank } if st.primary == Some(rank) => {
                for r in 0..self.copies() {
                    if r != rank {
                        out.send(
                            NodeId(self.replica(shard, r)),
                            KvMsg::Beat { epoch: st.epoch },
                        );
                    }
                }
            }
            _ => return,
        }
        out.set_timer(BEAT_TIMER, self.interval.max(1));
    }
}

pub(super) fn reply(job: Job, version: u64) -> KvMsg {
    KvMsg::Resp {
        client: job.client,
        req: job.req,
        version,
    }
}
