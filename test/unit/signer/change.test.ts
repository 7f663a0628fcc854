// Change files byte for byte as the Go notary 0.7.0 CLI wrote them (`notary add/remove/delegation/witness`).
import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../../../src/encoding/base64.js';
import { fromUtf8, utf8 } from '../../../src/encoding/utf8.js';
import { isNotaryError } from '../../../src/errors.js';
import {
  decodeChange,
  decodeDelegationEdit,
  decodeRootRoleEdit,
  decodeTargetMeta,
  encodeChange,
  encodeDelegationEdit,
  encodeRootRoleEdit,
  encodeTargetMeta,
} from '../../../src/signer/change.js';

// Captured from `notary add example.com/a 'v1&<x>' f.txt --custom custom.json` (custom.json = {"a":"<x>","b":1}),
// `notary add ... 'tab<TAB>here' -r targets/releases`, `notary delegation add ... d.pub --paths a/,b`,
// `delegation remove -y`, `delegation remove --all-paths`, `delegation purge --key abc`, `witness`, `remove`.
const GO = {
  addCustom:
    '{"action":"create","role":"targets","type":"target","path":"v1\\u0026\\u003cx\\u003e","data":"eyJsZW5ndGgiOjEyLCJoYXNoZXMiOnsic2hhMjU2IjoicVVpUVR5OFBSNXVQZ1pkcFN6QVlTdzB1MGNITktoN0ErNFhTbWFHU3BFYz0iLCJzaGE1MTIiOiIyemwwcVg4a0I3Zks0YTVqZkFBd2FIb1JrVEowMVhoSkpWampuQmJBRjk2RTZzM0l4aS9qVHVUaEswc1VLSUYvQ2JhaWRndy9pbVpNNnVsTkpEU2xrdz09In0sImN1c3RvbSI6eyJhIjoiXHUwMDNjeFx1MDAzZSIsImIiOjF9fQ=="}',
  addTab:
    '{"action":"create","role":"targets/releases","type":"target","path":"tab\\there","data":"eyJsZW5ndGgiOjEyLCJoYXNoZXMiOnsic2hhMjU2IjoicVVpUVR5OFBSNXVQZ1pkcFN6QVlTdzB1MGNITktoN0ErNFhTbWFHU3BFYz0iLCJzaGE1MTIiOiIyemwwcVg4a0I3Zks0YTVqZkFBd2FIb1JrVEowMVhoSkpWampuQmJBRjk2RTZzM0l4aS9qVHVUaEswc1VLSUYvQ2JhaWRndy9pbVpNNnVsTkpEU2xrdz09In19"}',
  remove: '{"action":"delete","role":"targets/releases","type":"target","path":"relv1","data":null}',
  delegAddKey:
    '{"action":"create","role":"targets/alice","type":"delegation","path":"","data":"eyJ0aHJlc2hvbGQiOjEsImFkZF9rZXlzIjpbeyJrZXl0eXBlIjoiZWNkc2EiLCJrZXl2YWwiOnsicHVibGljIjoiTUZrd0V3WUhLb1pJemowQ0FRWUlLb1pJemowREFRY0RRZ0FFeFU0Z1h5UkVXaWpzeGpvWWROU0NhbWN2eXk1Tnh2NGdITU51eTRBL0dBaTgvWlZvMi9XdVA4RTdIWFM0M0tEemtVOTJMRzRYUTV0WTh3c3p1bTNDM3c9PSIsInByaXZhdGUiOm51bGx9fV19"}',
  delegAddPaths:
    '{"action":"create","role":"targets/alice","type":"delegation","path":"","data":"eyJhZGRfcGF0aHMiOlsiYS8iLCJiIl19"}',
  delegDelete: '{"action":"delete","role":"targets/alice","type":"delegation","path":"","data":null}',
  delegClear:
    '{"action":"update","role":"targets/alice","type":"delegation","path":"","data":"eyJjbGVhcl9wYXRocyI6dHJ1ZX0="}',
  purge:
    '{"action":"update","role":"targets/*","type":"delegation","path":"","data":"eyJyZW1vdmVfa2V5cyI6WyJhYmMiXX0="}',
  removePaths:
    '{"action":"update","role":"targets/releases","type":"delegation","path":"","data":"eyJyZW1vdmVfcGF0aHMiOlsiZm9vIl19"}',
  witness: '{"action":"update","role":"targets/alice","type":"witness","path":"","data":null}',
};

const SHA256 = fromBase64('qUiQTy8PR5uPgZdpSzAYSw0u0cHNKh7A+4XSmaGSpEc=');
const SHA512 = fromBase64('2zl0qX8kB7fK4a5jfAAwaHoRkTJ01XhJJVjjnBbAF96E6s3Ixi/jTuThK0sUKIF/Cbaidgw/imZM6ulNJDSlkw==');
const ALICE_SPKI = fromBase64(
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExU4gXyREWijsxjoYdNSCamcvyy5Nxv4gHMNuy4A/GAi8/ZVo2/WuP8E7HXS43KDzkU92LG4XQ5tY8wszum3C3w==',
);

