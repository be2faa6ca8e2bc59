import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import * as z from 'zod';
import { LeaseHeldError } from '../../core/errors.js';

const lockSchema = z.object({
  holder: z.string(),
  pid: z.number().int(),
  host: z.string(),
  acquiredAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type LockInfo = z.infer<typeof lockSchema>;

export interface LockFileOptions {
  /** Judges expiry; tests pass a fake one. */
  readonly clock?: () => Date;
  /** Whether a process on this host is alive; tests pass one that declares a "killed" run dead. */
  readonly processAlive?: (pid: number) => boolean;
  readonly host?: string;
  readonly pid?: number;
}

/** A lock file being written by its creator is empty for a moment; older than this, it is debris. */
const UNREADABLE_GRACE_MS = 10_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock file next to a local state file: created with `O_EXCL`,
 * so exactly one process gets it. A lock whose process is gone (same host)
 * or whose expiry has passed (another host sharing the file) is stale and
 * is broken, under a second exclusive "break" file, so two processes that
 * both find it stale cannot both take it: the second re-reads the lock
 * after the first broke and re-took it, and finds it live.
 *
 * Hand-written rather than `proper-lockfile`: that library judges staleness
 * by an mtime its holder keeps touching from a timer, so a lock left by
 * `kill -9` blocks the next run for the whole stale interval, and a long
 * synchronous evaluation can make a live lock look stale. A pid check
 * recovers a killed run's lock at once and never takes a live one.
 */
export class LockFile {
  readonly path: string;
  private readonly clock: () => Date;
  private readonly alive: (pid: number) => boolean;
  private readonly host: string;
  private readonly pid: number;

  constructor(path: string, options: LockFileOptions = {}) {
    this.path = path;
    this.clock = options.clock ?? (() => new Date());
    this.alive = options.processAlive ?? processAlive;
    this.host = options.host ?? hostname();
    this.pid = options.pid ?? process.pid;
  }

  /** Takes the lock for `holder`, or throws {@link LeaseHeldError} naming who has it. */
  acquire(holder: string, ttlMs: number): LockInfo {
    const now = this.clock();
    const info: LockInfo = {
      holder,
      pid: this.pid,
      host: this.host,
      acquiredAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    };
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (this.create(this.path, JSON.stringify(info))) return info;
      const current = this.read();
      if (current?.holder === holder) return current;
      if (!this.isStale(current) || !this.breakStale(current)) break;
    }
    const current = this.read();
    const who = current
      ? `run ${current.holder} (pid ${current.pid} on ${current.host}, since ${current.acquiredAt})`
      : 'another run';
    throw new LeaseHeldError(
      `${this.path}: the state is locked by ${who}; wait for it to finish, or delete the lock file if that process is gone`,
      current?.holder ?? 'unknown',
      current ? new Date(current.expiresAt) : undefined,
    );
  }

  /** True while `holder` holds the lock. */
  holds(holder: string): boolean {
    return this.read()?.holder === holder;
  }

  /** Removes the lock if `holder` still holds it. */
  release(holder: string): void {
    if (this.holds(holder)) this.unlink(this.path);
  }

  /** The lock's content; undefined when there is none or it is not (yet) readable. */
  read(): LockInfo | undefined {
    try {
      const parsed = lockSchema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private isStale(lock: LockInfo | undefined): boolean {
    if (lock === undefined) {
      // Unreadable: just created and not yet written, or debris of a crash while writing it.
      try {
        return this.clock().getTime() - statSync(this.path).mtimeMs > UNREADABLE_GRACE_MS;
      } catch {
        return true; // gone already
      }
    }
    if (lock.host === this.host) return !this.alive(lock.pid);
    return Date.parse(lock.expiresAt) <= this.clock().getTime();
  }

  /** Removes a stale lock unless someone replaced it meanwhile. Returns true when it is gone. */
  private breakStale(seen: LockInfo | undefined): boolean {
    const breaker = `${this.path}.break`;
    if (!this.create(breaker, String(this.pid))) {
      // Another process is breaking it; a breaker that died mid-way leaves debris only briefly.
      try {
        if (this.clock().getTime() - statSync(breaker).mtimeMs > UNREADABLE_GRACE_MS) this.unlink(breaker);
      } catch {
        // gone already
      }
      return false;
    }
    try {
      const now = this.read();
      if (now?.holder !== seen?.holder || !this.isStale(now)) return false;
      this.unlink(this.path);
      return true;
    } finally {
      this.unlink(breaker);
    }
  }

  /** Creates `path` exclusively with `content`; false when it exists. */
  private create(path: string, content: string): boolean {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  private unlink(path: string): void {
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
