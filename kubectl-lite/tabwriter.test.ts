import { describe, expect, it } from 'vitest';
import { DescribeWriter, tabwrite } from './tabwriter.js';

describe('tabwrite (Go text/tabwriter, padding 2)', () => {
  it('a column block spans consecutive lines that have a cell in that column', () => {
    // "Section:" has no tab, so it ends the first block; the indented rows and "After:" share one.
    const text = 'Name:\tn\nSection:\n  A long title:\tx\n  B:\ty\nAfter:\tz\n';
    expect(tabwrite(text)).toBe('Name:  n\nSection:\n  A long title:  x\n  B:             y\nAfter:           z\n');
  });

  it('nested columns are sized per block, the last cell of a line is never padded', () => {
    const text = 'a\tbb\tc\naaa\tb\tcccc\nx\n1\t2\n';
    expect(tabwrite(text)).toBe('a    bb  c\naaa  b   cccc\nx\n1  2\n');
  });

  it('an empty cell between two tabs is a column of width 2', () => {
    expect(tabwrite('ns\tname\t\tcpu\nkube-system\tp\t\t1\n')).toBe('ns           name    cpu\nkube-system  p       1\n');
  });

  it('a trailing tab pads the cell before it', () => {
    expect(tabwrite('  Kube-Proxy Version:\t\n  OS:\tlinux\n')).toBe('  Kube-Proxy Version:  \n  OS:                  linux\n');
  });

  it('flush ends every block: the Events table is aligned on its own', () => {
    const w = new DescribeWriter();
    w.write(0, 'A very long label:\tv\n');
    w.flush();
    w.write(1, 'Type\tReason\n');
    w.write(1, '----\t------\n');
    expect(w.toString()).toBe('A very long label:  v\n  Type  Reason\n  ----  ------\n');
    // Without the flush the three lines are one block.
    expect(tabwrite('A very long label:\tv\n  Type\tReason\n')).toBe('A very long label:  v\n  Type              Reason\n');
  });
});
