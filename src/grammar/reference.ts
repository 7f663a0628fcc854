// Docker image references: `[REGISTRY[:PORT]/]NAME[:TAG][@DIGEST]`, normalised as docker does, and the GUN of one.
import { notaryError } from '../errors.js';

/** Docker Hub's canonical domain; `index.docker.io` is its legacy spelling. */
export const DEFAULT_REGISTRY = 'docker.io';
const LEGACY_REGISTRY = 'index.docker.io';
/** distribution/reference NameTotalLengthMax: the whole name, registry included. */
export const NAME_MAX_LENGTH = 255;
/** The tag docker pulls when none is named. */
export const DEFAULT_TAG = 'latest';

// The grammar of distribution/reference (regexp.go), written from its documentation:
//   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//   host             := domain-name | IPv4 | "[" IPv6 "]";  domain := host [":" port-number]
//   path-component   := /[a-z0-9]+/ (separator /[a-z0-9]+/)*;  separator := /[_.]|__|[-]+/
//   tag              := /[\w][\w.-]{0,127}/
//   digest           := algorithm ":" hex;  algorithm := /[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*/
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|${IPV6})(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** go-digest's registered algorithms and their hex lengths; the hex must be lower-case. */
const DIGEST_HEX: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** Whether `tag` fits docker's tag grammar. */
export function isImageTag(tag: string): boolean {
  return TAG.test(tag);
}

/** A parsed, normalised image reference. */
export interface ImageReference {
  /** Registry host[:port], normalised (`docker.io` for Docker Hub). */
  readonly registry: string;
  /** Repository path on the registry (`library/alpine`). */
  readonly path: string;
  /** `registry/path`: docker's normalised name, and the GUN docker's trust commands use. */
  readonly name: string;
  readonly tag?: string;
  /** `algorithm:hex`, validated as go-digest does. */
  readonly digest?: string;
}

function bad(input: string, why: string): never {
  throw notaryError('INVALID_REFERENCE', `invalid image reference ${JSON.stringify(input.slice(0, 300))}: ${why}`, {
    details: { reference: input.slice(0, 300), reason: why },
  });
}

/** docker's splitDockerDomain: the first segment is a registry when it has `.` or `:`, is localhost or has capitals. */
function splitRegistry(s: string): { registry: string; rest: string } {
  const slash = s.indexOf('/');
  if (slash < 0) return { registry: DEFAULT_REGISTRY, rest: s };
  const first = s.slice(0, slash);
  const isRegistry = /[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first;
  return isRegistry ? { registry: first, rest: s.slice(slash + 1) } : { registry: DEFAULT_REGISTRY, rest: s };
}

/** Validates `algorithm:hex` as go-digest's Parse does. @throws NotaryError INVALID_REFERENCE */
function checkDigest(input: string, digest: string): void {
  if (!DIGEST.test(digest)) bad(input, 'invalid digest');
  const colon = digest.indexOf(':');
  const alg = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const want = DIGEST_HEX[alg];
  if (want === undefined) bad(input, `unsupported digest algorithm ${alg}`);
  if (hex.length !== want || !/^[a-f0-9]+$/.test(hex)) bad(input, `invalid ${alg} digest`);
}

/**
 * Parses a reference the way docker's `ParseNormalizedNamed` does:
 * 1. a bare 64-hex-digit string is refused (docker takes it for an image ID);
 * 2. the registry is split off by docker's rule (see `splitRegistry`); `index.docker.io` becomes `docker.io`, and a
 *    one-segment Docker Hub path gets `library/` in front (`alpine` → `docker.io/library/alpine`);
 * 3. the repository path must be lower-case path components; the registry a host name, IPv4 or `[IPv6]` with an
 *    optional port; the whole name at most 255 characters;
 * 4. `:tag` (`[\w][\w.-]{0,127}`) and `@algorithm:hex` are optional; a digest must use a registered algorithm
 *    (sha256, sha384, sha512) with lower-case hex of its exact length.
 * @throws NotaryError INVALID_REFERENCE when the text is not such a reference
 */
export function parseImageReference(input: string): ImageReference {
  if (typeof input !== 'string' || input === '') bad(String(input), 'empty');
  if (/^[a-f0-9]{64}$/.test(input)) bad(input, 'a 64-hex-digit string is an image id, not a repository');
  if (/\s/.test(input)) bad(input, 'white space');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    checkDigest(input, digest);
  }
  const split = splitRegistry(rest);
  let registry = split.registry;
  let remainder = split.rest;
  let tag: string | undefined;
  const colon = remainder.lastIndexOf(':');
  if (colon >= 0) {
    tag = remainder.slice(colon + 1);
    remainder = remainder.slice(0, colon);
    if (!TAG.test(tag)) bad(input, 'invalid tag');
  }
  if (remainder === '') bad(input, 'no repository name');
  if (remainder.toLowerCase() !== remainder) bad(input, 'repository name must be lowercase');
  if (!DOMAIN.test(registry)) bad(input, 'invalid registry host');
  if (registry === LEGACY_REGISTRY) registry = DEFAULT_REGISTRY;
  const path = registry === DEFAULT_REGISTRY && !remainder.includes('/') ? `library/${remainder}` : remainder;
  for (const seg of path.split('/')) {
    if (!PATH_COMPONENT.test(seg)) bad(input, seg === '' ? 'empty path component' : `invalid path component ${seg}`);
  }
  const name = `${registry}/${path}`;
  if (name.length > NAME_MAX_LENGTH) bad(input, `name longer than ${NAME_MAX_LENGTH} characters`);
  return { registry, path, name, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** The GUN docker's trust commands derive from a reference: its normalised name (`docker.io/library/alpine`). */
export function gunOfReference(ref: ImageReference): string {
  return ref.name;
}

/** `name[:tag][@digest]` in full (normalised) form, e.g. `docker.io/library/alpine:3.20`. */
export function formatReference(ref: ImageReference): string {
  return `${ref.name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** docker's FamiliarName: the name without `docker.io/` and `library/` (as `docker images` shows it). */
export function familiarName(ref: ImageReference): string {
  if (ref.registry !== DEFAULT_REGISTRY) return ref.name;
  return ref.path.startsWith('library/') && ref.path.split('/').length === 2 ? ref.path.slice(8) : ref.path;
}
