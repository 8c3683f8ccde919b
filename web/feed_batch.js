// Feed batches (docs/FEEDS.md, "Browser"): the feed worker packs the MQTT messages it receives
// into one ArrayBuffer every ~50 ms (sooner when a batch reaches 64 KiB) and transfers it to the
// page, which hands it to the core in one call (citymap_feed_batch; core/feeds/feed_batch.hpp
// checks and walks it). A batch is the messages back to back, each framed as
//   [u16 topic length][topic bytes, UTF-8][u32 payload length][payload bytes]
// with little-endian lengths and nothing before, between or after them. An empty payload is a
// retained clear (the entity goes).

const encoder = new TextEncoder();
export const FRAME_HEADER_BYTES = 6; // the two length fields
export const MAX_TOPIC_BYTES = 0xffff;

/** Appends framed messages to a growing buffer. */
export class BatchWriter {
  constructor(initialBytes = 64 * 1024) {
    this.initialBytes = initialBytes;
    this.alloc(initialBytes);
    this.size = 0; // bytes framed so far
    this.count = 0; // messages framed so far
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
  add(topic, payload) {
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
    return true;
  }

  /** The batch as an ArrayBuffer of exactly its size (a copy); the writer starts again empty. */
  take() {
    const out = this.bytes.slice(0, this.size).buffer;
    this.size = 0;
    this.count = 0;
    if (this.bytes.length > 16 * this.initialBytes) this.alloc(this.initialBytes); // after a burst
    return out;
  }

  /** Drops the oldest messages until at most maxBytes remain; returns how many went. */
  dropOldest(maxBytes) {
    let offset = 0;
    let dropped = 0;
    while (this.size - offset > maxBytes) {
      const topicBytes = this.view.getUint16(offset, true);
      offset += FRAME_HEADER_BYTES + topicBytes + this.view.getUint32(offset + 2 + topicBytes, true);
      dropped += 1;
    }
    this.bytes.copyWithin(0, offset, this.size);
    this.size -= offset;
    this.count -= dropped;
    return dropped;
  }
}

/**
 * Collects messages and posts them in batches: post({buffer, count, dropped}) once `intervalMs`
 * after the first message of a batch, or as soon as a batch reaches `flushBytes`. At most
 * `maxInFlight` batches wait for the page's ack(); beyond that messages keep collecting, and
 * when more than `maxPendingBytes` wait the oldest go (the newest state wins, as in the core's
 * queue). `dropped` counts every message dropped so far (too long a topic, or no room).
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
  }

  add(topic, payload) {
    if (!this.writer.add(topic, payload)) {
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
    const buffer = this.writer.take();
    this.inFlight += 1;
    this.post({ buffer, count, dropped: this.dropped });
  }
}
