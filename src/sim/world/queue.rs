//! The event queue's entries and the slab of messages in flight: the
//! core's hottest data, kept small (an entry is 24 bytes).

use super::*;
use std::cmp::Ordering;

/// What a queue entry does, packed into one word so entries stay 24 bytes
/// (the heap's sift is the core's hottest loop; smaller entries move faster).
/// Top 2 bits: kind. Flights: slab slot in the low 32 bits.
/// Timers: node in bits 0..32, tag in bits 32..48; a timer entry is live only
/// while its node still holds a pending timer with that tag *and this entry's seq*.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct What(u64);

pub(super) const KIND_ARRIVE: u64 = 0;
pub(super) const KIND_LOST: u64 = 1;
pub(super) const KIND_TIMER: u64 = 2;
/// Scheduled by the simulator itself: a restart or a fail-stop notice.
/// Sub-kind in bits 60..62; node in bits 0..32; the failed node of a notice in bits 32..60.
pub(super) const KIND_CONTROL: u64 = 3;
pub(super) const CONTROL_RESTART: u64 = 0;
pub(super) const CONTROL_NOTICE: u64 = 1;

impl What {
    pub(super) fn arrive(slot: u32) -> Self {
        What((KIND_ARRIVE << 62) | slot as u64)
    }
    pub(super) fn lost(slot: u32) -> Self {
        What((KIND_LOST << 62) | slot as u64)
    }
    pub(super) fn timer(node: u32, tag: TimerTag) -> Self {
        What((KIND_TIMER << 62) | ((tag as u64 & 0xFFFF) << 32) | node as u64)
    }
    pub(super) fn restart(node: u32) -> Self {
        What((KIND_CONTROL << 62) | (CONTROL_RESTART << 60) | node as u64)
    }
    pub(super) fn notice(to: u32, failed: u32) -> Self {
        What(
            (KIND_CONTROL << 62)
                | (CONTROL_NOTICE << 60)
                | ((failed as u64 & 0x0FFF_FFFF) << 32)
                | to as u64,
        )
    }
    pub(super) fn control(self) -> u64 {
        (self.0 >> 60) & 0b11
    }
    pub(super) fn failed(self) -> u32 {
        ((self.0 >> 32) & 0x0FFF_FFFF) as u32
    }
    pub(super) fn kind(self) -> u64 {
        self.0 >> 62
    }
    pub(super) fn low(self) -> u32 {
        self.0 as u32
    }
    pub(super) fn tag(self) -> TimerTag {
        ((self.0 >> 32) & 0xFFFF) as TimerTag
    }
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Entry {
    pub(super) time: Micros,
    pub(super) seq: u64,
    pub(super) what: What,
}

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.time == o.time && self.seq == o.seq
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    // Reversed: BinaryHeap is a max-heap and we want the earliest (time, seq).
    fn cmp(&self, o: &Self) -> Ordering {
        (o.time, o.seq).cmp(&(self.time, self.seq))
    }
}

/// Messages in flight, in a slab: stable indices for queue entries, slots reused.
#[derive(Clone, Debug)]
pub(super) struct Slab<T> {
    pub(super) slots: Vec<Option<T>>,
    pub(super) free: Vec<u32>,
    pub(super) len: u32,
}

impl<T> Slab<T> {
    pub(super) fn new() -> Self {
        Slab {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }
    pub(super) fn insert(&mut self, v: T) -> u32 {
        self.len += 1;
        if let Some(i) = self.free.pop() {
            self.slots[i as usize] = Some(v);
            i
        } else {
            self.slots.push(Some(v));
            (self.slots.len() - 1) as u32
        }
    }
    pub(super) fn remove(&mut self, i: u32) -> T {
        let v = self.slots[i as usize].take().expect("slab slot in use");
        self.free.push(i);
        self.len -= 1;
        v
    }
    pub(super) fn get(&self, i: u32) -> Option<&T> {
        self.slots.get(i as usize).and_then(|s| s.as_ref())
    }
}