describe('change envelope (json.Marshal of TUFChange)', () => {
  it('round-trips every Go-written change byte for byte', () => {
    for (const text of Object.values(GO)) {
      expect(fromUtf8(encodeChange(decodeChange(utf8(text))))).toBe(text);
    }
  });

  it('builds the Go bytes of a target addition from its parts (HTML escapes, struct order, custom)', () => {
    const data = encodeTargetMeta({
      length: 12,
      hashes: { sha512: SHA512, sha256: SHA256 },
      custom: { b: 1, a: '<x>' },
    });
    const text = encodeChange({ action: 'create', role: 'targets', type: 'target', path: 'v1&<x>', data });
    expect(fromUtf8(text)).toBe(GO.addCustom);
    const tab = encodeChange({
      action: 'create',
      role: 'targets/releases',
      type: 'target',
      path: 'tab\there',
      data: encodeTargetMeta({ length: 12, hashes: { sha256: SHA256, sha512: SHA512 } }),
    });
    expect(fromUtf8(tab)).toBe(GO.addTab);
  });

  it('builds delegation payloads with Go field order and omitempty', () => {
    const addKey = encodeDelegationEdit({ threshold: 1, addKeys: [{ type: 'ecdsa', public: ALICE_SPKI }] });
    expect(
      encodeChange({ action: 'create', role: 'targets/alice', type: 'delegation', path: '', data: addKey }),
    ).toEqual(utf8(GO.delegAddKey));
    const paths = encodeDelegationEdit({ addPaths: ['a/', 'b'], removeKeys: [], clearPaths: false });
    expect(
      encodeChange({ action: 'create', role: 'targets/alice', type: 'delegation', path: '', data: paths }),
    ).toEqual(utf8(GO.delegAddPaths));
    expect(fromUtf8(encodeDelegationEdit({ clearPaths: true }))).toBe('{"clear_paths":true}');
    expect(fromUtf8(encodeDelegationEdit({ removeKeys: ['abc'] }))).toBe('{"remove_keys":["abc"]}');
    expect(fromUtf8(encodeDelegationEdit({ removePaths: ['foo'] }))).toBe('{"remove_paths":["foo"]}');
    expect(fromUtf8(encodeDelegationEdit({}))).toBe('{}');
    expect(fromUtf8(encodeDelegationEdit({ newName: 'targets/b', threshold: 2 }))).toBe(
      '{"new_name":"targets/b","threshold":2}',
    );
  });

  it('writes the root role change as TUFRootData (keys, role)', () => {
    const text = fromUtf8(encodeRootRoleEdit({ role: 'targets', keys: [{ type: 'ecdsa', public: ALICE_SPKI }] }));
    expect(text).toBe(
      `{"keys":[{"keytype":"ecdsa","keyval":{"public":"${Buffer.from(ALICE_SPKI).toString('base64')}","private":null}}],"role":"targets"}`,
    );
  });
});

describe('change payloads decode', () => {
  it('reads FileMeta with custom', () => {
    const meta = decodeTargetMeta(decodeChange(utf8(GO.addCustom)));
    expect(meta.length).toBe(12);
    expect(meta.hashes['sha256']).toEqual(SHA256);
    expect(meta.hashes['sha512']).toEqual(SHA512);
    expect(meta.custom).toEqual({ a: '<x>', b: 1 });
  });

  it('reads delegation edits', () => {
    const add = decodeDelegationEdit(decodeChange(utf8(GO.delegAddKey)));
    expect(add.threshold).toBe(1);
    expect(add.addKeys).toEqual([{ type: 'ecdsa', public: ALICE_SPKI }]);
    expect(decodeDelegationEdit(decodeChange(utf8(GO.delegAddPaths))).addPaths).toEqual(['a/', 'b']);
    expect(decodeDelegationEdit(decodeChange(utf8(GO.delegClear))).clearPaths).toBe(true);
    expect(decodeDelegationEdit(decodeChange(utf8(GO.purge))).removeKeys).toEqual(['abc']);
    expect(decodeDelegationEdit(decodeChange(utf8(GO.removePaths))).removePaths).toEqual(['foo']);
  });

  it('reads a root role change', () => {
    const c = {
      action: 'create',
      role: 'root',
      type: 'role',
      path: 'targets',
      data: encodeRootRoleEdit({ role: 'targets', keys: [{ type: 'ecdsa', public: ALICE_SPKI }] }),
    } as const;
    expect(decodeRootRoleEdit(decodeChange(encodeChange(c)))).toEqual({
      role: 'targets',
      keys: [{ type: 'ecdsa', public: ALICE_SPKI }],
    });
  });

  it('rejects files that are not changes with CHANGELIST_CORRUPT', () => {
    for (const bad of ['', 'null', '[]', '{"action":"frob","type":"target"}', '{"action":"create","type":"x"}']) {
      expect(() => decodeChange(utf8(bad))).toThrow(expect.objectContaining({ code: 'CHANGELIST_CORRUPT' }));
    }
    const noData = decodeChange(utf8(GO.remove));
    try {
      decodeTargetMeta(noData);
      expect.unreachable();
    } catch (e) {
      expect(isNotaryError(e, 'CHANGELIST_CORRUPT')).toBe(true);
    }
  });
});
