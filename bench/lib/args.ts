/** Command-line flags shared by `npm run bench` and `npm run seed:data` (no dependency, just enough parsing). */
export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** `valueFlags` take the next argument as their value (`--days 30`); other flags are booleans unless written `--x=y`. */
export function parseArgs(argv: string[], valueFlags: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) {
      flags.set(a.slice(2, eq), a.slice(eq + 1));
      continue;
    }
    const name = a.slice(2);
    const next = argv[i + 1];
    if (valueFlags.includes(name)) {
      if (next === undefined) throw new Error(`--${name} needs a value`);
      flags.set(name, next);
      i++;
    } else {
      flags.set(name, true);
    }
  }
  return { positional, flags };
}

export function flagNumber(args: ParsedArgs, name: string, fallback: number): number {
  const v = args.flags.get(name);
  if (v === undefined || v === true) return fallback;
  const n = Number(String(v).replaceAll('_', ''));
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${v}"`);
  return n;
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export const flagBool = (args: ParsedArgs, name: string): boolean => args.flags.get(name) === true || args.flags.get(name) === 'true';
