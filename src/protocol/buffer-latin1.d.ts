// Node's Buffer has fast latin1 slice/write methods that @types/node does not declare. They are
// the fastest way to move bytes between Buffers and one-byte strings (keyraft's representation
// of keys and values), so they are declared here.
declare module 'buffer' {
  interface Buffer {
    latin1Slice(start?: number, end?: number): string;
    latin1Write(value: string, offset?: number, length?: number): number;
  }
}
export {};
