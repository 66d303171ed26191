// Runs Carrel's parts in one process: the web server, the job worker and the scheduler. Each can
// be left out, so a large installation can run them as separate processes.
import fs from 'node:fs';
import type { AppContext } from './context.ts';
import { buildApp, features } from './app/root.ts';
import { Scheduler } from './jobs/scheduler.ts';
import { Worker } from './jobs/worker.ts';

export interface ServeParts {
  web: boolean;
  worker: boolean;
  scheduler: boolean;
}

export interface RunningServer {
  url: string | null;
  stop(): Promise<void>;
}

export async function startServer(ctx: AppContext, parts: ServeParts): Promise<RunningServer> {
  const { config } = ctx;
  let url: string | null = null;
  const tls = config.tls
    ? { key: fs.readFileSync(config.tls.keyFile), cert: fs.readFileSync(config.tls.certFile) }
    : undefined;
  const app = parts.web ? await buildApp(ctx, tls ? { https: tls } : {}) : null;
  if (app) {
    await app.listen({ host: config.host, port: config.port });
    url = `${tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  }
  // Parts that run beside the web server (the reference desk's mail intake), from the manifests.
  const services: { stop(): Promise<void> }[] = [];
  if (parts.web)
    for (const start of features.flatMap((f) => f.services ?? [])) {
      const running = await start(ctx);
      if (running) services.push(running);
    }
  const worker = parts.worker ? new Worker(ctx) : null;
  worker?.start();
  const scheduler = parts.scheduler ? new Scheduler(ctx) : null;
  scheduler?.start();
  return {
    url,
    async stop() {
      scheduler?.stop();
      for (const service of services) await service.stop();
      await app?.close();
      await worker?.stop();
    },
  };
}
