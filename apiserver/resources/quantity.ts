// resource.Quantity, only as far as comparing amounts: "500m" < "1" == "1000m", "1Gi" > "1G".
// Enough for QoS classes, which ask whether a request equals a limit and whether it is > 0.

const SUFFIXES: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The amount of a quantity string or number, or undefined when it is not a quantity. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(.*)$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2]!;
  if (suffix in SUFFIXES) return n * SUFFIXES[suffix]!;
  // Decimal exponent form: 1e3, 1E-3 (a bare "E" is exa, handled above).
  const exp = /^[eE]([+-]?\d+)$/.exec(suffix);
  return exp ? n * 10 ** Number(exp[1]) : undefined;
}
