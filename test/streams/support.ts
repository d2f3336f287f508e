// Shared by the stream tests: normalizes the parts of stream replies that depend on the clock or
// on Redis's radix-tree internals, so keyraft's and Redis's raw replies can be compared.
//
// - XPENDING (extended form): each entry's idle time (ms since last delivery).
// - XINFO CONSUMERS "idle", XINFO STREAM FULL "seen-time" and delivery times (13-digit ms).
export function normalizeStreamReply(argv: string[], raw: string): string {
  const cmd = argv[0]!.toLowerCase();
  if (cmd === 'xpending') {
    raw = raw.replace(/(\*4\r\n\$\d+\r\n\d+-\d+\r\n\$\d+\r\n[^\r]*\r\n):\d+\r\n/g, '$1:IDLE\r\n');
  }
  if (cmd === 'xinfo') {
    raw = raw.replace(/(idle\r\n):\d+/g, '$1:IDLE');
    raw = raw.replace(/(seen-time\r\n):\d+/g, '$1:T');
    raw = raw.replace(/:\d{12,}\r\n/g, ':T\r\n');
  }
  return raw;
}
