//! User actions on a run: `Sim::apply` validates a command, applies it now
//! and records it with the exact instant it took effect; `Sim::validate`
//! says whether it would be accepted, without changing anything.

use super::*;

impl<P: Protocol> Sim<P> {
    fn check_node(&self, n: NodeId) -> Result<(), String> {
        if n.0 < self.config.nodes {
            Ok(())
        } else {
            Err(format!(
                "there is no node {n}: nodes are n0 to n{}",
                self.config.nodes.saturating_sub(1)
            ))
        }
    }

    /// Applies a user action now and records it. Invalid actions (an unknown node,
    /// crashing a crashed node) are refused with a message and change nothing.
    pub fn apply(&mut self, cmd: Command) -> Result<(), String> {
        self.validate(&cmd)?;
        self.sources.push(Source::User);
        self.commands.push(RecordedCommand {
            at: self.now,
            after_events: self.stats.events,
            cmd: cmd.clone(),
        });
        self.trace.record(self.now, TraceKind::Command(cmd.clone()));
        let n = self.config.nodes;
        match cmd {
            Command::Crash(node) => self.halt(node.0, DownKind::Crash, false),
            Command::FailStop(node) => {
                self.halt(node.0, DownKind::FailStop, false);
                // Every other node is told, reliably and promptly: no network involved.
                for other in (0..n).filter(|&o| o != node.0) {
                    self.push(self.now + NOTICE_DELAY, What::notice(other, node.0));
                }
            }
            Command::CrashRecover {
                node,
                after,
                stable,
            } => {
                self.halt(node.0, DownKind::Crash, stable);
                let at = self.now + after.max(1);
                self.nodes[node.0 as usize].recover_at = Some(at);
                self.push(at, What::restart(node.0));
            }
            Command::Recover(node) => self.start_node(node.0),
            Command::CutLink(a, b) => {
                self.service.link(true, self.now);
                self.net.set_cut(a, b, true)
            }
            Command::HealLink(a, b) => {
                self.service.link(false, self.now);
                self.net.set_cut(a, b, false)
            }
            Command::Partition(group) => {
                self.service.link(true, self.now);
                let mut in_group = vec![false; n as usize];
                for g in &group {
                    in_group[g.0 as usize] = true;
                }
                for a in 0..n {
                    for b in (a + 1)..n {
                        if in_group[a as usize] != in_group[b as usize] {
                            self.net.set_cut(NodeId(a), NodeId(b), true);
                        }
                    }
                }
            }
            Command::HealAll => {
                if self.net.cut_count() > 0 {
                    self.service.link(false, self.now);
                    for a in 0..n {
                        for b in (a + 1)..n {
                            self.net.set_cut(NodeId(a), NodeId(b), false);
                        }
                    }
                }
            }
            Command::SetNetwork(c) => self.net.config = c,
            Command::Attack { from, to, mode } => self.net.set_attack(from, to, mode),
            Command::Tamper { id, dup, action } => {
                let slot = self.flight_slot(id, dup).expect("validated");
                let now = self.now;
                self.seq += 1;
                let seq = self.seq;
                let f = self.flights.slots[slot as usize]
                    .as_mut()
                    .expect("in flight");
                match action {
                    Tamper::Drop => {
                        f.lost = Some((now, DropReason::ByHand));
                        f.entry = seq;
                        self.queue.push(Entry {
                            time: now,
                            seq,
                            what: What::lost(slot),
                        });
                    }
                    Tamper::Delay(d) => {
                        f.arrive = f.arrive.saturating_add(d);
                        f.entry = seq;
                        let at = f.arrive;
                        self.queue.push(Entry {
                            time: at,
                            seq,
                            what: What::arrive(slot),
                        });
                    }
                    Tamper::Duplicate => {
                        let mut copy = f.clone();
                        copy.dup = true;
                        copy.entry = seq;
                        let at = copy.arrive;
                        self.stats.duplicated += 1;
                        self.net.hold(copy.from, copy.to);
                        self.trace.stamp_next(copy.stamp.clone());
                        self.trace.record(
                            now,
                            TraceKind::Send {
                                id: copy.id,
                                from: copy.from,
                                to: copy.to,
                                msg: copy.msg.clone(),
                                depart: copy.depart,
                                arrive: copy.arrive,
                                dup: true,
                                deviant: copy.deviant,
                                lost: None,
                            },
                        );
                        let slot2 = self.flights.insert(copy);
                        self.queue.push(Entry {
                            time: at,
                            seq,
                            what: What::arrive(slot2),
                        });
                    }
                }
            }
            Command::SetOmission { node, send, recv } => {
                let b = &mut self.nodes[node.0 as usize].behaviour;
                b.send_omission = send;
                b.recv_omission = recv;
            }
            Command::SetByzantine { node, mode } => {
                self.nodes[node.0 as usize].behaviour.byzantine = mode;
                self.replay_log[node.0 as usize].clear();
            }
            Command::SetRpc(c) => {
                self.protocol.reconfigure(&c).expect("validated");
                self.metrics.mode = Some(c.mode);
            }
        }
        Ok(())
    }

