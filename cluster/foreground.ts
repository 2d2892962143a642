// The foreground half of `cluster up`: a one-line status refreshed every few seconds, the
// supervisor (with --supervise, a component that exits is restarted after a backoff; without it,
// the exit is reported and nothing else happens), and Ctrl-C → stop everything, exit 0.

import { RestartBackoff } from './backoff.js';
import { formatLine } from './format.js';
import { stopComponents } from './lifecycle.js';
import { isRunning, sleep, startProcess } from './processes.js';
import { readState, removeState, updateComponent } from './state.js';
import { gatherStatus } from './status.js';

const STATUS_EVERY_MS = 3_000;
const TICK_MS = 500;

export async function runForeground(dataDir: string, supervise: boolean): Promise<void> {
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const tty = process.stdout.isTTY === true;
  let lastLine = '';
  let lastStatusAt = 0;
  /** Per component: when we first saw it gone, its backoff, and when it is due to restart. */
  const down = new Map<string, { seenAt: number; restartAt: number }>();
  const backoffs = new Map<string, RestartBackoff>();

  const newline = () => {
    if (tty && lastLine) process.stdout.write('\n');
    lastLine = '';
  };

  while (!stopping) {
    const state = readState(dataDir);
    // `cluster down` from elsewhere removed the record: nothing left to watch.
    if (!state) break;
    const now = Date.now();
    for (const c of state.components) {
      if (isRunning(c.pid, c.script)) {
        down.delete(c.name);
        continue;
      }
      let d = down.get(c.name);
      if (!d) {
        const ran = now - Date.parse(c.startedAt || new Date(now).toISOString());
        const backoff = backoffs.get(c.name) ?? new RestartBackoff();
        backoffs.set(c.name, backoff);
        d = { seenAt: now, restartAt: now + backoff.next(ran) };
        down.set(c.name, d);
        newline();
        console.log(supervise ? `${c.name} exited; restarting in ${Math.round((d.restartAt - now) / 1000)}s (log: ${c.log})` : `${c.name} exited (pid ${c.pid}); not restarting without --supervise (log: ${c.log}); \`cluster start ${c.name}\` restarts it`);
      }
      if (supervise && now >= d.restartAt) {
        const pid = startProcess(c, state.dist);
        updateComponent(dataDir, c.name, { pid, startedAt: new Date().toISOString() });
        down.delete(c.name);
        newline();
        console.log(`${c.name} restarted (pid ${pid})`);
      }
    }
    if (now - lastStatusAt >= STATUS_EVERY_MS) {
      lastStatusAt = now;
      const line = `${new Date().toTimeString().slice(0, 8)} ${formatLine(await gatherStatus(state))}`;
      if (tty) {
        process.stdout.write(`\r\x1b[K${line.slice(0, (process.stdout.columns ?? 200) - 1)}`);
        lastLine = line;
      } else if (changeKey(line) !== changeKey(lastLine)) {
        console.log(line);
        lastLine = line;
      }
    }
    await sleep(TICK_MS);
  }
  newline();
  const state = readState(dataDir);
  if (state) {
    console.log('stopping the cluster (SIGTERM, then SIGKILL after 10s)…');
    await stopComponents(state);
    removeState(dataDir);
    console.log(`stopped; data and logs kept in ${dataDir}`);
  }
  process.exit(0);
}

/** Without a terminal, a line is printed only when something other than the time or revision changed. */
function changeKey(line: string): string {
  return line.slice(line.indexOf(' ')).replace(/, rev \d+/, '');
}
