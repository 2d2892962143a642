// Flags of the apiserver, named as kube-apiserver names the same things where it has them.

export interface ApiserverFlags {
  storeEndpoints: string[];
  bindAddress: string;
  port: number;
  tokenAuthFile?: string;
  /** Serve HTTPS with this certificate and key (kubectl sends bearer tokens only over HTTPS). */
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  logLevel: string;
}

export class FlagError extends Error {}

export const USAGE = `Usage: apiserver [flags]

  --store-endpoints URLS     comma-separated etcd v3 client URLs (default http://127.0.0.1:2379)
  --bind-address ADDR        address to listen on (default 127.0.0.1)
  --port N                   port to listen on (default 6443; 0 picks a free one)
  --token-auth-file FILE     static bearer tokens (token,user,uid[,"groups"]); without it, no authentication
  --tls-cert-file FILE       serve HTTPS with this PEM certificate (needs --tls-private-key-file)
  --tls-private-key-file F   the certificate's PEM private key
  --log-level LEVEL          pino level (default info)
`;

export function parseFlags(argv: readonly string[]): ApiserverFlags {
  const flags: ApiserverFlags = { storeEndpoints: ['http://127.0.0.1:2379'], bindAddress: '127.0.0.1', port: 6443, logLevel: 'info' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new FlagError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = (): string => {
      if (eq >= 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new FlagError(`flag needs an argument: --${name}`);
      return v;
    };
    switch (name) {
      case 'store-endpoints':
      case 'etcd-servers': {
        const list = value().split(',').map((s) => s.trim()).filter(Boolean);
        if (list.length === 0) throw new FlagError('--store-endpoints needs at least one URL');
        flags.storeEndpoints = list;
        break;
      }
      case 'bind-address':
        flags.bindAddress = value();
        break;
      case 'port':
      case 'secure-port': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new FlagError(`invalid value ${JSON.stringify(v)} for --${name}: want a port number`);
        flags.port = n;
        break;
      }
      case 'token-auth-file':
        flags.tokenAuthFile = value();
        break;
      case 'tls-cert-file':
        flags.tlsCertFile = value();
        break;
      case 'tls-private-key-file':
        flags.tlsPrivateKeyFile = value();
        break;
      case 'log-level':
        flags.logLevel = value();
        break;
      default:
        throw new FlagError(`unknown flag: --${name}`);
    }
  }
  if ((flags.tlsCertFile === undefined) !== (flags.tlsPrivateKeyFile === undefined)) {
    throw new FlagError('--tls-cert-file and --tls-private-key-file go together');
  }
  return flags;
}
