import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args.js';
import { parseTargets } from './targets.js';

describe('parseArgs', () => {
  it('takes flags anywhere, in every spelling kubectl accepts', () => {
    const a = parseArgs(['get', '-n', 'kube-system', 'pods', '-oyaml', '--selector=app=web', '-A', '--wait=false', '-f', 'a.yaml', '-f=b.yaml']);
    expect(a.positional).toEqual(['get', 'pods']);
    expect(a.str('namespace')).toBe('kube-system');
    expect(a.str('output')).toBe('yaml');
    expect(a.str('selector')).toBe('app=web');
    expect(a.bool('all-namespaces')).toBe(true);
    expect(a.bool('wait', true)).toBe(false);
    expect(a.all('filename')).toEqual(['a.yaml', 'b.yaml']);
  });
  it('keeps "-" and everything after "--" as arguments', () => {
    expect(parseArgs(['apply', '-f', '-']).str('filename')).toBe('-');
    expect(parseArgs(['x', '--', '-n', 'y']).positional).toEqual(['x', '-n', 'y']);
  });
  it('rejects unknown flags and missing values in kubectl words', () => {
    expect(() => parseArgs(['get', '--nope'])).toThrow(new UsageError('unknown flag: --nope'));
    expect(() => parseArgs(['get', '-n'])).toThrow('flag needs an argument: --namespace');
    expect(() => parseArgs(['get', '--wait=maybe'])).toThrow(/ParseBool/);
  });
});

describe('parseTargets', () => {
  it('reads TYPE, TYPE NAME..., TYPE/NAME and comma lists', () => {
    expect(parseTargets(['pods'])).toEqual([{ type: 'pods', names: [] }]);
    expect(parseTargets(['deploy', 'a', 'b'])).toEqual([{ type: 'deploy', names: ['a', 'b'] }]);
    expect(parseTargets(['deploy/a', 'deploy/b', 'pod/x'])).toEqual([
      { type: 'deploy', names: ['a', 'b'] },
      { type: 'pod', names: ['x'] },
    ]);
    expect(parseTargets(['pods,svc'])).toEqual([
      { type: 'pods', names: [] },
      { type: 'svc', names: [] },
    ]);
    expect(() => parseTargets(['pods,svc', 'x'])).toThrow(UsageError);
  });
});
