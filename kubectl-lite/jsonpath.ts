// The subset of kubectl's JSONPath templates people actually type: `{.a.b}`, `{.items[*].x}`,
// `{.items[0].metadata.name}`, `{.metadata.labels['app']}`, `{.items[?(@.status.phase=="Running")]}`,
// `{range .items[*]}...{end}`, string literals `{"\n"}`, and plain text between expressions.
// Several results of one expression are joined by a space, as kubectl does.

import { UsageError } from './args.js';

type Step = { field: string } | { index: number } | { all: true } | { filter: { path: Step[]; op: '==' | '!='; value: string } | { path: Step[]; exists: true } };

type Node = { text: string } | { path: Step[] } | { range: Step[]; body: Node[] };

/** Splits a path such as `.items[*].metadata.name` into steps. */
export function parsePath(expr: string): Step[] {
  let s = expr.trim();
  if (s.startsWith('$') || s.startsWith('@')) s = s.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '.') {
      i++;
      let j = i;
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
      if (j > i) steps.push({ field: s.slice(i, j) });
      i = j;
    } else if (c === '[') {
      const close = matchBracket(s, i);
      const inner = s.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === '*') steps.push({ all: true });
      else if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ field: inner.slice(1, -1) });
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push({ filter: parseFilter(inner.slice(2, -1)) });
      else throw new UsageError(`error parsing jsonpath ${expr}, unsupported subscript [${inner}]`);
    } else {
      let j = i;
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
      steps.push({ field: s.slice(i, j) });
      i = j;
    }
  }
  return steps;
}

function matchBracket(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '[') depth++;
    else if (s[i] === ']' && --depth === 0) return i;
  }
  throw new UsageError(`error parsing jsonpath ${s}, unclosed [`);
}

function parseFilter(f: string): { path: Step[]; op: '==' | '!='; value: string } | { path: Step[]; exists: true } {
  const m = /^(@[^=!]*?)\s*(==|!=)\s*(.+)$/.exec(f.trim());
  if (!m) return { path: parsePath(f), exists: true };
  let value = m[3]!.trim();
  if (/^'.*'$|^".*"$/.test(value)) value = value.slice(1, -1);
  return { path: parsePath(m[1]!), op: m[2] as '==' | '!=', value };
}

/** Every value a path reaches from `root` (none when a field is missing). */
export function evaluate(steps: readonly Step[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if ('field' in step) {
        if (v !== null && typeof v === 'object' && !Array.isArray(v) && step.field in v) next.push((v as Record<string, unknown>)[step.field]);
      } else if ('index' in step) {
        if (Array.isArray(v)) {
          const at = step.index < 0 ? v.length + step.index : step.index;
          if (at >= 0 && at < v.length) next.push(v[at]);
        }
      } else if ('all' in step) {
        if (Array.isArray(v)) next.push(...v);
        else if (v !== null && typeof v === 'object') next.push(...Object.values(v));
      } else {
        const f = step.filter;
        for (const item of Array.isArray(v) ? v : []) {
          const got = evaluate(f.path, item);
          if ('exists' in f ? got.length > 0 : f.op === '==' ? got.some((g) => text(g) === f.value) : got.every((g) => text(g) !== f.value)) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  return JSON.stringify(v);
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

export function parseTemplate(template: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      stack[stack.length - 1]!.push({ text: template.slice(i) });
      break;
    }
    if (open > i) stack[stack.length - 1]!.push({ text: template.slice(i, open) });
    const close = template.indexOf('}', open);
    if (close < 0) throw new UsageError(`error parsing jsonpath ${template}, unclosed action`);
    const body = template.slice(open + 1, close).trim();
    i = close + 1;
    const top = stack[stack.length - 1]!;
    if (/^".*"$|^'.*'$/.test(body)) top.push({ text: unescape(body.slice(1, -1)) });
    else if (body.startsWith('range ')) {
      const node = { range: parsePath(body.slice(6)), body: [] as Node[] };
      top.push(node);
      stack.push(node.body);
    } else if (body === 'end') {
      if (stack.length === 1) throw new UsageError(`error parsing jsonpath ${template}, not in range`);
      stack.pop();
    } else top.push({ path: parsePath(body) });
  }
  return root;
}

function render(nodes: readonly Node[], data: unknown): string {
  let out = '';
  for (const n of nodes) {
    if ('text' in n) out += n.text;
    else if ('range' in n) for (const item of evaluate(n.range, data)) out += render(n.body, item);
    else out += evaluate(n.path, data).map(text).join(' ');
  }
  return out;
}

/** Executes a template (kubectl also accepts one without braces: `-o jsonpath=.a.b`). */
export function jsonpath(template: string, data: unknown): string {
  const t = template.includes('{') ? template : `{${template}}`;
  return render(parseTemplate(t), data);
}
