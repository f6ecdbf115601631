// The server under test, in its own process: the BUILT server (server/dist) started exactly as main.js
// does, configured only through the environment. Talks to the bench over IPC: "ready" with the URL,
// memory samples on request, a forced GC (node --expose-gc) for heap readings, and a graceful stop.
import { memoryUsage } from 'node:process';
import { loadConfig } from '../../server/dist/config/load.js';
import { startPlatform } from '../../server/dist/platform.js';

// --sql-profile: time every SQLite statement of this server (written to BENCH_SQL_PROFILE_DIR at exit).
if (process.env.BENCH_SQL_PROFILE_DIR) (await import('./sql-profile.mjs')).installSqlProfile(process.env.BENCH_SQL_PROFILE_DIR);

const platform = await startPlatform(loadConfig(process.env));
process.send?.({ type: 'ready', url: platform.url.replace('0.0.0.0', '127.0.0.1'), startup: platform.ctx.startup.phases });

process.on('message', (msg) => {
  if (msg.type === 'mem') process.send?.({ type: 'mem', id: msg.id, mem: memoryUsage() });
  else if (msg.type === 'gc') {
    globalThis.gc?.();
    globalThis.gc?.();
    process.send?.({ type: 'gc', id: msg.id, mem: memoryUsage() });
  } else if (msg.type === 'queue') {
    platform.ctx.queue.depth().then(
      (depth) => process.send?.({ type: 'queue', id: msg.id, depth: { ...depth, groupCommits: platform.ctx.db.writer.batches, groupCommitOps: platform.ctx.db.writer.ops } }),
      (err) => process.send?.({ type: 'queue', id: msg.id, error: String(err) }),
    );
  } else if (msg.type === 'cpu') {
    process.send?.({ type: 'cpu', id: msg.id, cpu: process.cpuUsage() });
  } else if (msg.type === 'queue-pause') {
    platform.ctx.queue.stop().then(() => process.send?.({ type: 'queue-pause', id: msg.id }));
  } else if (msg.type === 'queue-resume') {
    platform.ctx.queue.start();
    process.send?.({ type: 'queue-resume', id: msg.id });
  } else if (msg.type === 'stop') {
    // process.exit after close so --cpu-prof writes its profile.
    platform.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  }
});
process.on('disconnect', () => {
  platform.close().finally(() => process.exit(0));
});
