// Runs classify() over a source in a worker thread (parse-worker.ts) and yields the results in
// order, as if it ran here. Every import does so by default, so that parsing a large or hostile
// upload never holds the server's event loop (issue 12 item 8). Carrel runs its TypeScript
// through tsx, whose loader a worker thread does not inherit on Node 20: the worker registers it
// before loading its module.
import { Worker } from 'node:worker_threads';
import type { Classified } from './classify.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './parse-worker.ts';
import type { ImportSource } from './sources.ts';

const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.resolve('./parse-worker.ts'))}); })`;

/** The classified records of `source`, read and mapped in a worker thread. */
export async function* classifyInWorker(
  source: ImportSource,
  setup: WorkerSetup,
  onBytes: (n: number) => void,
): AsyncGenerator<Classified> {
  const worker = new Worker(bootstrap, { eval: true, workerData: setup });
  const chunks = source.chunks()[Symbol.asyncIterator]();
  const ready: Classified[][] = [];
  let finished = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  const post = (m: ToWorker) => worker.postMessage(m);
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'need') {
      chunks.next().then(
        (c) => {
          if (c.done) post({ type: 'end' });
          else {
            onBytes(c.value.length);
            // Posting a view would copy its whole underlying buffer (an upload's slice copies
            // the upload): copy just the chunk, and hand that copy over without another.
            const data = new Uint8Array(c.value);
            worker.postMessage({ type: 'chunk', data } satisfies ToWorker, [data.buffer]);
          }
        },
        (err: unknown) => {
          failure = err instanceof Error ? err : new Error(String(err));
          signal();
        },
      );
    } else if (m.type === 'batch') {
      ready.push(m.records);
      signal();
    } else if (m.type === 'done') {
      finished = true;
      signal();
    } else {
      failure = new Error(m.message);
      signal();
    }
  });
  worker.on('error', (err) => {
    failure = err;
    signal();
  });
  worker.on('exit', (code) => {
    if (!finished && !failure) failure = new Error(`import worker stopped (exit code ${code})`);
    signal();
  });
  try {
    for (;;) {
      const batch = ready.shift();
      if (batch) {
        post({ type: 'ack' });
        yield* batch;
        continue;
      }
      if (failure) throw failure;
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    finished = true;
    await worker.terminate();
  }
}