    /// Why `cmd` cannot be applied now, if it cannot; changes nothing.
    pub fn validate(&self, cmd: &Command) -> Result<(), String> {
        let up = |n: &NodeId| -> Result<(), String> {
            self.check_node(*n)?;
            if self.nodes[n.0 as usize].is_up() {
                Ok(())
            } else {
                Err(format!("{n} is already down"))
            }
        };
        let prob = |name: &str, p: f64| {
            if p.is_finite() && (0.0..=1.0).contains(&p) {
                Ok(())
            } else {
                Err(format!("{name} must be a probability between 0 and 1"))
            }
        };
        match cmd {
            Command::Crash(n) | Command::FailStop(n) => up(n),
            Command::CrashRecover { node, after, .. } => {
                up(node)?;
                if *after > 3_600_000_000 {
                    return Err("recovery delay must be at most one hour".to_string());
                }
                Ok(())
            }
            Command::Recover(n) => {
                self.check_node(*n)?;
                if self.nodes[n.0 as usize].is_up() {
                    Err(format!("{n} is already up"))
                } else {
                    Ok(())
                }
            }
            Command::CutLink(a, b) | Command::HealLink(a, b) => {
                self.check_node(*a)?;
                self.check_node(*b)?;
                if a == b {
                    return Err("a link joins two different nodes".to_string());
                }
                Ok(())
            }
            Command::Partition(group) => {
                for g in group {
                    self.check_node(*g)?;
                }
                let mut in_group = vec![false; self.config.nodes as usize];
                for g in group {
                    in_group[g.0 as usize] = true;
                }
                if in_group.iter().all(|&g| g) || !in_group.iter().any(|&g| g) {
                    return Err("a partition needs nodes on both sides".to_string());
                }
                Ok(())
            }
            Command::HealAll => Ok(()),
            Command::Attack { from, to, .. } => {
                self.check_node(*from)?;
                self.check_node(*to)?;
                if from == to {
                    return Err("a link joins two different nodes".to_string());
                }
                Ok(())
            }
            Command::Tamper { id, dup, action } => {
                if self.flight_slot(*id, *dup).is_none() {
                    return Err(format!(
                        "message m{id}{} is not in flight now (it arrived, was lost, or never existed)",
                        if *dup { " (duplicate copy)" } else { "" }
                    ));
                }
                match action {
                    Tamper::Delay(d) if *d == 0 || *d > 3_600_000_000 => {
                        Err("a delay is from 1 µs to an hour".to_string())
                    }
                    _ => Ok(()),
                }
            }
            Command::SetNetwork(c) => validate_net(c),
            Command::SetOmission { node, send, recv } => {
                self.check_node(*node)?;
                prob("send omission", *send)?;
                prob("receive omission", *recv)
            }
            Command::SetByzantine { node, .. } => self.check_node(*node),
            Command::SetRpc(c) => {
                // Validate on a copy: a refused command changes nothing.
                let mut probe = self.protocol.clone();
                probe.reconfigure(c)
            }
        }
    }
}
