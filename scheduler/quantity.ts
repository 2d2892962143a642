// resource.Quantity as the scheduler needs it: exact integers, rounded up like Go's
// Quantity.MilliValue() (cpu) and Quantity.Value() (memory, pods, storage). Floating point would
// turn "0.1" cpu into 100.00000000000001 millicores and then, rounded up, into 101: one node could
// then refuse a pod that fits exactly. So amounts are computed as BigInt fractions.

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

interface Fraction {
  num: bigint;
  den: bigint;
}

function parseFraction(value: unknown): Fraction | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return parseFraction(String(value));
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
  if (suffix in BINARY) {
    num *= BINARY[suffix]!;
    exp = 0;
  } else if (suffix in DECIMAL) {
    exp = DECIMAL[suffix]!;
  } else {
    const e = /^[eE]([+-]?\d+)$/.exec(suffix);
    if (!e) return undefined;
    exp = Number(e[1]);
  }
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den *= 10n ** BigInt(-exp);
  return { num, den };
}

/** ceil(num * scale / den), as Go's Quantity rounds up when it loses precision. */
function scaledCeil(f: Fraction, scale: bigint): number {
  const n = f.num * scale;
  let q = n / f.den;
  if (n % f.den !== 0n && n > 0n) q += 1n;
  return Number(q);
}

/** Quantity.MilliValue(): "100m" → 100, "1" → 1000, "0.5" → 500. Undefined when not a quantity. */
export function milliValue(value: unknown): number | undefined {
  const f = parseFraction(value);
  return f && scaledCeil(f, 1000n);
}

/** Quantity.Value(): "1Gi" → 1073741824, "1k" → 1000, "100m" → 1 (rounded up). */
export function quantityValue(value: unknown): number | undefined {
  const f = parseFraction(value);
  return f && scaledCeil(f, 1n);
}
