// Table output the way kubectl's tabwriter lays it out (minimum cell width 6, padding 3, the last
// column left ragged), headers in upper case, and kubectl's human-readable durations.

export interface ColumnDefinition {
  name: string;
  type?: string;
  format?: string;
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> }; kind?: string };
}

export interface Table {
  kind: 'Table';
  columnDefinitions: ColumnDefinition[];
  rows?: TableRow[];
  metadata?: { resourceVersion?: string; continue?: string };
}

const MIN_WIDTH = 6;
const PADDING = 3;

/** Aligns rows of cells into lines, as text/tabwriter with kubectl's settings would. */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i === row.length - 1) return; // the last cell of a line is not part of a column
      widths[i] = Math.max(widths[i] ?? 0, MIN_WIDTH, cell.length + PADDING);
    });
  }
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('') + '\n').join('');
}

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '<none>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export interface TableOptions {
  wide?: boolean;
  /** Prepend a NAMESPACE column (-A). */
  withNamespace?: boolean;
  showLabels?: boolean;
  noHeaders?: boolean;
  /** Prefix the name with kind.group/ (kubectl does this when several kinds are printed). */
  namePrefix?: string;
}

/** The header and the rows of a server Table, filtered and decorated as kubectl prints them. */
export function tableLines(table: Table, o: TableOptions = {}): { header: string[]; rows: string[][] } {
  const keep = table.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => o.wide || (c.priority ?? 0) === 0);
  const header = keep.map(({ c }) => c.name.toUpperCase());
  if (o.withNamespace) header.unshift('NAMESPACE');
  if (o.showLabels) header.push('LABELS');
  const rows = (table.rows ?? []).map((r) => {
    const cells = keep.map(({ c, i }) => {
      const text = cellText(r.cells[i]);
      return c.format === 'name' && o.namePrefix ? `${o.namePrefix}/${text}` : text;
    });
    if (o.withNamespace) cells.unshift(r.object?.metadata?.namespace ?? '');
    if (o.showLabels) cells.push(formatLabels(r.object?.metadata?.labels));
    return cells;
  });
  return { header, rows };
}

export function printTable(table: Table, o: TableOptions = {}): string {
  const { header, rows } = tableLines(table, o);
  return formatColumns(o.noHeaders ? rows : [header, ...rows]);
}

/** labels.FormatLabels: sorted k=v joined by commas, or <none>. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** apimachinery's HumanDuration: 5s, 3m2s, 10m, 5h3m, 4d, 2y31d. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 60 * 2) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 60 * 3) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / 24 / 365);
  if (h < 24 * 365 * 8) return `${y}y${Math.floor(h / 24) % 365}d`;
  return `${y}y`;
}

/** The age of a timestamp, or <unknown>. */
export function age(ts: string | undefined, now = Date.now()): string {
  const t = ts ? Date.parse(ts) : NaN;
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}
