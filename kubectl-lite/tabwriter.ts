// Go's text/tabwriter as kubectl's describe uses it (minwidth 0, padding 2, spaces, no flags).
// describe writes tab-separated cells; a column's width is set by a "column block": the run of
// consecutive lines that all have a tab-terminated cell in that column. That is why "PodCIDR:"
// lines up with the indented "System Info" lines above it but not with "Name:" further up.
// Matching the algorithm (not just padding each table) is what makes the output byte-identical.

const PADDING = 2;

/** Format text whose cells are separated by tabs. Only tab-terminated cells are padded. */
export function tabwrite(text: string): string {
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const width = (s: string): number => [...s].length;

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      let s = '';
      cells.forEach((cell, j) => {
        s += cell;
        // The last cell of a line is never padded; it belongs to no column.
        if (j < cells.length - 1 && j < widths.length) s += ' '.repeat(Math.max(0, widths[j]! - width(cell)));
      });
      out.push(s);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= lines[t]!.length - 1) continue;
      // A block starts here: everything before it is printed with the widths known so far.
      writeLines(line0, t);
      line0 = t;
      let w = 0;
      for (; t < line1; t++) {
        const cells = lines[t]!;
        if (column >= cells.length - 1) break;
        w = Math.max(w, width(cells[column]!) + PADDING);
      }
      widths.push(w);
      format(line0, t);
      widths.pop();
      line0 = t;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}

/**
 * kubectl's PrefixWriter: each write is prefixed by two spaces per level (only at the start of
 * the write, not after newlines inside it). flush() ends every column block, as describe does
 * before its Events table.
 */
export class DescribeWriter {
  private readonly sections: string[] = [];
  private current = '';

  write(level: number, text: string): void {
    this.current += '  '.repeat(level) + text;
  }

  flush(): void {
    this.sections.push(tabwrite(this.current));
    this.current = '';
  }

  toString(): string {
    return this.sections.join('') + tabwrite(this.current);
  }
}
