// The one rule for tag and target names, shared by the CLI, the signer and the verifier.
import { notaryError } from '../errors.js';

/**
 * Control characters a target name may not hold: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). A name
 * with one cannot be typed, prints misleadingly (a newline forges a row of `list`), and no registry tag has one.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `name` is not a valid tag/target name, or undefined when it is. */
export function targetNameProblem(name: string): string | undefined {
  if (name === '') return 'a tag name is required';
  const m = CONTROL.exec(name);
  if (m !== null) {
    const code = (m[0].codePointAt(0) as number).toString(16).padStart(4, '0');
    return `control character U+${code.toUpperCase()} at offset ${m.index}`;
  }
  return undefined;
}

/** True when `name` is a valid tag/target name (non-empty, no C0, DEL or C1 control character). */
export function isValidTargetName(name: string): boolean {
  return typeof name === 'string' && targetNameProblem(name) === undefined;
}

/**
 * Checks a tag/target name before anything is fetched or signed.
 * @throws NotaryError INVALID_ARGUMENT (details: tag, reason) for an empty name or one with a control character
 */
export function assertTargetName(name: string): void {
  const problem = typeof name === 'string' ? targetNameProblem(name) : 'a tag name is required';
  if (problem !== undefined) {
    throw notaryError('INVALID_ARGUMENT', `invalid tag ${JSON.stringify(name)}: ${problem}`, {
      details: { tag: name, reason: problem },
    });
  }
}
