// Feed batches (docs/FEEDS.md, "Browser"): the feed worker packs the MQTT messages it receives
// into one ArrayBuffer every ~50 ms (sooner when a batch reaches 64 KiB) and transfers it to the
// page, which hands it to the core in one call (citymap_feed_batch; core/feeds/feed_batch.hpp
// checks and walks it). A batch is the messages back to back, each framed as
//   [u16 topic length][topic bytes, UTF-8][u32 payload length][payload bytes]
// with little-endian lengths and nothing before, between or after them. An empty payload is a
// retained clear (the entity goes).
//
// Coalescing: within one batch a message supersedes an earlier one on the same topic (last write
// wins per entity: its topic names it). The survivor keeps the place of the newest write, so the
// batch holds each topic once, in the order of the topics' last arrivals. The store keeps per
// entity the newest by (source, sequence) and entities are independent, so this gives the same
// state whenever an entity's messages arrive in order (MQTT keeps one publisher's order); a
// retained clear is a write like any other (a clear then a new state: the new state; a state then
// a clear: the clear). Feed batches (.../<kind>/batch, below) are split into their messages
// first, so their updates coalesce with the entity topics' retained messages; a batch that cannot
// be split goes on whole and never coalesces.
//
// Feed batches from the publishers (core/feeds/feed.fbs "Batch", file identifier CMB1, on
// citymap/v1/<city>/<kind>/batch): a vector of Update tables, each with a complete feed message
// (CMF1) as bytes. splitFeedBatch reads just enough of the FlatBuffers to find each message and
// its entity id, every read bounds-checked; it is not a verifier: the core verifies every message
// it gets, and a batch this reader cannot follow goes to the core unchanged, which refuses it
// with the reason (counted as malformed or unknown).

const encoder = new TextEncoder();
export const FRAME_HEADER_BYTES = 6; // the two length fields
export const MAX_TOPIC_BYTES = 0xffff;

// feed.fbs: the Payload union's members, 1..7, by their topic names (core/feeds/topic.cpp).
export const FEED_KINDS = ['traffic', 'camera', 'sensor', 'incident', 'bus', 'shelter', 'storm'];
export const MAX_BATCH_UPDATES = 2048; // feeds::kMaxFeedBatchUpdates
export const BATCH_TOPIC_SUFFIX = '/batch';
const BAD = new Error('unreadable feed batch');

// Bounds-checked little-endian reads of FlatBuffers inside [start, end) of `view`.
function flatReader(view, start, end) {
  const need = (at, n) => {
    if (!(at >= start && at + n <= end)) throw BAD;
  };
  const u16 = (at) => (need(at, 2), view.getUint16(at, true));
  const u32 = (at) => (need(at, 4), view.getUint32(at, true));
  return {
    u8: (at) => (need(at, 1), view.getUint8(at)),
    u16,
    u32,
    // The target of the unsigned offset stored at `at`.
    deref: (at) => at + u32(at),
    // Where field `k` of the table at `t` lies, 0 when it is absent.
    field: (t, k) => {
      const vt = t - (need(t, 4), view.getInt32(t, true));
      const size = u16(vt);
      if (size < 4 || 4 + 2 * k + 2 > size) return 0;
      const fo = u16(vt + 4 + 2 * k);
      return fo ? t + fo : 0;
    },
    identifier: (id) => {
      need(start, 8);
      for (let i = 0; i < 4; i++) if (view.getUint8(start + 4 + i) !== id.charCodeAt(i)) throw BAD;
    },
    // A u64 as a decimal string (exact: a Number while it is one, else a BigInt).
    u64: (at) => {
      need(at, 8);
      const lo = view.getUint32(at, true), hi = view.getUint32(at + 4, true);
      if (hi < 0x200000) return String(hi * 4294967296 + lo);
      return view.getBigUint64(at, true).toString();
    },
  };
}

/**
 * The messages of a feed batch on `topic` (citymap/v1/<city>/<kind>/batch) as
 * [{topic, payload}]: each message on its entity's topic (citymap/v1/<city>/<kind>/<id>), its
 * payload a view into `payload`. null when the batch cannot be read whole, or a message is of
 * another kind, has no entity id or is not a CMF1 buffer: the caller then passes it on as it came.
 */
