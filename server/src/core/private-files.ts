import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * Files that hold personal data or secrets (the SQLite database and its -wal/-shm, secrets.json, backups) are
 * readable by the service's own user only, and so is DATA_DIR. Node creates files 0644 and folders 0755 under the
 * usual umask 022: the database was readable by every local user.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const groupOrOther = (mode: number) => (mode & 0o077) !== 0;
const ownedByUs = (uid: number) => process.getuid === undefined || uid === process.getuid();

/**
 * Creates `dir` (and missing parents) 0700. A folder that already existed is left as it is — it may be shared on
 * purpose, e.g. /tmp — and its mode is returned when others can read it, so the caller can warn.
 */
export function ensurePrivateDir(dir: string): { looseMode: number | null } {
  const existed = existsSync(dir);
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!existed) return { looseMode: null };
  const mode = statSync(dir).mode & 0o777;
  return { looseMode: groupOrOther(mode) ? mode : null };
}

/**
 * Creates `file` empty with mode 0600 if it does not exist (SQLite opens an empty file as a new database, and
 * creates its -wal and -shm with the database file's mode), or narrows an existing one of ours to 0600.
 * Returns the mode it had when it was narrowed.
 */
export function ensurePrivateFile(file: string): { narrowedFrom: number | null } {
  if (!existsSync(file)) {
    closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
    return { narrowedFrom: null };
  }
  const st = statSync(file);
  const mode = st.mode & 0o777;
  if (!groupOrOther(mode) || !ownedByUs(st.uid)) return { narrowedFrom: null };
  chmodSync(file, PRIVATE_FILE_MODE);
  return { narrowedFrom: mode };
}
