// Whether a port is free on the loopback interface: we try to listen on it. Checked for the whole
// plan before anything starts, so a busy port fails `cluster up` at once instead of leaving half a
// cluster behind.

import { createServer } from 'node:net';

export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}
