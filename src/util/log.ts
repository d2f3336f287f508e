// Logging in Redis's format ("pid:M 21 Nov 2026 20:54:52.123 * message") at Redis's levels, to
// stdout or the `logfile`. Level checks are cheap so verbose calls cost nothing when filtered.

import { appendFileSync } from 'node:fs';

const LEVELS = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 } as const;
export type LogLevel = keyof typeof LEVELS;
const MARKS = ['.', '-', '*', '#'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Logger {
  level: number = LEVELS.notice;
  file = '';

  setLevel(name: string): void {
    this.level = LEVELS[name as LogLevel] ?? LEVELS.notice;
  }

  private write(level: number, message: string): void {
    if (level < this.level) return;
    const d = new Date();
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const stamp = `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    const line = `${process.pid}:M ${stamp} ${MARKS[level]} ${message}\n`;
    if (this.file) appendFileSync(this.file, line);
    else process.stdout.write(line);
  }

  debug(message: string): void {
    this.write(LEVELS.debug, message);
  }
  verbose(message: string): void {
    this.write(LEVELS.verbose, message);
  }
  notice(message: string): void {
    this.write(LEVELS.notice, message);
  }
  warning(message: string): void {
    this.write(LEVELS.warning, message);
  }
}
