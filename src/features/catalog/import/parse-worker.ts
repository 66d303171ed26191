// The reading, decoding and mapping of an import in a worker thread, so that the importing thread
// (the web server's, for an upload) stays free to answer requests and, on a machine with two or
// more cores, spends its time writing to the database. The importing thread
// hands over the source's bytes chunk by chunk when asked ("need"), so a large file still streams;
// classified records come back in batches, at most a few ahead of the writer.
import { parentPort, workerData } from 'node:worker_threads';
import { classify, type Classified } from './classify.ts';
import { readSource, type EncodingChoice } from './sources.ts';

export interface WorkerSetup {
  encoding: EncodingChoice;
  items: boolean;
  batchSize: number;
}

export type ToWorker = { type: 'chunk'; data: Uint8Array } | { type: 'end' } | { type: 'ack' };
export type FromWorker =
  | { type: 'need' }
  | { type: 'batch'; records: Classified[] }
  | { type: 'done' }
  | { type: 'error'; message: string };

/** Batches sent and not yet taken by the writer, at most. */
const AHEAD = 3;

if (parentPort) {
  const port = parentPort;
  const setup = workerData as WorkerSetup;
  let chunkWaiter: ((m: ToWorker) => void) | undefined;
  let ackWaiter: (() => void) | undefined;
  let unacked = 0;
  port.on('message', (m: ToWorker) => {
    if (m.type === 'ack') {
      unacked--;
      ackWaiter?.();
      ackWaiter = undefined;
    } else chunkWaiter?.(m);
  });
  const nextChunk = () =>
    new Promise<ToWorker>((resolve) => {
      chunkWaiter = resolve;
      port.postMessage({ type: 'need' } satisfies FromWorker);
    });
  const source = {
    name: 'worker',
    async *chunks() {
      for (;;) {
        const m = await nextChunk();
        if (m.type !== 'chunk') return;
        yield m.data;
      }
    },
  };
  const send = async (records: Classified[]) => {
    while (unacked >= AHEAD) await new Promise<void>((resolve) => (ackWaiter = resolve));
    unacked++;
    port.postMessage({ type: 'batch', records } satisfies FromWorker);
  };
  (async () => {
    let batch: Classified[] = [];
    for await (const r of readSource(source, setup.encoding)) {
      batch.push(classify(r, setup.items));
      if (batch.length >= setup.batchSize) {
        await send(batch);
        batch = [];
      }
    }
    if (batch.length) await send(batch);
    port.postMessage({ type: 'done' } satisfies FromWorker);
  })().catch((err: unknown) => {
    port.postMessage({
      type: 'error',
      message: err instanceof Error ? err.message : String(err),
    } satisfies FromWorker);
  });
}
