// A mistake the user can fix (bad flag, busy port, missing build): main.ts prints its one-line
// message and exits 1, without a stack trace that would bury the message.

export class CliError extends Error {
  override name = 'CliError';
}
