// Canonical JSON (docker/go dialect) and the strict parser.
export {
  canonicalBytes,
  canonicalString,
  integerText,
  wireBytes,
  wireFromCanonical,
  wireString,
} from './encode.js';
export {
  hasOwn,
  isJsonObject,
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
  newJsonObject,
} from './json-value.js';
export { compareUtf8, sortedKeys, sortKeysInPlace } from './key-order.js';
export { compareUtf8Range, type LazyMatcher, LazyObject, type SpanParser } from './lazy-object.js';
export {
  type CanonicalMemberOptions,
  type ParsedWithCanonical,
  type ParseOptions,
  parseJson,
  parseJsonWithCanonicalMember,
} from './parse.js';
