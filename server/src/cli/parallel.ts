/**
 * The CLI's cold read on every core: files are read, parsed and lowered to their facts (the core's
 * pure `changeFacts`) by the main thread and by worker threads at once, each taking the next file of
 * a shared counter, so a slow file never holds the others up. The workers send back plain,
 * structured-cloneable facts in batches, which the main thread takes between its own files (so the
 * cloning is shared out too); it waits for the last ones synchronously (the commands stay
 * synchronous) and returns the facts in file order, so that the analysis is the same as one
 * thread's: `NETPOL_LENS_WORKERS=0` turns the workers off (tests compare both).
 */
import { availableParallelism } from 'node:os';
import {
  isMainThread,
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  workerData,
  type MessagePort,
} from 'node:worker_threads';
import {
  changeFacts,
  dependsOnStackDepth,
  type FileChange,
  type FileFacts,
  type IndexOptions,
} from '../core/index';
import { contentDigest, factsKey } from '../fs/facts-cache';
import { bytesChange, fileChange, readFileBytes, readStdinChange, STDIN_ARG } from './load';

/** What one file gives: its facts, nothing (an oversized file that is no manifest), or why it was not read. */
export type FileOutcome =
  | { readonly facts: FileFacts; readonly key?: string; readonly sameText?: boolean }
  | { readonly skipped: string }
  | null;

/** How files are read: the size limit and the index's options (`changeFacts`). */
interface ReadSpec {
  readonly limitBytes: number;
  readonly options: IndexOptions;
  /** Each outcome with its cache key (fs/facts-cache.ts). */
  readonly keyed: boolean;
}

interface WorkerInput {
  readonly kind: 'netpol-lens-facts';
  readonly files: readonly string[];
  readonly read: ReadSpec;
  /** [next file index, workers done, heartbeat of worker 1, 2, …] */
  readonly control: SharedArrayBuffer;
  readonly id: number;
  readonly port: MessagePort;
}
/**
 * Outcomes of files the worker took, a batch at a time (a file it leaves out is read by the main
 * thread), or why it stopped.
 */
type WorkerOutput = { readonly results: Array<[number, FileOutcome]> } | { readonly error: string };

/**
 * A worker posts its outcomes every this many files: the main thread takes them in between its own
 * files (their cloning is then shared out by the file counter like the reading), instead of all at
 * the end while the other core waits.
 */
const BATCH = 32;

const NEXT = 0;
const DONE = 1;
/** A worker whose heartbeat has not moved for this long is given up: the main thread redoes its files. */
const STALL_MS = 120_000;

function factsOf(change: FileChange | undefined, options: IndexOptions): FileOutcome {
  const facts = change && changeFacts(change, options);
  return facts ? { facts } : null;
}

/** One file, read and lowered; never throws for IO (the reason is the outcome). */
function outcome(file: string, read: ReadSpec): FileOutcome {
  try {
    if (!read.keyed) return factsOf(fileChange(file, read.limitBytes), read.options);
    const { uri, bytes, size } = readFileBytes(file, read.limitBytes);
    const change = bytesChange(uri, bytes, size, read.limitBytes);
    const facts = change && changeFacts(change, read.options);
    if (!facts || !change) return null;
    const key = factsKey(uri, size, read.limitBytes, JSON.stringify(read.options), contentDigest(bytes));
    return { facts, key, sameText: facts.text === change.text };
  } catch (e) {
    return { skipped: `${file}: ${(e as Error).message}` };
  }
}

/**
 * How many worker threads for `files` files: `NETPOL_LENS_WORKERS` when set, else one fewer than
 * the cores (at most 3), and none for a small workspace (a worker costs about as much to start as
 * reading a few dozen files).
 */
export function workerCount(files: number): number {
  const env = process.env.NETPOL_LENS_WORKERS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 0) return Math.min(n, files);
  }
  if (files < 200) return 0;
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}

