import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseEncryptionKey } from '../../src/config/load.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'kvittra-config-'));
const KEY = 'a'.repeat(64);

describe('configuration', () => {
  it('defaults to the embedded SQLite database under DATA_DIR, port 3001', () => {
    const dir = tmp();
    const c = loadConfig({ DATA_DIR: dir });
    expect(c.port).toBe(3001);
    expect(c.env).toBe('development');
    expect(c.database).toEqual({ kind: 'sqlite', file: path.join(dir, 'kvittra.sqlite') });
    expect(c.publicBaseUrl).toBe('http://localhost:3001');
    expect(c.sqliteSynchronous).toBe('FULL');
  });

  it('switches to PostgreSQL for postgres:// URLs and strips a trailing slash from PUBLIC_BASE_URL', () => {
    const c = loadConfig({ DATA_DIR: tmp(), DATABASE_URL: 'postgres://u@h:5432/db', PUBLIC_BASE_URL: 'https://kvittra.se/', PORT: '8080' });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u@h:5432/db' });
    expect(c.publicBaseUrl).toBe('https://kvittra.se');
    expect(c.port).toBe(8080);
  });

  it('generates missing dev secrets once, keeps them in DATA_DIR (0600) and reuses them', () => {
    const dir = tmp();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.generatedSecrets.sort()).toEqual(['ADMIN_TOKEN', 'ENCRYPTION_KEY']);
    const file = path.join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.generatedSecrets).toEqual([]);
    expect(second.adminToken).toBe(first.adminToken);
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).adminToken).toBe(first.adminToken);
  });

  it('refuses to start in production without ADMIN_TOKEN and ENCRYPTION_KEY, naming both', () => {
    const attempt = () => loadConfig({ NODE_ENV: 'production', DATA_DIR: tmp() });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      expect((err as ConfigError).problems).toEqual(['ADMIN_TOKEN: required in production', 'ENCRYPTION_KEY: required in production', 'SMTP_URL: required in production']);
    }
  });

  it('reports every invalid setting with its name', () => {
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', REDIS_URL: 'http://x', ADMIN_TOKEN: 'short', DATA_DIR: tmp() });
      expect.unreachable();
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'LOG_LEVEL', 'REDIS_URL', 'ADMIN_TOKEN']) expect(problems).toContain(name);
    }
  });

  it('rejects an encryption key that is not 32 bytes', () => {
    expect(() => loadConfig({ DATA_DIR: tmp(), ENCRYPTION_KEY: 'abc' })).toThrow(/ENCRYPTION_KEY/);
    expect(parseEncryptionKey(KEY)?.length).toBe(32);
    expect(parseEncryptionKey(Buffer.alloc(32, 7).toString('base64'))?.length).toBe(32);
    expect(parseEncryptionKey(Buffer.alloc(31).toString('base64'))).toBeNull();
  });

  it('treats empty variables as unset', () => {
    const c = loadConfig({ DATA_DIR: tmp(), PORT: '', DATABASE_URL: '' });
    expect(c.port).toBe(3001);
    expect(c.database.kind).toBe('sqlite');
  });
});
