// `inspect --pretty`: docker trust inspect's human layout (docker/cli trust/inspect_pretty.go), from the JSON data.
import { naturalLess, REPO_ADMIN, type TrustInspect } from '../../index.js';
import { compareBytes, goTable } from '../output.js';

/** docker's formatter tables: tabwriter(minwidth 10, padding 3), header as given, no underline. */
function dockerTable(header: string[], rows: string[][]): string {
  const t = goTable(header, rows, 3, 10).split('\n');
  t.splice(1, 1); // goTable underlines the header; docker's formatter does not.
  return t.join('\n');
}

const natural = (a: string, b: string): number => (naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0);

/** docker's `TruncateID`: the part after a `:`, at most 12 characters. */
const truncateId = (id: string): string => id.slice(id.indexOf(':') + 1).slice(0, 12);

export function prettyInspect(data: TrustInspect): string {
  const name = data.Name;
  let out = '';
  if (data.SignedTags.length > 0) {
    out += `\nSignatures for ${name}\n\n`;
    // Rows come in docker's order (natural order of the tag); signers of a row in byte order, as sort.Strings.
    const rows = data.SignedTags.map((t) => {
      const signers =
        t.Signers.length === 1 && t.Signers[0] === REPO_ADMIN ? [`(${REPO_ADMIN})`] : [...t.Signers].sort(compareBytes);
      return [t.SignedTag, t.Digest, signers.join(', ')];
    });
    out += dockerTable(['SIGNED TAG', 'DIGEST', 'SIGNERS'], rows);
  } else {
    out += `\nNo signatures for ${name}\n\n`;
  }
  if (data.Signers.length > 0) {
    out += `\nList of signers and their keys for ${name}\n\n`;
    // Signer names in natural order (signer2 before signer10); key IDs sorted, then truncated.
    const rows = [...data.Signers]
      .sort((a, b) => natural(a.Name, b.Name))
      .map((s) => [
        s.Name,
        (s.Keys ?? [])
          .map((k) => k.ID)
          .sort(compareBytes)
          .map(truncateId)
          .join(', '),
      ]);
    out += dockerTable(['SIGNER', 'KEYS'], rows);
  }
  out += `\nAdministrative keys for ${name}\n\n`;
  const label: Record<string, string> = { Repository: 'Repository Key', Root: 'Root Key' };
  // docker sorts admin roles by role name, descending: targets ("Repository Key") before root.
  const order = ['Repository', 'Root'];
  const admins = [...data.AdministrativeKeys].sort((a, b) => order.indexOf(a.Name) - order.indexOf(b.Name));
  for (const admin of admins) {
    const ids = (admin.Keys ?? []).map((k) => k.ID).sort(compareBytes);
    out += `  ${label[admin.Name] ?? admin.Name}:\t${ids.join(', ')}\n`;
  }
  return out;
}
