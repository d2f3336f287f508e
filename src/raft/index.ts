// Public surface of the Raft core: import from here, not from the individual modules.
export * from './types.js';
export { type Storage, type CompactableStorage, MemoryStorage, copyConf } from './storage.js';
export { RaftLog } from './log.js';
export { Progress, Inflights, type ProgressState } from './progress.js';
export { Raft } from './raft.js';
export { RawNode, type Status } from './node.js';
