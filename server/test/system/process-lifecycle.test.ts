import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freePort, spawnBuiltServer, startServerProcess } from '../helpers/process-server.js';


function startServer(env: Record<string, string>): { child: ChildProcess; output: () => string; listening: Promise<number>; exited: Promise<number | null> } {
  const child = spawnBuiltServer(env);
  let out = '';
  const listening = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"msg":"kvittra started"/.test(out) && /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening:\n${out}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, listening, exited };
}

// Process-level behaviour does not depend on the backend: it runs once, in the system project (SQLite), on the built server.
describe('process lifecycle', () => {
  it('exits non-zero with a clear message on invalid configuration', async () => {
    const s = startServer({ NODE_ENV: 'production', PORT: 'not-a-port', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kvittra-cfg-')) });
    await expect(s.listening).rejects.toThrow();
    expect(await s.exited).toBe(1);
    expect(s.output()).toContain('Invalid configuration');
    expect(s.output()).toContain('PORT');
    expect(s.output()).toContain('ADMIN_TOKEN: required in production');
  });

  it('SIGTERM finishes the in-flight request, then closes the database and exits 0', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kvittra-sig-'));
    const s = startServer({ NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    const port = await s.listening;
    expect(s.output()).toMatch(/Admin token:\s+\S{24,}/);

    // Start a webhook whose body is still arriving when SIGTERM lands.
    const body = JSON.stringify({ hello: 'x'.repeat(2000) });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/webhooks/square/${randomUUID()}`, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 100));
      setTimeout(() => {
        s.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(100)), 300);
      }, 200);
    });
    const res = await response;
    // The request was answered by the application (unknown connection → 404 JSON), not cut off.
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text).error.code).toBe('not_found');
    expect(await s.exited).toBe(0);
    expect(s.output()).toContain('"msg":"shutting down"');
    expect(s.output()).toContain('"msg":"kvittra stopped"');
  });
});

/** The start-up banner shows the admin token only when this start generated it, and only once. */
describe('start-up banner', () => {
  const occurrences = (text: string, needle: string) => text.split(needle).length - 1;
  async function startAndStop(env: Record<string, string>): Promise<string> {
    const s = await startServerProcess({ NODE_ENV: 'test', PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env }, 'banner');
    await s.kill('SIGTERM');
    return s.output();
  }

  it('never prints an ADMIN_TOKEN that came from the environment', async () => {
    const token = 'token-from-the-environment-0123456789';
    const out = await startAndStop({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kvittra-banner-env-')), ADMIN_TOKEN: token });
    expect(out).toContain('Kvittra is running at');
    expect(occurrences(out, token)).toBe(0);
    expect(out).toMatch(/Admin token:\s+set by ADMIN_TOKEN \(not shown\)/);
  });

  it('prints a generated token once on the start that generated it, then only where it is kept', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kvittra-banner-gen-'));
    const first = await startAndStop({ DATA_DIR: dataDir, ADMIN_TOKEN: '' });
    const generated = (JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as { adminToken: string }).adminToken;
    expect(generated.length).toBeGreaterThanOrEqual(24);
    expect(occurrences(first, generated)).toBe(1);

    const second = await startAndStop({ DATA_DIR: dataDir, ADMIN_TOKEN: '' });
    expect(second).toContain('Kvittra is running at');
    expect(occurrences(second, generated)).toBe(0);
    expect(second).toContain(`Admin token:   kept in ${path.join(dataDir, 'secrets.json')}`);
  });
});
