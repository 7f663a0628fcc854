// What this process has open, for tests that check a file descriptor was closed (Linux: /proc/self/fd).
import { readdirSync, readlinkSync } from 'node:fs';

/** The paths of this process's open file descriptors (unreadable entries as ''). */
export function openFiles(): string[] {
  return readdirSync('/proc/self/fd').map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return '';
    }
  });
}
