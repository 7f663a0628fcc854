// The launcher (bin/notary-ts.js) picks a V8 code cache per command before the bundle is loaded, so it keeps its
// own copy of the command words and of the global flags that take a value. These tests hold those copies to
// src/cli: a command missing there would share the `other` cache, a value flag missing would make its value look
// like the command.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GLOBAL_FLAGS } from '../../../src/cli/args.js';
import { COMMANDS } from '../../../src/cli/registry.js';

const launcher = readFileSync(new URL('../../../bin/notary-ts.js', import.meta.url), 'utf8');

function arrayNamed(name: string): string[] {
  const m = new RegExp(`const ${name} = \\[([^\\]]*)\\];`).exec(launcher);
  if (!m) throw new Error(`${name} not found in bin/notary-ts.js`);
  return [...(m[1] as string).matchAll(/'([^']*)'/g)].map((x) => x[1] as string);
}

describe('launcher code-cache profiles', () => {
  it('knows every first command word of the CLI (lookup shares verify), plus version and help', () => {
    const words = new Set(COMMANDS.map((c) => c.words[0] as string));
    words.delete('lookup');
    words.add('version');
    words.add('help');
    expect([...arrayNamed('CACHED_COMMANDS')].sort()).toEqual([...words].sort());
    expect(launcher).toContain("if (a === 'lookup') return 'verify';");
  });

  it('skips exactly the global flags that take a value', () => {
    const flags: string[] = [];
    for (const [name, spec] of Object.entries(GLOBAL_FLAGS)) {
      if (spec.type === 'boolean') continue;
      flags.push(`--${name}`);
      if (spec.short) flags.push(`-${spec.short}`);
    }
    expect([...arrayNamed('VALUE_FLAGS')].sort()).toEqual(flags.sort());
  });
});