export function splitFeedBatch(topic, payload) {
  if (!topic.endsWith(BATCH_TOPIC_SUFFIX)) return null;
  const prefix = topic.slice(0, topic.length - BATCH_TOPIC_SUFFIX.length + 1); // ".../<kind>/"
  const kind = FEED_KINDS.indexOf(prefix.slice(prefix.lastIndexOf('/', prefix.length - 2) + 1, -1)) + 1;
  if (kind === 0) return null;
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  try {
    const r = flatReader(view, 0, payload.byteLength);
    r.identifier('CMB1');
    const root = r.deref(0);
    const version = r.field(root, 0);
    if (version && r.u16(version) !== 1) return null; // newer: the core says so
    const updates = r.field(root, 1);
    if (!updates) return null;
    const vec = r.deref(updates);
    const n = r.u32(vec);
    if (n === 0 || n > MAX_BATCH_UPDATES) return null;
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      const update = r.deref(vec + 4 + 4 * i);
      const field = r.field(update, 0);
      if (!field) return null;
      const bytes = r.deref(field);
      const length = r.u32(bytes);
      const start = bytes + 4;
      if (length > payload.byteLength - start) return null;
      // The message: Message.payload_type (field 5) and payload (6); every payload table's
      // first field is its entity id.
      const m = flatReader(view, start, start + length);
      m.identifier('CMF1');
      const message = m.deref(start);
      const type = m.field(message, 5);
      if (!type || m.u8(type) !== kind) return null;
      const body = m.field(message, 6);
      if (!body) return null;
      const idField = m.field(m.deref(body), 0);
      if (!idField) return null;
      const id = m.u64(idField);
      if (id === '0') return null;
      out[i] = { topic: prefix + id, payload: payload.subarray(start, start + length) };
    }
    return out;
  } catch (e) {
    if (e === BAD) return null;
    throw e;
  }
}

/**
 * Appends framed messages to a growing buffer. add(topic, payload, true) coalesces: an earlier
 * message on the same topic in this batch is superseded (see the top of this file).
 */
export class BatchWriter {
  constructor(initialBytes = 64 * 1024) {
    this.initialBytes = initialBytes;
    this.alloc(initialBytes);
    this.size = 0; // bytes framed so far (superseded messages included)
    this.count = 0; // messages in the batch (superseded ones not)
    this.superseded = 0; // messages superseded since the last take()
    this.starts = []; // each framed message's offset, -1 once superseded
    this.byTopic = new Map(); // topic -> index in starts, of coalescing messages
  }

  alloc(bytes) {
    this.bytes = new Uint8Array(bytes);
    this.view = new DataView(this.bytes.buffer);
  }

  reserve(n) {
    if (this.size + n <= this.bytes.length) return;
    let cap = Math.max(this.bytes.length, 1024);
    while (cap < this.size + n) cap *= 2;
    const old = this.bytes.subarray(0, this.size);
    this.alloc(cap);
    this.bytes.set(old);
  }

  /**
   * Frames one message: topic a string, payload a Uint8Array (an mqtt.js Buffer is one). False,
   * and nothing added, if the topic is longer than a u16 can say.
   */
  add(topic, payload, coalesce = false) {
    const room = topic.length * 3; // UTF-8 bytes per UTF-16 unit at most
    this.reserve(FRAME_HEADER_BYTES + room + payload.length);
    const at = this.size;
    // Topics are ASCII in practice: copied directly (TextEncoder.encodeInto costs ~10 us a call
    // in Chromium, more than the rest of the framing); anything else goes through the encoder.
    let written = 0;
    const bytes = this.bytes;
    for (; written < topic.length; written++) {
      const c = topic.charCodeAt(written);
      if (c >= 0x80) break;
      bytes[at + 2 + written] = c;
    }
    if (written < topic.length) {
      written = encoder.encodeInto(topic, bytes.subarray(at + 2, at + 2 + room)).written;
    }
    if (written > MAX_TOPIC_BYTES) return false;
    this.view.setUint16(at, written, true);
    this.view.setUint32(at + 2 + written, payload.length, true);
    this.bytes.set(payload, at + FRAME_HEADER_BYTES + written);
    this.size = at + FRAME_HEADER_BYTES + written + payload.length;
    this.count += 1;
    if (coalesce) {
      const before = this.byTopic.get(topic);
      if (before !== undefined) {
        this.starts[before] = -1;
        this.count -= 1;
        this.superseded += 1;
      }
      this.byTopic.set(topic, this.starts.length);
    }
    this.starts.push(at);
    return true;
  }

  frameEnd(at) {
    const topicBytes = this.view.getUint16(at, true);
    return at + FRAME_HEADER_BYTES + topicBytes + this.view.getUint32(at + 2 + topicBytes, true);
  }

