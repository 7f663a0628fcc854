// Image references as docker's distribution/reference parses and normalises them, including its edge cases.
import { describe, expect, it } from 'vitest';
import {
  familiarName,
  formatReference,
  gunOfReference,
  isImageTag,
  parseImageReference,
} from '../../../src/grammar/reference.js';
import { thrownCode } from '../../helpers/error-code.js';

const HEX = 'f'.repeat(64);

describe('normalisation (ParseNormalizedNamed)', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine'],
    ['library/debian', 'docker.io/library/debian'],
    ['docker/docker', 'docker.io/docker/docker'],
    ['docker.io/debian', 'docker.io/library/debian'],
    ['docker.io/docker/docker', 'docker.io/docker/docker'],
    ['index.docker.io/debian', 'docker.io/library/debian'],
    ['index.docker.io/docker/docker', 'docker.io/docker/docker'],
    ['localhost/app', 'localhost/app'],
    ['localhost:5000/library/debian', 'localhost:5000/library/debian'],
    ['127.0.0.1:5000/team/app', '127.0.0.1:5000/team/app'],
    ['192.168.0.1/app', '192.168.0.1/app'],
    ['Example.COM/app', 'Example.COM/app'],
    ['registry:5000/app', 'registry:5000/app'],
    ['[fc00::1]:5000/app', '[fc00::1]:5000/app'],
    ['xn--n3h.com/myimage', 'xn--n3h.com/myimage'],
    ['foo_bar.com:8080', 'docker.io/library/foo_bar.com'],
    ['foo/foo_bar.com:8080', 'docker.io/foo/foo_bar.com'],
    ['localhost:5000', 'docker.io/library/localhost'],
    ['a/b__c/d-e---f/g.h', 'docker.io/a/b__c/d-e---f/g.h'],
  ])('%s → %s', (input, name) => {
    const r = parseImageReference(input);
    expect(r.name).toBe(name);
    expect(gunOfReference(r)).toBe(name);
  });

  it('splits registry, path, tag and digest', () => {
    const r = parseImageReference(`localhost:5000/team/app:v1.2-rc_3@sha256:${HEX}`);
    expect(r).toEqual({
      registry: 'localhost:5000',
      path: 'team/app',
      name: 'localhost:5000/team/app',
      tag: 'v1.2-rc_3',
      digest: `sha256:${HEX}`,
    });
    expect(formatReference(r)).toBe(`localhost:5000/team/app:v1.2-rc_3@sha256:${HEX}`);
    expect(parseImageReference('foo_bar.com:8080').tag).toBe('8080');
    expect(parseImageReference('localhost:5000').tag).toBe('5000');
    expect(parseImageReference('alpine').tag).toBeUndefined();
  });

  it('familiar names drop docker.io and library/ as docker prints them', () => {
    expect(familiarName(parseImageReference('alpine:3'))).toBe('alpine');
    expect(familiarName(parseImageReference('docker.io/user/app'))).toBe('user/app');
    expect(familiarName(parseImageReference('quay.io/library/app'))).toBe('quay.io/library/app');
  });
});

describe('refused as docker refuses them (INVALID_REFERENCE)', () => {
  it.each([
    ['', 'empty'],
    [HEX, 'a 64-hex image id'],
    ['Uppercase:tag', 'upper-case repository'],
    ['docker.io/docker/Docker', 'upper-case path'],
    ['-docker', 'leading dash'],
    ['-docker/docker', 'leading dash'],
    ['docker///docker', 'empty components'],
    ['docker/docker/', 'trailing slash'],
    ['https://github.com/docker/docker', 'a URL'],
    [':justtag', 'no name'],
    [`@sha256:${HEX}`, 'no name'],
    ['foo/bar:', 'empty tag'],
    [`foo:${'a'.repeat(129)}`, 'tag over 128 characters'],
    ['foo:-tag', 'tag starting with a dash'],
    ['foo@sha256:fff', 'short digest'],
    [`foo@sha256:${'F'.repeat(64)}`, 'upper-case digest hex'],
    [`foo@md5:${'f'.repeat(32)}`, 'unregistered algorithm'],
    ['foo@sha256', 'digest without hex'],
    ['foo bar', 'white space'],
    ['-registry.com/app', 'bad host'],
    ['my_registry:5000/app', 'underscore in host'],
    [`${'a'.repeat(250)}.com/app`, 'name over 255 characters'],
    ['a:b:c', 'two colons'],
  ])('%j (%s)', (input) => {
    expect(thrownCode(() => parseImageReference(input))).toBe('INVALID_REFERENCE');
  });

  it('accepts a name of exactly 255 characters', () => {
    const path = 'a'.repeat(255 - 'docker.io/library/'.length);
    expect(parseImageReference(path).name).toHaveLength(255);
    expect(thrownCode(() => parseImageReference(`${path}a`))).toBe('INVALID_REFERENCE');
  });

  it('isImageTag is the tag grammar', () => {
    expect(isImageTag('v1')).toBe(true);
    expect(isImageTag('_x.y-z')).toBe(true);
    expect(isImageTag('.x')).toBe(false);
    expect(isImageTag('a/b')).toBe(false);
  });
});
