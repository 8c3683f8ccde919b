// The feed worker (docs/FEEDS.md, "Browser"): a dedicated Web Worker that owns the live feed's
// WebSocket and mqtt.js (feed_transport.js), so that MQTT parsing and per-message events never
// run on the page's main thread, where the map draws. It batches the messages (feed_batch.js:
// one transferred ArrayBuffer every ~50 ms) and reports connection states. Bundled on its own
// by esbuild into the site's feed_worker.js (web/CMakeLists.txt); app.js starts it once the map
// runs.
//
// page -> worker: {type: 'start', url, topic}   connect and subscribe
//                 {type: 'history', topic}      also subscribe to the history chunks
//                 {type: 'stop'}                disconnect (state off)
//                 {type: 'ack'}                 one batch was handed to the core
// worker -> page: {type: 'batch', buffer, count, dropped, superseded, received, updates}
//                                               framed messages (buffer transferred); so far:
//                                               dropped in the worker, superseded (coalesced
//                                               away), MQTT messages received, updates in them
//                 {type: 'state', status}       {state, url, detail, attempt, retryInMs} as
//                                               citymap_feed_connection takes it; any messages
//                                               received before it were posted before it
import { FeedBatcher } from './feed_batch.js';
import { FeedTransport } from './feed_transport.js';

let transport = null;
const batcher = new FeedBatcher({
  post: (batch) => self.postMessage({ type: 'batch', ...batch }, [batch.buffer]),
});

self.onmessage = (event) => {
  const m = event.data || {};
  if (m.type === 'ack') {
    batcher.ack();
  } else if (m.type === 'start') {
    if (transport) {
      transport.start(); // again after a stop; the first URL and topic stay
      return;
    }
    transport = new FeedTransport({
      url: String(m.url),
      topic: String(m.topic),
      onMessage: (topic, payload) => batcher.receive(topic, payload),
      onState: (status) => {
        batcher.flushNow();
        self.postMessage({ type: 'state', status });
      },
    });
    transport.start();
  } else if (m.type === 'history') {
    if (transport) transport.addTopic(String(m.topic)); // the time slider's past hours
  } else if (m.type === 'stop') {
    if (transport) transport.stop();
  }
};
