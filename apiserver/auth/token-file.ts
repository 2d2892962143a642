// --token-auth-file: static bearer tokens, one per line as Kubernetes reads them:
//   token,user,uid[,"group1,group2"]
// Lines starting with # and blank lines are skipped. A request is authenticated when its
// Authorization header is "Bearer <token>" for a listed token.

import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';

export interface TokenUser {
  name: string;
  uid: string;
  groups: string[];
}

export class TokenAuthenticator {
  private constructor(private readonly tokens: Map<string, TokenUser>) {}

  static fromFile(path: string): TokenAuthenticator {
    return TokenAuthenticator.parse(readFileSync(path, 'utf8'), path);
  }

  static parse(text: string, source = 'token file'): TokenAuthenticator {
    const tokens = new Map<string, TokenUser>();
    text.split('\n').forEach((line, i) => {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const fields = splitCsv(trimmed);
      if (fields.length < 3 || !fields[0] || !fields[1]) {
        throw new Error(`${source}:${i + 1}: want token,user,uid[,"groups"]`);
      }
      const groups = fields[3] ? fields[3].split(',').map((g) => g.trim()).filter(Boolean) : [];
      tokens.set(fields[0], { name: fields[1], uid: fields[2] ?? '', groups });
    });
    return new TokenAuthenticator(tokens);
  }

  /** The user of an Authorization header, or undefined. */
  authenticate(header: string | undefined): TokenUser | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) return undefined;
    const given = Buffer.from(m[1]!);
    for (const [token, user] of this.tokens) {
      const t = Buffer.from(token);
      if (t.length === given.length && timingSafeEqual(t, given)) return user;
    }
    return undefined;
  }
}

/** A CSV line where a quoted field may hold commas. */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}
