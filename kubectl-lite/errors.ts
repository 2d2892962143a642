// kubectl's one-line errors: `Error from server (NotFound): deployments.apps "web" not found` for
// answers of the apiserver, `error: ...` for everything wrong on our side, and the connection
// message kubectl prints when nothing listens.

import { ApiStatusError } from '../client/types.js';
import { UsageError } from './args.js';

export function errorLine(err: unknown, server?: string): string {
  if (err instanceof ApiStatusError) return `Error from server (${err.reason}): ${err.message}`;
  if (err instanceof UsageError) return `error: ${err.message}`;
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ECONNREFUSED' && server) return `The connection to the server ${new URL(server).host} was refused - did you specify the right host or port?`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Several errors the way kubectl's CheckErr prints an aggregate: one alone as errorLine does;
 * several one per line, the apiserver's with "Error from server", the others bare.
 */
export function errorLines(errors: readonly unknown[]): string {
  if (errors.length === 0) return '';
  if (errors.length === 1) return errorLine(errors[0]) + '\n';
  return errors.map((e) => (e instanceof ApiStatusError ? errorLine(e) : e instanceof Error ? e.message : String(e)) + '\n').join('');
}

export const isNotFoundError = (e: unknown): boolean => e instanceof ApiStatusError && e.code === 404;
