// The sequential specification of one key, as the linearizability checker replays it: a register
// holding a value or nothing. Only the value is modelled, not the revisions: the revision checker
// (revisions.ts) covers those across keys. Keeping the state to one string is what keeps the
// search's memo small.

import type { KvInput, KvOutput } from './history.js';

/** The key's value, or null when it does not exist. */
export type RegisterState = string | null;

/**
 * Applies `input` to `state`. Returns the new state, or undefined when `output` could not have
 * come from this state. An unknown output (undefined) is accepted from any state: the operation
 * took effect, its answer was lost.
 */
export function stepRegister(state: RegisterState, input: KvInput, output: KvOutput | undefined): RegisterState | undefined {
  switch (input.f) {
    case 'put':
      return input.value;
    case 'delete':
      if (output?.f === 'delete' && output.deleted !== (state === null ? 0 : 1)) return undefined;
      return null;
    case 'cas': {
      const matches = state === input.expect;
      if (output?.f === 'cas') {
        if (output.succeeded !== matches) return undefined;
        if (!matches && (output.current?.value ?? null) !== state) return undefined;
      }
      return matches ? input.value : state;
    }
    case 'get':
      if (output?.f === 'get' && (output.current?.value ?? null) !== state) return undefined;
      return state;
  }
}
