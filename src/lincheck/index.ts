// Public API of the linearizability checker (issue 6). The cluster simulator codes against
// checkKvHistory/KvOp; the CLI and tests also use the generic checker, the models and the corpus
// parsers re-exported here. Nothing in this directory does I/O except cli.ts.

export type { KvOp } from './kv.js';
export { checkKvHistory, DEFAULT_TIMEOUT_MS } from './kv.js';
export type { Verdict, Model, Operation, SearchOptions, SearchResult, PartitionedResult } from './core.js';
export { checkOperations, checkPartitions, explain, DEFAULT_MAX_MEMORY_BYTES } from './core.js';
export type { RegisterInput, RegisterOutput, KvInput, KvOutput } from './models.js';
export { casRegisterModel, jepsenKvModel, keyraftKvModel } from './models.js';
export type { CorpusFormat, ParsedHistory } from './parse.js';
export { parseEtcdLog, parseKvEdn, parseHistory, detectFormat, parseEdnMap } from './parse.js';

import { checkPartitions, type PartitionedResult, type SearchOptions } from './core.js';
import type { ParsedHistory } from './parse.js';

/** Checks a parsed corpus history (either format) under one time budget. */
export function checkHistory(h: ParsedHistory, opts: SearchOptions = {}): PartitionedResult {
  return checkPartitions(h.model, h.partitions, opts);
}
