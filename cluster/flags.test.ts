import { describe, expect, it } from 'vitest';
import { CliError } from './errors.js';
import { parseArgs } from './flags.js';

describe('parseArgs', () => {
  it('gives up the defaults of npm start', () => {
    const c = parseArgs(['up']);
    expect(c.command).toBe('up');
    expect(c.up).toEqual({ dataDir: '.cluster', storeMembers: 3, apiservers: 1, nodes: 3, portBase: undefined, supervise: false, detach: false });
  });

  it('reads both flag forms and booleans', () => {
    const c = parseArgs(['up', '--data-dir=/tmp/x', '--store-members', '1', '--port-base', '40000', '--detach']);
    expect(c.up).toMatchObject({ dataDir: '/tmp/x', storeMembers: 1, portBase: 40000, detach: true, supervise: false });
  });

  it('takes -o json for status and a component for kill and start', () => {
    expect(parseArgs(['status', '-o', 'json']).output).toBe('json');
    expect(parseArgs(['status', '-o=json']).output).toBe('json');
    expect(parseArgs(['kill', 'store-leader']).args).toEqual(['store-leader']);
    expect(parseArgs(['snapshot', 'save', 'f.db']).args).toEqual(['save', 'f.db']);
    expect(parseArgs(['down', '--purge']).purge).toBe(true);
  });

  it('refuses bad input with one-line messages', () => {
    const bad: [string[], RegExp][] = [
      [['launch'], /unknown command "launch"/],
      [['up', '--store-member', '3'], /unknown flag --store-member for "cluster up"/],
      [['up', '--store-members', 'three'], /--store-members must be an integer from 1 to 9/],
      [['up', '--port-base', '80'], /--port-base must be an integer from 1024/],
      [['up', '--data-dir'], /flag --data-dir needs a value/],
      [['up', '--detach', '--supervise'], /--supervise needs the foreground/],
      [['status', '-o', 'yaml'], /-o must be json or text/],
      [['kill'], /needs a component name/],
      [['snapshot', 'restore', 'f'], /unknown snapshot action/],
      [['down', 'now'], /unexpected argument "now"/],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseArgs(argv), argv.join(' ')).toThrow(CliError);
      expect(() => parseArgs(argv)).toThrow(message);
    }
  });

  it('shows help', () => {
    expect(parseArgs([]).command).toBe('help');
    expect(parseArgs(['up', '--help']).command).toBe('help');
  });
});
