// Limits of the delegation tree: the verifier refuses to walk beyond them, so the signer refuses to build beyond them.

/** Deepest delegation (`targets/a/b/…`: segments below `targets`). Notary has no limit but 255 characters. */
export const MAX_DELEGATION_DEPTH = 16;
/** Most delegations one targets file may list (fan-out DoS guard). */
export const MAX_DELEGATION_FANOUT = 1024;
/** Most delegated roles one repository view loads (every load may be a download). */
export const MAX_DELEGATIONS_LOADED = 4096;

/** Nesting depth of a role: `targets` 0, `targets/a` 1, `targets/a/b` 2. */
export function delegationDepth(name: string): number {
  let n = 0;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) === 0x2f) n++;
  return n;
}

/** Whether a role is nested no deeper than `MAX_DELEGATION_DEPTH`. */
export function withinDepthLimit(name: string): boolean {
  return delegationDepth(name) <= MAX_DELEGATION_DEPTH;
}
