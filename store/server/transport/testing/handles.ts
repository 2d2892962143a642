// "Leave no open handles": after a suite stopped its transports and proxies, no socket, server or
// HTTP/2 session of ours may be left behind (the test runner's own IPC pipes are not counted).

import { expect } from 'vitest';

const OURS = /^(TCPSocketWrap|TCPServerWrap|TCPWrap|Http2Session|Http2Stream|TCPConnectWrap)$/;

export async function expectNoOpenSockets(): Promise<void> {
  // Destroyed sockets release their handles on the next turns of the event loop.
  for (let i = 0; i < 50; i++) {
    if (!process.getActiveResourcesInfo().some((r) => OURS.test(r))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(process.getActiveResourcesInfo().filter((r) => OURS.test(r))).toEqual([]);
}
