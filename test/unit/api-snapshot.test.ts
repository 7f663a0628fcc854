// The public API snapshot: fails when the root export list or the subpath exports change. If the change is meant,
// update the lists here (and the README's library section) in the same commit.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

/** Runtime names of `notary-ts` (types are not listed: they vanish at run time). */
const ROOT_EXPORTS = [
  'ARCHIVE_FORMAT',
  'DEFAULT_TAG',
  'DEFAULT_WARN_MS',
  'ERROR_CODES',
  'FileChangelist',
  'FileKeyStore',
  'MAX_PUBLISH_ATTEMPTS',
  'NotaryError',
  'PINNING_ENV',
  'RELEASES_ROLE',
  'REPO_ADMIN',
  'RegistryPool',
  'addDelegation',
  'addSigner',
  'archive',
  'categoryOf',
  'chainCredentials',
  'chainPassphrases',
  'chainSignerSources',
  'changelistDir',
  'check',
  'constantPassphrase',
  'decodeArchive',
  'defaultCredentials',
  'defaultTransport',
  'dockerConfigCredentials',
  'doctor',
  'emptyTrustPinning',
  'envPassphrases',
  'familiarName',
  'formatReference',
  'generateSignerKey',
  'gunOfReference',
  'homeOf',
  'initRepository',
  'inspectRepository',
  'isExpired',
  'isImageTag',
  'isNotaryError',
  'keySigner',
  'keyStoreSignerSource',
  'listDelegations',
  'listTargets',
  'loadClientConfig',
  'lookupTarget',
  'mergePinning',
  'naturalLess',
  'notaryAuthCredentials',
  'notaryError',
  'openArchive',
  'openRepository',
  'parseClientConfig',
  'parseImageReference',
  'parsePublicKeyPem',
  'passphraseEnvNames',
  'passphraseFile',
  'publish',
  'readArchive',
  'removeDelegation',
  'removeSigner',
  'resetChanges',
  'resolveConnection',
  'resolveImage',
  'resolveImages',
  'resolveTrustDir',
  'revoke',
  'rotate',
  'secretsDirPassphrases',
  'sign',
  'stageChanges',
  'stagedChanges',
  'staticSignerSource',
  'targetMetaOf',
  'transportOfKind',
  'ttyPassphrases',
  'undiciTransport',
  'useAgentModule',
  'wireTransport',
];

const SUBPATHS = [
  '.',
  './canonical',
  './client',
  './connection',
  './crypto',
  './grammar',
  './keystore',
  './metadata',
  './remote',
  './signer',
];

describe('public API', () => {
  it('the root export is the curated facade, nothing more', () => {
    expect(Object.keys(api).sort()).toEqual(ROOT_EXPORTS);
  });

  it('internals stay off the root export', () => {
    for (const name of [
      'hasOwn',
      'cloneJson',
      'LazyObject',
      'TrustedSet',
      'Updater',
      'NotaryRemote',
      'canonicalBytes',
    ]) {
      expect(Object.keys(api)).not.toContain(name);
    }
  });

  it('low-level layers are subpath exports that map to their index modules', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
    };
    expect(Object.keys(pkg.exports).sort()).toEqual(SUBPATHS);
    for (const [sub, target] of Object.entries(pkg.exports)) {
      const layer = sub === '.' ? '' : `${sub.slice(2)}/`;
      expect(target).toEqual({ types: `./dist/src/${layer}index.d.ts`, default: `./dist/src/${layer}index.js` });
      expect(existsSync(`src/${layer}index.ts`), sub).toBe(true);
    }
  });
});
