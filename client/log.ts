// The little logging the client needs. A pino logger fits this interface, so components pass their own.

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** Lines on stderr prefixed with the component and level: what a component logs when given nothing else. */
export function stderrLogger(component: string): Logger {
  const line = (level: string, msg: string) => process.stderr.write(`${new Date().toISOString()} ${level} ${component}: ${msg}\n`);
  return { info: (m) => line('I', m), warn: (m) => line('W', m), error: (m) => line('E', m) };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
