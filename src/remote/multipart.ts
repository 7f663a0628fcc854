// The multipart/form-data body of a publish, laid out as Go's mime/multipart writes it for Notary.
import { randomBytes } from 'node:crypto';
import { assertRoleName } from '../grammar/role-name.js';

/** One metadata file of a publish: role name (`targets/releases`) and the exact bytes to upload. */
export interface PublishFile {
  role: string;
  bytes: Uint8Array;
}

export interface MultipartBody {
  contentType: string;
  body: Uint8Array;
}

/**
 * Builds the body: one part per file, field `files`, filename = role name without `.json`, Content-Type
 * `application/octet-stream`, CRLF line ends (storage/httpstore.go NewMultiPartMetaRequest). Role names are checked
 * first, so the filename needs no quoting; the random boundary is re-drawn in the (astronomically unlikely) case it
 * occurs inside a file.
 * @throws NotaryError INVALID_ARGUMENT on an invalid role name
 * @throws RangeError when there are no files or a role appears twice
 */
export function buildPublishBody(files: readonly PublishFile[]): MultipartBody {
  if (files.length === 0) throw new RangeError('publish needs at least one file');
  const seen = new Set<string>();
  for (const f of files) {
    assertRoleName(f.role);
    if (seen.has(f.role)) throw new RangeError(`role ${f.role} given twice`);
    seen.add(f.role);
  }
  for (;;) {
    // Go uses 30 random bytes in hex; any boundary of 1-70 bchars is valid (RFC 2046 §5.1.1).
    const boundary = randomBytes(30).toString('hex');
    const marker = Buffer.from(`--${boundary}`, 'latin1');
    if (files.some((f) => Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength).includes(marker))) {
      continue;
    }
    const pieces: Uint8Array[] = [];
    files.forEach((f, i) => {
      const head =
        `${i === 0 ? '' : '\r\n'}--${boundary}\r\n` +
        `Content-Disposition: form-data; name="files"; filename="${f.role}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n';
      pieces.push(Buffer.from(head, 'latin1'), f.bytes);
    });
    pieces.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'));
    return {
      contentType: `multipart/form-data; boundary=${boundary}`,
      body: new Uint8Array(Buffer.concat(pieces)),
    };
  }
}
