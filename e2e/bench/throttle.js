// A throttling TCP proxy for `make bench-web`'s slow profile: every byte between the browser and the
// server, the service worker's own fetches included (Chromium's network emulation applies to a page,
// not to its service worker), takes half the round trip each way, and the bytes share one download and
// one upload rate, as on one slow link.
import net from 'node:net';

/** The benchmarks' slow profile: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up. */
export const SLOW = { rttMs: 150, downBps: 1.6e6, upBps: 750e3 };

export async function throttle({ target, port, rttMs, downBps, upBps }) {
  const lanes = { down: { rate: downBps / 8 / 1000, free: 0 }, up: { rate: upBps / 8 / 1000, free: 0 } };
  // Sends `data` to `to` after half the round trip and once the link has carried everything before it.
  const send = (lane, to, data) => {
    const l = lanes[lane];
    for (let at = 0; at < data.length; at += 8192) {
      const chunk = data.subarray(at, at + 8192);
      const start = Math.max(performance.now() + rttMs / 2, l.free);
      l.free = start + chunk.length / l.rate;
      setTimeout(() => { if (!to.destroyed) to.write(chunk); }, l.free - performance.now());
    }
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    client.on('data', (d) => send('up', upstream, d));
    upstream.on('data', (d) => send('down', client, d));
    // An end travels like data: after what is still on its way.
    const after = (lane, fn) => setTimeout(fn, Math.max(lanes[lane].free - performance.now(), rttMs / 2) + 1);
    upstream.on('end', () => after('down', () => client.end()));
    client.on('end', () => after('up', () => upstream.end()));
    upstream.on('close', () => after('down', () => client.destroy()));
    client.on('close', () => after('up', () => upstream.destroy()));
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}
