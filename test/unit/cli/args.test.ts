import { describe, expect, it } from 'vitest';
import { commandWords, intFlag, parseCommandLine, parseDuration } from '../../../src/cli/args.js';
import { thrownCode } from '../../helpers/error-code.js';

describe('command words', () => {
  it('skips global flags and their values wherever they appear', () => {
    expect(commandWords(['-s', 'http://x', 'verify', 'a/b:c'], 2)).toEqual(['verify', 'a/b:c']);
    expect(commandWords(['--trust-dir', 'verify', 'key', 'list'], 2)).toEqual(['key', 'list']);
    expect(commandWords(['--json', 'list', 'g'], 1)).toEqual(['list']);
    expect(commandWords(['--', 'x'], 1)).toEqual([]);
  });
});

describe('flag parsing', () => {
  it('merges global and command flags', () => {
    const a = parseCommandLine(['verify', '-s', 'http://h', '--role', 'targets', 'g:t', '--json'], {
      role: { type: 'string', description: '' },
    });
    expect(a.flags['server']).toBe('http://h');
    expect(a.flags['role']).toBe('targets');
    expect(a.flags['json']).toBe(true);
    expect(a.positionals).toEqual(['verify', 'g:t']);
  });

  it('repeatable flags collect values', () => {
    const a = parseCommandLine(['--signer', 'a', '--signer', 'b'], { signer: { type: 'strings', description: '' } });
    expect(a.flags['signer']).toEqual(['a', 'b']);
  });

  it('unknown flags and missing values are USAGE errors', () => {
    expect(thrownCode(() => parseCommandLine(['--nope'], {}))).toBe('USAGE');
    expect(thrownCode(() => parseCommandLine(['--server'], {}))).toBe('USAGE');
  });

  it('durations', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2')).toBe(2000);
    expect(parseDuration('24h')).toBe(86_400_000);
    for (const bad of ['', 's', '10x', '-1s', '0s', '1s garbage', '0', '0.0001', '24h1ms', '25h', '9'.repeat(400)])
      expect(thrownCode(() => parseDuration(bad))).toBe('USAGE');
  });

  it('integer flags', () => {
    const a = parseCommandLine(['--threshold', '2'], { threshold: { type: 'string', description: '' } });
    expect(intFlag(a, 'threshold', 1)).toBe(2);
    const b = parseCommandLine(['--threshold', '0'], { threshold: { type: 'string', description: '' } });
    expect(thrownCode(() => intFlag(b, 'threshold', 1))).toBe('USAGE');
    const c = parseCommandLine(['--threshold', '1e3'], { threshold: { type: 'string', description: '' } });
    expect(thrownCode(() => intFlag(c, 'threshold', 1))).toBe('USAGE');
  });
});
