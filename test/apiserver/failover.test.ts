// Two apiservers on one store; clients watch through one of them, which is killed with SIGKILL.
// Each client reconnects to the other apiserver and resumes from the last resourceVersion it saw:
// afterwards every client must have seen every write exactly once, in order.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { ControlPlane } from './testing/control-plane.js';

let cp: ControlPlane;

beforeAll(async () => {
  cp = await ControlPlane.start({ apiservers: 2 });
}, 60_000);

afterAll(async () => {
  await cp?.stop();
});

/** A watch client that fails over between apiservers, resuming from its last resourceVersion. */
class ResumingWatcher {
  readonly seen: string[] = [];
  lastRv: string;
  private stopped = false;
  reconnects = 0;

  constructor(
    private readonly urls: string[],
    startRv: string,
  ) {
    this.lastRv = startRv;
  }

  async run(): Promise<void> {
    let i = 0;
    while (!this.stopped) {
      const url = this.urls[i % this.urls.length]!;
      try {
        const res = await fetch(`${url}/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion=${this.lastRv}`);
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        const reader = res.body!.getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += new TextDecoder().decode(value);
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            const e = JSON.parse(line) as { type: string; object: { metadata: { name: string; resourceVersion: string } } };
            if (e.type === 'ERROR') throw new Error(line);
            if (e.type !== 'BOOKMARK') this.seen.push(`${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`);
            this.lastRv = e.object.metadata.resourceVersion;
          }
          if (this.stopped) return;
        }
      } catch {
        /* connection lost: fail over */
      }
      if (this.stopped) return;
      this.reconnects++;
      i++;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stop(): void {
    this.stopped = true;
  }
}

it('watchers reconnect to the surviving apiserver with no missed or repeated event', async () => {
  const [a, b] = cp.apiservers as [typeof cp.apiservers[0], typeof cp.apiservers[0]];
  const listed = (await (await fetch(`${b.url}/api/v1/namespaces/default/configmaps`)).json()) as { metadata: { resourceVersion: string } };
  const watchers = Array.from({ length: 5 }, () => new ResumingWatcher([a.url, b.url], listed.metadata.resourceVersion));
  const runs = watchers.map((w) => w.run());

  // Writes go through the apiserver that survives; the watchers all start on the one that dies.
  const expected: string[] = [];
  const write = async (i: number) => {
    const res = await fetch(`${b.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ metadata: { name: `cm-${i}` }, data: { i: String(i) } }),
    });
    const body = (await res.json()) as { metadata: { resourceVersion: string } };
    expect(res.status).toBe(201);
    expected.push(`ADDED cm-${i} ${body.metadata.resourceVersion}`);
  };
  for (let i = 0; i < 30; i++) await write(i);
  await a.kill('SIGKILL');
  for (let i = 30; i < 60; i++) await write(i);

  const deadline = Date.now() + 20_000;
  while (watchers.some((w) => w.seen.length < expected.length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const w of watchers) w.stop();
  for (const w of watchers) {
    expect(w.seen).toEqual(expected);
    expect(w.reconnects).toBeGreaterThanOrEqual(1);
  }
  await Promise.race([Promise.all(runs), new Promise((r) => setTimeout(r, 2000))]);
});
