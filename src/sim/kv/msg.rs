//! The key-value service's messages. Small and `Copy`, like every workload's:
//! one arrow in the picture is one request, reply or replicated write.

use crate::sim::node::Payload;
use std::fmt;

/// What a client asks of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KvOp {
    /// Read the key.
    Get,
    /// Write `value` at `version` (a quorum client picks the version; a
    /// server with a counter ignores it and picks its own).
    Put { value: u64, version: u64 },
}

/// A message of the key-value service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KvMsg {
    /// A request: from a client, or forwarded by the load balancer (`client`
    /// names the client either way).
    Req {
        client: u32,
        req: u64,
        key: u32,
        op: KvOp,
    },
    /// The answer: the version read or written (0: the key was never written).
    Resp { client: u32, req: u64, version: u64 },
    /// "I am not the primary; try this node."
    Redirect { req: u64, primary: u32 },
    /// A stateless worker asks the store (`token` names the worker's job).
    Store { token: u64, key: u32, op: KvOp },
    /// The store's answer.
    Stored { token: u64, version: u64 },
    /// A heartbeat: a worker to the load balancer, a primary to its backups.
    Beat { epoch: u64 },
    /// The primary's write to a backup (also a heartbeat).
    Replicate {
        epoch: u64,
        token: u64,
        key: u32,
        version: u64,
        value: u64,
    },
    /// A backup has applied replicated write `token`.
    Ack { token: u64 },
    /// A restarted replica asks for the shard's data.
    Join,
    /// Several requests in one message: `client`'s requests `first + i` for
    /// each bit `i` of `mask` (their keys and operations follow from the
    /// client and the number, [`super::Kv::request`]).
    Batch { client: u32, first: u64, mask: u64 },
    /// The answers to a batch, in one message: for the k-th bit of `mask`,
    /// the version's counter `counters[k]` (the server's id completes it;
    /// `u32::MAX`: dropped unserved).
    Answers {
        client: u32,
        first: u64,
        mask: u64,
        counters: [u32; super::MAX_BATCH as usize],
    },
}

impl fmt::Display for KvOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KvOp::Get => write!(f, "get"),
            KvOp::Put { value, .. } => write!(f, "put {value:x}"),
        }
    }
}

impl fmt::Display for KvMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            KvMsg::Req {
                client,
                req,
                key,
                op,
            } => write!(f, "c{client}#{req}: {op} k{key}"),
            KvMsg::Resp {
                client,
                req,
                version,
            } => write!(f, "reply to c{client}#{req}: version {version}"),
            KvMsg::Redirect { req, primary } => write!(f, "#{req}: not primary, try n{primary}"),
            KvMsg::Store { token, key, op } => write!(f, "job {token}: {op} k{key} at the store"),
            KvMsg::Stored { token, version } => write!(f, "job {token} stored: version {version}"),
            KvMsg::Beat { epoch } => write!(f, "heartbeat (epoch {epoch})"),
            KvMsg::Replicate {
                epoch,
                key,
                version,
                ..
            } => write!(f, "replicate k{key} version {version} (epoch {epoch})"),
            KvMsg::Ack { token } => write!(f, "ack write {token}"),
            KvMsg::Join => write!(f, "join: send me the shard's data"),
            KvMsg::Batch {
                client,
                first,
                mask,
            } => write!(
                f,
                "batch of {} requests from c{client} (#{first}…)",
                mask.count_ones()
            ),
            KvMsg::Answers {
                client,
                first,
                mask,
                ..
            } => write!(f, "{} answers to c{client} (#{first}…)", mask.count_ones()),
        }
    }
}

impl Payload for KvMsg {
    fn kind(&self) -> &'static str {
        match self {
            KvMsg::Req { op: KvOp::Get, .. } => "get",
            KvMsg::Req { .. } => "put",
            KvMsg::Resp { .. } => "reply",
            KvMsg::Redirect { .. } => "redirect",
            KvMsg::Store { .. } => "store",
            KvMsg::Stored { .. } => "stored",
            KvMsg::Beat { .. } => "beat",
            KvMsg::Replicate { .. } => "replicate",
            KvMsg::Ack { .. } => "ack",
            KvMsg::Join => "join",
            KvMsg::Batch { .. } => "batch",
            KvMsg::Answers { .. } => "answers",
        }
    }

    fn digest(&self) -> u64 {
        let op = |op: &KvOp| match *op {
            KvOp::Get => 0,
            KvOp::Put { value, version } => value.rotate_left(7) ^ version ^ 1,
        };
        let (k, a, b, c): (u64, u64, u64, u64) = match self {
            KvMsg::Req {
                client,
                req,
                key,
                op: o,
            } => (1, (*client).into(), *req ^ u64::from(*key) << 40, op(o)),
            KvMsg::Resp {
                client,
                req,
                version,
            } => (2, (*client).into(), *req, *version),
            KvMsg::Redirect { req, primary } => (3, *req, (*primary).into(), 0),
            KvMsg::Store { token, key, op: o } => (4, *token, (*key).into(), op(o)),
            KvMsg::Stored { token, version } => (5, *token, *version, 0),
            KvMsg::Beat { epoch } => (6, *epoch, 0, 0),
            KvMsg::Replicate {
                epoch,
                token,
                key,
                version,
                value,
            } => (
                7,
                *epoch ^ u64::from(*key) << 40,
                *token ^ value.rotate_left(13),
                *version,
            ),
            KvMsg::Ack { token } => (8, *token, 0, 0),
            KvMsg::Join => (9, 0, 0, 0),
            KvMsg::Batch {
                client,
                first,
                mask,
            } => (10, (*client).into(), *first, *mask),
            KvMsg::Answers {
                client,
                first,
                mask,
                counters,
            } => (
                11,
                u64::from(*client) ^ *mask << 20,
                *first,
                counters
                    .iter()
                    .fold(0u64, |h, c| h.rotate_left(9) ^ u64::from(*c)),
            ),
        };
        k.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ a.rotate_left(17) ^ b.rotate_left(31) ^ c
    }
}