/** Every file's outcome, in the order of `files` (`-` is the standard input, read on this thread). */
export function readAllFacts(
  files: readonly string[],
  limitBytes: number,
  /** How the analysis reads files (`AnalysisHost.readOptions`): plain data, sent to the workers. */
  options: IndexOptions = {},
  /** Filled with how many files each thread read: [main thread, worker 1, …] (tests). */
  byThread?: number[],
  /** Each outcome with its cache key and whether its facts hold the text read (fs/facts-cache.ts). */
  keyed = false,
): FileOutcome[] {
  const n = files.length;
  const results: Array<FileOutcome | undefined> = new Array<FileOutcome | undefined>(n);
  const spec: ReadSpec = { limitBytes, options, keyed };
  const stdinAt = files.indexOf(STDIN_ARG);
  if (stdinAt >= 0) {
    const read = readStdinChange(limitBytes);
    results[stdinAt] = 'skipped' in read ? read : factsOf(read.change, options);
  }
  const w = workerCount(n);
  const control = new Int32Array(new SharedArrayBuffer(4 * (2 + w)));
  const workers: Array<{ worker: Worker; port: MessagePort }> = [];
  for (let id = 1; id <= w; id++) {
    const { port1, port2 } = new MessageChannel();
    const input: WorkerInput = {
      kind: 'netpol-lens-facts',
      files,
      read: spec,
      control: control.buffer,
      id,
      port: port2,
    };
    // a stack no deeper than the main thread's (V8's default, about 1 MB): what is too deep for the
    // main thread is too deep here too, and such files are read again there (dependsOnStackDepth)
    const worker = new Worker(__filename, {
      workerData: input,
      transferList: [port2],
      resourceLimits: { stackSizeMb: 1 },
    });
    worker.unref();
    workers.push({ worker, port: port1 });
  }
  let mine = 0;
  const got = workers.map(() => 0);
  /** Takes the batches the workers have posted so far. */
  const receive = (): void => {
    workers.forEach(({ port }, k) => {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const out = m.message as WorkerOutput;
        if ('error' in out) throw new Error(out.error);
        for (const [i, r] of out.results) results[i] = r;
        got[k] = (got[k] as number) + out.results.length;
      }
    });
  };
  const put = (i: number, r: FileOutcome): void => {
    results[i] = r;
    mine++;
    if (w > 0) receive();
  };
  claim(files, spec, () => Atomics.add(control, NEXT, 1), 0, control, put);
  if (w > 0) {
    awaitWorkers(control, w);
    receive();
    for (const { port } of workers) port.close();
    byThread?.push(...got);
    for (const { worker } of workers) void worker.terminate();
  }
  // the files a worker left (too deep for its stack) or that a worker given up took: read here,
  // through the same calls (the same stack depth) as the others
  const left: number[] = [];
  for (let i = 0; i < n; i++) if (results[i] === undefined) left.push(i);
  let k = 0;
  claim(files, spec, () => (k < left.length ? (left[k++] as number) : n), 0, control, put);
  byThread?.unshift(mine);
  return results as FileOutcome[];
}

/** Reads the files `next` gives (the shared counter, or the files left) until it gives none. */
function claim(
  files: readonly string[],
  read: ReadSpec,
  next: () => number,
  id: number,
  control: Int32Array,
  put: (i: number, r: FileOutcome) => void,
): void {
  for (;;) {
    const i = next();
    if (i >= files.length) return;
    const file = files[i] as string;
    if (file === STDIN_ARG) continue;
    let r: FileOutcome;
    try {
      r = outcome(file, read);
    } catch (e) {
      // the core never throws; should it on a worker's smaller stack, the main thread reads the file
      if (id === 0) throw e;
      continue;
    }
    put(i, r);
    if (id > 0) Atomics.add(control, DONE + id, 1);
  }
}

/** Blocks until every worker is done or has stalled for STALL_MS. */
function awaitWorkers(control: Int32Array, w: number): void {
  const beats = Array.from({ length: w }, (_, k) => Atomics.load(control, DONE + 1 + k));
  let moved = Date.now();
  for (;;) {
    const done = Atomics.load(control, DONE);
    if (done >= w) return;
    Atomics.wait(control, DONE, done, 1000);
    let progress = false;
    for (let k = 0; k < w; k++) {
      const b = Atomics.load(control, DONE + 1 + k);
      if (b !== beats[k]) {
        beats[k] = b;
        progress = true;
      }
    }
    if (progress) moved = Date.now();
    else if (Date.now() - moved > STALL_MS) return;
  }
}

function runWorker(input: WorkerInput): void {
  const control = new Int32Array(input.control);
  let results: Array<[number, FileOutcome]> = [];
  const post = (): void => {
    if (results.length === 0) return;
    input.port.postMessage({ results } satisfies WorkerOutput);
    results = [];
  };
  try {
    claim(
      input.files,
      input.read,
      () => Atomics.add(control, NEXT, 1),
      input.id,
      control,
      (i, r) => {
        // where the parser ran out of stack depends on the thread's stack: left to the main thread
        if (r && 'facts' in r && dependsOnStackDepth(r.facts.problems)) return;
        results.push([i, r]);
        if (results.length >= BATCH) post();
      },
    );
    post();
  } catch (e) {
    post();
    input.port.postMessage({
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    } satisfies WorkerOutput);
  }
  input.port.close();
  Atomics.add(control, DONE, 1);
  Atomics.notify(control, DONE);
}

if (!isMainThread && (workerData as WorkerInput | undefined)?.kind === 'netpol-lens-facts')
  runWorker(workerData as WorkerInput);
