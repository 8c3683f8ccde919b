// Broker load, small (issue 13): 200 mqtt.js WebSocket subscribers, configured like the page's
// feed worker, on one Mosquitto broker while the typhoon scenario runs, through the same code as
// the benchmark (tests/bench/broker_load.mjs, runLoad). Correctness under many clients, not speed:
// every client gets the whole retained state, none is disconnected, every latency probe reaches
// every client, and the probes' p95 stays under a generous 2 s.
//   node tests/e2e/broker_load.test.mjs        (exit 77 when the data, mosquitto or the simulator is missing)
//   CITYMAP_FEEDSIM=... CITYMAP_DATA_DIR=... CITYMAP_LOAD_CLIENTS=200 CITYMAP_LOAD_SECONDS=15
import assert from 'node:assert/strict';
import test from 'node:test';
import {
  SKIP_CODE, feedTimestampMs, missingPrerequisite, requiredTopics, retainedCoverage, runLoad, summarize,
} from '../bench/broker_load.mjs';

const clients = Number(process.env.CITYMAP_LOAD_CLIENTS || 200);
const seconds = Number(process.env.CITYMAP_LOAD_SECONDS || 15);
const missing = missingPrerequisite();
// Run directly (as ctest does), a missing prerequisite is exit code 77; under `node --test` a skip.
if (missing && !process.env.NODE_TEST_CONTEXT) {
  console.log(`SKIPPED: ${missing}`);
  process.exit(SKIP_CODE);
}
const skip = missing ? `SKIPPED: ${missing}` : false;

// The checks the load test relies on, on inputs made to fail them.
test('a client that lacks one required retained topic is incomplete', () => {
  const required = requiredTopics(['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'e'], ['c']);
  assert.deepEqual(required, ['a', 'b']); // d gone by the end, c cleared during the run, e new
  assert.deepEqual(retainedCoverage(new Map([['a', 110], ['b', 150], ['x', 400]]), 100, required), { missing: 0, fullMs: 50 });
  assert.deepEqual(retainedCoverage(new Map([['a', 110]]), 100, required), { missing: 1, fullMs: null });
  assert.deepEqual(requiredTopics([], ['a'], []), []);
});

test('feedTimestampMs reads timestamp_ms from a CMF1 buffer and refuses others', () => {
  // A minimal Message: root offset, "CMF1", vtable (8 fields), table with timestamp_ms only.
  const buf = Buffer.alloc(40);
  buf.writeUInt32LE(24, 0); // root table at 24
  buf.write('CMF1', 4, 'latin1');
  const vt = 8; // vtable: size 16, table size 12, fields 0..5
  buf.writeUInt16LE(16, vt);
  buf.writeUInt16LE(12, vt + 2);
  buf.writeUInt16LE(4, vt + 10); // field 3 (timestamp_ms) at table + 4
  buf.writeInt32LE(24 - vt, 24); // table → vtable
  buf.writeBigInt64LE(1767225600123n, 28);
  assert.equal(feedTimestampMs(buf), 1767225600123);
  const other = Buffer.from(buf);
  other.write('CMF2', 4, 'latin1');
  assert.equal(feedTimestampMs(other), null);
  assert.equal(feedTimestampMs(Buffer.alloc(0)), null);
  assert.equal(feedTimestampMs(buf.subarray(0, 30)), null); // truncated
});

test(`${clients} WebSocket subscribers during the typhoon: full retained state, no disconnects, probes on time`,
  { skip, timeout: 300000 }, async (t) => {
    const r = await runLoad({ clients, seconds }, (line) => t.diagnostic(line));
    for (const line of summarize(r).split('\n')) t.diagnostic(line);

    // The reference's retained state is the city's: the 45 stations and 413 shelters at least.
    assert.ok(r.retained.required >= 45 + 413, `only ${r.retained.required} retained topics required`);
    assert.equal(r.retained.requiredByKind.sensor, 45, JSON.stringify(r.retained.requiredByKind));
    assert.equal(r.retained.requiredByKind.shelter, 413, JSON.stringify(r.retained.requiredByKind));
    assert.ok(r.retained.requiredByKind.traffic > 100, JSON.stringify(r.retained.requiredByKind));

    assert.equal(r.ramp.subscribed, clients, `failures: ${JSON.stringify(r.ramp.failures)}`);
    assert.equal(r.retained.clientsComplete, clients, `${r.retained.missingTopicsTotal} retained topics missing`);
    assert.equal(r.retained.missingTopicsTotal, 0);
    assert.equal(r.disconnects.total, 0, `${r.disconnects.clients} client(s) disconnected`);
    assert.equal(r.disconnects.referenceFirst, 0);

    // Every probe of the window at every client, in order; p95 under a generous bound.
    assert.ok(r.latency.probesSent >= seconds * 2, `${r.latency.probesSent} probes`);
    assert.equal(r.latency.deliveriesReceived, r.latency.deliveriesExpected);
    assert.equal(r.latency.ms.n, r.latency.deliveriesExpected);
    assert.equal(r.latency.probeOutOfOrder, 0);
    assert.ok(r.latency.ms.p95 < 2000, `probe latency p95 ${r.latency.ms.p95} ms`);

    // The live feed reached every client as it reached the reference; its messages' ages are sane.
    assert.ok(r.messages.feedPerSecondReference > 1, `feed ${r.messages.feedPerSecondReference}/s`);
    assert.ok(r.messages.liveRatioToReference.p0 > 0.95, JSON.stringify(r.messages.liveRatioToReference));
    assert.ok(r.latency.feedAge.ms.n > 0 && r.latency.feedAge.ms.p50 >= 0 && r.latency.feedAge.ms.p50 < 10000,
      JSON.stringify(r.latency.feedAge.ms));
  });
