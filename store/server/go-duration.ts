// Go's time.ParseDuration, because etcd reads `--auto-compaction-retention` with it: a flag value
// that etcd accepts must mean the same here, and one it refuses must be refused with Go's words
// (etcd prints them after "error parsing CompactionRetention: ").

const NANOS_PER_UNIT: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's largest Duration (int64 nanoseconds); larger values overflow and Go refuses them. */
const MAX_NANOS = 9_223_372_036_854_775_807;

export class DurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DurationError';
  }
}

/** Go's strconv.Quote for the printable ASCII Go's messages show here. */
function quote(s: string): string {
  return JSON.stringify(s);
}

/** Parse a Go duration ("300ms", "-1.5h", "2h45m") into nanoseconds; throws DurationError with Go's message. */
export function parseGoDuration(text: string): number {
  const orig = text;
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  // Go accepts a bare "0" (and "+0", "-0") without a unit, and nothing else.
  if (s === '0') return 0;
  if (s === '') throw new DurationError(`time: invalid duration ${quote(orig)}`);
  let total = 0;
  while (s !== '') {
    const num = /^(\d*)(\.(\d*))?/.exec(s)!;
    const intPart = num[1] ?? '';
    const fracPart = num[3] ?? '';
    // A number needs a digit on one side of the dot at least ("." alone is invalid).
    if (intPart === '' && fracPart === '') throw new DurationError(`time: invalid duration ${quote(orig)}`);
    s = s.slice(num[0].length);
    const unitMatch = /^[^\d.]*/.exec(s)!;
    const unit = unitMatch[0];
    if (unit === '') throw new DurationError(`time: missing unit in duration ${quote(orig)}`);
    const scale = NANOS_PER_UNIT[unit];
    if (scale === undefined) throw new DurationError(`time: unknown unit ${quote(unit)} in duration ${quote(orig)}`);
    s = s.slice(unit.length);
    const value = Number(intPart || '0') * scale + (fracPart ? Number(`0.${fracPart}`) * scale : 0);
    total += value;
    if (total > MAX_NANOS) throw new DurationError(`time: invalid duration ${quote(orig)}`);
  }
  return negative ? -Math.round(total) : Math.round(total);
}
