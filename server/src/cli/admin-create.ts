import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config/load.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createAdminUser } from '../accounts/user-service.js';
import { AppError } from '../core/errors.js';

export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  out: (line: string) => void;
  err: (line: string) => void;
}

export function parseArgs(argv: string[]): { email?: string; passwordStdin: boolean } {
  let email: string | undefined;
  let passwordStdin = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--email') email = argv[++i];
    else if (a.startsWith('--email=')) email = a.slice('--email='.length);
    else if (a === '--password-stdin') passwordStdin = true;
    else throw new Error(`Unknown argument ${a}. Usage: npm run admin:create -- --email you@example.se [--password-stdin]`);
  }
  return { email, passwordStdin };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let data = '';
  for await (const chunk of stream) data += String(chunk);
  return data.replace(/\r?\n$/, '');
}

/** Asks for the password on the terminal without echoing it. */
async function prompt(io: CliIo, question: string): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: process.stdout, terminal: true });
  const muted = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
  process.stdout.write(question);
  muted._writeToOutput = () => undefined;
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

/**
 * `npm run admin:create -- --email x [--password-stdin]`: creates an operator account in the configured
 * database (migrating it first). Without --password-stdin the password is asked for twice on the terminal.
 */
export async function runAdminCreate(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseArgs(argv);
  if (!args.email) {
    io.err('Usage: npm run admin:create -- --email you@example.se [--password-stdin]');
    return 2;
  }
  let password: string;
  if (args.passwordStdin || !io.stdin.isTTY) {
    password = await readAll(io.stdin);
  } else {
    password = await prompt(io, 'Password: ');
    if ((await prompt(io, 'Repeat password: ')) !== password) {
      io.err('The passwords differ.');
      return 1;
    }
  }
  const config = loadConfig(env);
  const db = openDatabase(config.database);
  try {
    await migrateToLatest(db);
    const user = await createAdminUser(db, args.email, password, { actor: 'cli:admin-create', ip: null });
    io.out(`Created operator ${user.email} (${user.id}). Sign in at ${config.publicBaseUrl}/admin.`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      io.err(`${err.message}${err.details ? ` ${JSON.stringify(err.details)}` : ''}`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runAdminCreate(process.argv.slice(2), { stdin: process.stdin, out: (l) => console.log(l), err: (l) => console.error(l) }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
