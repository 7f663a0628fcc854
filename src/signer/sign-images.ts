// `sign({ images })`: image references resolved from their registries into the tags one sign publishes.
import { notaryError } from '../errors.js';
import { parseImageReference } from '../grammar/reference.js';
import { type ResolveImageOptions, resolveImages } from '../remote/resolve-image.js';
import type { CommonOptions } from './context.js';
import type { TagInput } from './signable-roles.js';

export interface ImageSignInput extends CommonOptions {
  readonly gun?: string;
  readonly tags?: readonly TagInput[];
  readonly images?: readonly string[];
  readonly registry?: ResolveImageOptions;
}

/**
 * The GUN and tags of a sign: `tags` as given, plus one tag per image reference (`registry/app:v1`), whose digest
 * and size are those of the manifest the registry serves now (a multi-arch index as the index). Every image must
 * name a tag and the same repository; that repository's normalised name is the GUN (`gun`, when given, must equal
 * it). Nothing is resolved when `images` is empty.
 * @throws NotaryError INVALID_REFERENCE, INVALID_ARGUMENT (images of several repositories, or not `gun`), and
 *   everything `resolveImage` throws (IMAGE_NOT_FOUND, UNAUTHORIZED, NETWORK, …)
 * @throws TypeError when neither `gun` nor `images` is given
 */
export async function gunAndTags(o: ImageSignInput): Promise<{ gun: string; tags: TagInput[] }> {
  const tags = [...(o.tags ?? [])];
  const images = o.images ?? [];
  if (images.length === 0) {
    if (typeof o.gun !== 'string') throw new TypeError('sign needs a gun (or images)');
    return { gun: o.gun, tags };
  }
  const refs = images.map((text) => {
    const ref = parseImageReference(text);
    if (ref.tag === undefined) {
      throw notaryError('INVALID_REFERENCE', `${text}: signing needs IMAGE:TAG`, { details: { reference: text } });
    }
    return ref;
  });
  const names = [...new Set(refs.map((r) => r.name))];
  const gun = o.gun ?? (names[0] as string);
  if (names.length > 1 || names[0] !== gun) {
    throw notaryError('INVALID_ARGUMENT', `images of one sign must all be in repository ${gun}`, {
      details: { gun, repositories: names },
    });
  }
  const r = o.registry ?? {};
  const resolved = await resolveImages(refs, {
    ...r,
    ...(r.env === undefined && o.env !== undefined ? { env: o.env } : {}),
    ...(r.timeoutMs === undefined && o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  });
  for (const m of resolved) tags.push({ tag: m.tag as string, digest: m.digest, size: m.size });
  return { gun, tags };
}