  /**
   * The batch as an ArrayBuffer of exactly its size (a copy, without the superseded messages);
   * the writer starts again empty.
   */
  take() {
    let out;
    if (this.count === this.starts.length) {
      out = this.bytes.slice(0, this.size).buffer;
    } else {
      let live = 0;
      for (const at of this.starts) if (at >= 0) live += this.frameEnd(at) - at;
      const copy = new Uint8Array(live);
      let to = 0;
      for (const at of this.starts) {
        if (at < 0) continue;
        const end = this.frameEnd(at);
        copy.set(this.bytes.subarray(at, end), to);
        to += end - at;
      }
      out = copy.buffer;
    }
    this.size = 0;
    this.count = 0;
    this.superseded = 0;
    this.starts = [];
    this.byTopic.clear();
    if (this.bytes.length > 16 * this.initialBytes) this.alloc(this.initialBytes); // after a burst
    return out;
  }

  /** Drops the oldest messages until at most maxBytes remain; returns how many went. */
  dropOldest(maxBytes) {
    let offset = 0;
    let dropped = 0;
    let frames = 0;
    while (this.size - offset > maxBytes) {
      if (this.starts[frames] >= 0) dropped += 1; // superseded ones were counted already
      offset = this.frameEnd(offset);
      frames += 1;
    }
    this.bytes.copyWithin(0, offset, this.size);
    this.size -= offset;
    this.count -= dropped;
    this.starts = this.starts.slice(frames).map((at) => (at < 0 ? -1 : at - offset));
    for (const [topic, i] of this.byTopic) {
      if (i < frames) this.byTopic.delete(topic);
      else this.byTopic.set(topic, i - frames);
    }
    return dropped;
  }
}

/**
 * Collects messages and posts them in batches: post({buffer, count, dropped, superseded,
 * received, updates}) once `intervalMs`
 * after the first message of a batch, or as soon as a batch reaches `flushBytes`. At most
 * `maxInFlight` batches wait for the page's ack(); beyond that messages keep collecting, and
 * when more than `maxPendingBytes` wait the oldest go (the newest state wins, as in the core's
 * queue). `dropped` counts every message dropped so far (too long a topic, or no room),
 * `superseded` those coalesced away, `received` the MQTT messages and `updates` the messages in
 * them (a split feed batch counts its messages), all since the start.
 */
export class FeedBatcher {
  constructor({
    post, intervalMs = 50, flushBytes = 64 * 1024, maxInFlight = 4, maxPendingBytes = 4 * 1024 * 1024,
    setTimer = (f, ms) => setTimeout(f, ms), clearTimer = (t) => clearTimeout(t),
  }) {
    Object.assign(this, { post, intervalMs, flushBytes, maxInFlight, maxPendingBytes, setTimer, clearTimer });
    this.writer = new BatchWriter(Math.min(flushBytes, 64 * 1024) * 2);
    this.timer = null;
    this.due = false; // the pending batch should go as soon as the window allows
    this.inFlight = 0;
    this.dropped = 0;
    this.superseded = 0; // messages coalesced away so far
    this.received = 0; // MQTT messages received (receive())
    this.updates = 0; // messages in them (a split feed batch counts its messages)
  }

  /**
   * One MQTT message. A feed batch (.../<kind>/batch) is split into its messages (splitFeedBatch)
   * when it can be; every message but a whole batch coalesces with the pending ones.
   */
  receive(topic, payload) {
    this.received += 1;
    const parts = topic.endsWith(BATCH_TOPIC_SUFFIX) ? splitFeedBatch(topic, payload) : null;
    if (!parts) {
      this.updates += 1;
      this.add(topic, payload, !topic.endsWith(BATCH_TOPIC_SUFFIX));
      return 1;
    }
    this.updates += parts.length;
    for (const p of parts) this.add(p.topic, p.payload, true);
    return parts.length;
  }

  add(topic, payload, coalesce = false) {
    if (!this.writer.add(topic, payload, coalesce)) {
      this.dropped += 1;
      return;
    }
    if (this.writer.size > this.maxPendingBytes) this.dropped += this.writer.dropOldest(this.maxPendingBytes / 2);
    if (this.writer.size >= this.flushBytes) this.due = true;
    else if (this.timer === null && !this.due) {
      this.timer = this.setTimer(() => {
        this.timer = null;
        this.due = true;
        this.pump();
      }, this.intervalMs);
    }
    this.pump();
  }

  /** The page handled a batch. */
  ack() {
    if (this.inFlight > 0) this.inFlight -= 1;
    this.pump();
  }

  /** Posts what is pending now, whatever the window (before a connection state change, to keep the order). */
  flushNow() {
    if (this.writer.count > 0) this.send();
  }

  pump() {
    if (this.due && this.writer.count > 0 && this.inFlight < this.maxInFlight) this.send();
  }

  send() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.due = false;
    const count = this.writer.count;
    this.superseded += this.writer.superseded;
    const buffer = this.writer.take();
    this.inFlight += 1;
    this.post({
      buffer, count, dropped: this.dropped, superseded: this.superseded, received: this.received, updates: this.updates,
    });
  }
}
