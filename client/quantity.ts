// resource.Quantity: exact amounts ("500m", "1Gi", "1e3"), rounded up like Go's
// Quantity.MilliValue() (cpu) and Quantity.Value() (memory, pods, storage), added, compared, and
// printed in Kubernetes' canonical form ("8388608Ki" prints as "8Gi", "0.1" as "100m").
//
// Floating point would turn "0.1" cpu into 100.00000000000001 millicores and then, rounded up, into
// 101: one node could then refuse a pod that fits exactly. So amounts are BigInt fractions.

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX = new Map(Object.entries(DECIMAL).map(([s, e]) => [e, s]));
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** How a quantity was written, which decides how it prints (Go's resource.Format). */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** An exact amount num/den (den > 0) and the notation it came in. */
export interface Quantity {
  num: bigint;
  den: bigint;
  format: QuantityFormat;
}

export const ZERO: Quantity = { num: 0n, den: 1n, format: 'DecimalSI' };

/** Parse a quantity string (or number); undefined when it is not one. */
export function parseQuantity(value: unknown): Quantity | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return parseQuantity(String(value));
  }
  if (typeof value !== 'string') return undefined;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/.exec(value.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const frac = m[3] ?? '';
  let num = BigInt((m[2] || '0') + frac) * sign;
  let den = 10n ** BigInt(frac.length);
  const suffix = m[4]!;
  let exp: number;
  let format: QuantityFormat;
  if (suffix in BINARY) {
    num *= BINARY[suffix]!;
    exp = 0;
    format = 'BinarySI';
  } else if (suffix in DECIMAL) {
    exp = DECIMAL[suffix]!;
    format = 'DecimalSI';
  } else {
    const e = /^[eE]([+-]?\d+)$/.exec(suffix);
    if (!e) return undefined;
    exp = Number(e[1]);
    format = 'DecimalExponent';
  }
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den *= 10n ** BigInt(-exp);
  return { num, den, format };
}

/** ceil(q × scale), as Go's Quantity rounds up when it loses precision. */
function scaledCeil(q: Quantity, scale: bigint): number {
  const n = q.num * scale;
  let r = n / q.den;
  if (n % q.den !== 0n && n > 0n) r += 1n;
  return Number(r);
}

/** Quantity.MilliValue(): "100m" → 100, "1" → 1000, "0.5" → 500. Undefined when not a quantity. */
export function milliValue(value: unknown): number | undefined {
  const q = parseQuantity(value);
  return q && scaledCeil(q, 1000n);
}

/** Quantity.Value(): "1Gi" → 1073741824, "1k" → 1000, "100m" → 1 (rounded up). */
export function quantityValue(value: unknown): number | undefined {
  const q = parseQuantity(value);
  return q && scaledCeil(q, 1n);
}

export function milliOf(q: Quantity): number {
  return scaledCeil(q, 1000n);
}

export function valueOf(q: Quantity): number {
  return scaledCeil(q, 1n);
}

/** a + b; the sum keeps a's notation unless a is zero (Go's Quantity.Add). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const format = a.num === 0n ? b.format : a.format;
  return { num: a.num * b.den + b.num * a.den, den: a.den * b.den, format };
}

/** -1, 0 or 1. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/**
 * The canonical string (Quantity.String()). Amounts finer than a nanounit are rounded up to one,
 * as Go stores them. Binary notation is kept only for whole amounts of at least 1024 in magnitude;
 * otherwise the amount prints in decimal notation.
 */
export function formatQuantity(q: Quantity): string {
  // Whole nanounits, rounded up (toward +∞) like Go's parser does for finer amounts.
  let nanos = (q.num * 1_000_000_000n) / q.den;
  if ((q.num * 1_000_000_000n) % q.den !== 0n && q.num > 0n) nanos += 1n;
  if (nanos === 0n) return '0';
  let format = q.format;
  const whole = nanos % 1_000_000_000n === 0n;
  const abs = nanos < 0n ? -nanos : nanos;
  if (format === 'BinarySI' && (abs < 1024n * 1_000_000_000n || !whole)) format = 'DecimalSI';
  if (format === 'BinarySI') {
    let n = nanos / 1_000_000_000n;
    let step = 0;
    while (step < BINARY_SUFFIX.length - 1 && n % 1024n === 0n) {
      n /= 1024n;
      step++;
    }
    return `${n}${BINARY_SUFFIX[step]}`;
  }
  // Decimal: strip factors of ten, then step the exponent down to a multiple of three.
  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const rem = ((exponent % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(rem);
  exponent -= rem;
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  const suffix = DECIMAL_SUFFIX.get(exponent);
  return suffix === undefined ? `${mantissa}e${exponent}` : `${mantissa}${suffix}`;
}

/** The canonical form of a quantity string, or the string itself when it does not parse. */
export function canonicalQuantity(value: unknown): string {
  const q = parseQuantity(value);
  return q ? formatQuantity(q) : String(value);
}
