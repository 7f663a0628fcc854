// StrykerJS ignorer for `npm run mutate`: no mutants inside the human-readable text of an error. Tests assert on
// error codes and details, never on messages (project rule), so a mutated message is an equivalent mutant by
// design. Ignored: the message argument of notaryError(code, message, …), the problem text of
// invalidMetadata(role, field, problem), and the message of new TypeError/RangeError/Error(…) (programming errors).
// Codes, details and fields stay mutated. See SPEC §7.8.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const REASON = 'error message text (tests assert codes and details, not messages)';
/** Callee name → index of its message argument. */
const MESSAGE_ARG = new Map([
  ['notaryError', 1],
  ['invalidMetadata', 2],
  ['TypeError', 0],
  ['RangeError', 0],
  ['Error', 0],
]);

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'error-messages', {
    shouldIgnore(path) {
      const parent = path.parentPath;
      if (parent === null || !(parent.isCallExpression() || parent.isNewExpression())) return undefined;
      const callee = parent.node.callee;
      if (callee.type !== 'Identifier') return undefined;
      const at = MESSAGE_ARG.get(callee.name);
      return at !== undefined && parent.node.arguments[at] === path.node ? REASON : undefined;
    },
  }),
];
