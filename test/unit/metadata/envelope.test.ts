import { describe, expect, it } from 'vitest';
import { canonicalBytes, wireString } from '../../../src/canonical/index.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import {
  envelopeBytes,
  parseEnvelope,
  parseMetadata,
  parseTargets,
  serializeMetadata,
} from '../../../src/metadata/index.js';
import { buildRepo, envelope, expectCode } from './fixtures.js';

describe('envelope parse', () => {
  it('decodes signatures, lower-cases the method and ignores unknown top-level fields', () => {
    const env = parseEnvelope(
      utf8('{"signed":{"a":1},"signatures":[{"keyid":"ab","method":"ECDSA","sig":"AAEC"}],"extra":true}'),
      'root',
    );
    expect(env.signed).toEqual({ a: 1 });
    expect(env.signatures).toEqual([{ keyId: 'ab', method: 'ecdsa', sig: Uint8Array.of(0, 1, 2) }]);
  });

  it('keeps unknown signature methods (they simply never verify)', () => {
    const env = parseEnvelope(envelope({}, [{ keyid: 'x', method: 'hmac', sig: '' }]), 'root');
    expect(env.signatures[0]?.method).toBe('hmac');
  });

  it('reports canonical bytes straight from Go-style files, and none for non-canonical ones', () => {
    const { targets } = buildRepo();
    const env = parseEnvelope(targets.raw, 'targets');
    expect(env.canonical).toEqual(canonicalBytes(env.signed));
    const spaced = utf8(`{"signed": ${wireString(targets.signed.json)},"signatures":[]}`);
    expect(parseEnvelope(spaced, 'targets').canonical).toEqual(canonicalBytes(env.signed));
    const pretty = utf8(JSON.stringify({ signed: targets.signed.json, signatures: [] }, null, 1));
    expect(parseEnvelope(pretty, 'targets').canonical).toBeUndefined();
  });
});

describe('envelope parse errors', () => {
  it('malformed JSON is INVALID_JSON with the role', () => {
    expectCode(() => parseEnvelope(utf8('{"signed":'), 'snapshot'), 'INVALID_JSON', { role: 'snapshot' });
    expectCode(() => parseEnvelope(Uint8Array.of(0xff), 'root'), 'INVALID_JSON', { role: 'root' });
    expectCode(() => parseEnvelope(utf8('{"signed":{},"signed":{},"signatures":[]}'), 'root'), 'INVALID_JSON');
  });

  const cases: [string, string, string][] = [
    ['top level an array', '[]', '(envelope)'],
    ['signed missing', '{"signatures":[]}', 'signed'],
    ['signed a string', '{"signed":"x","signatures":[]}', 'signed'],
    ['signatures missing', '{"signed":{}}', 'signatures'],
    ['signatures null', '{"signed":{},"signatures":null}', 'signatures'],
    ['signature not an object', '{"signed":{},"signatures":[1]}', 'signatures[0]'],
    ['keyid missing', '{"signed":{},"signatures":[{"method":"ecdsa","sig":""}]}', 'signatures[0].keyid'],
    ['method missing', '{"signed":{},"signatures":[{"keyid":"a","sig":""}]}', 'signatures[0].method'],
    ['sig missing', '{"signed":{},"signatures":[{"keyid":"a","method":"ecdsa"}]}', 'signatures[0].sig'],
    ['sig not base64', '{"signed":{},"signatures":[{"keyid":"a","method":"ecdsa","sig":"a b"}]}', 'signatures[0].sig'],
    ['sig unpadded', '{"signed":{},"signatures":[{"keyid":"a","method":"ecdsa","sig":"AAE"}]}', 'signatures[0].sig'],
  ];
  for (const [name, text, field] of cases) {
    it(name, () => {
      expectCode(() => parseEnvelope(utf8(text), 'timestamp'), 'INVALID_METADATA', { role: 'timestamp', field });
    });
  }
});

describe('wire bytes (Go json.Marshal(data.Signed))', () => {
  it('HTML-escapes the signed part, writes signatures in order, no trailing newline', () => {
    const bytes = envelopeBytes({ b: 'a&b<c>\u2028', a: 1 }, [
      { keyId: 'k1', method: 'ecdsa', sig: Uint8Array.of(1, 2, 3) },
      { keyId: 'k2', method: 'eddsa', sig: new Uint8Array(0) },
    ]);
    expect(new TextDecoder().decode(bytes)).toBe(
      '{"signed":{"a":1,"b":"a\\u0026b\\u003cc\\u003e\\u2028"},"signatures":[' +
        '{"keyid":"k1","method":"ecdsa","sig":"AQID"},{"keyid":"k2","method":"eddsa","sig":""}]}',
    );
  });

  it('round-trips every file of a built repository byte for byte', () => {
    for (const file of Object.values(buildRepo())) {
      const again = parseMetadata(file.signed.role, file.raw);
      expect(serializeMetadata(again.signed, again.signatures)).toEqual(file.raw);
    }
  });

  it('an empty signature list is written as []', () => {
    const { targets } = buildRepo();
    const text = new TextDecoder().decode(serializeMetadata(targets.signed, []));
    expect(text.endsWith(',"signatures":[]}')).toBe(true);
    expect(parseTargets(utf8(text)).signatures).toEqual([]);
  });
});
