import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import { formatPath } from '../../config/loader.js';
import type { CheckName } from '../../core/constants.js';
import { InputError, LeaseHeldError, StateConflictError } from '../../core/errors.js';
import type { Lease, LeaseRequest, StateStore } from '../../core/ports.js';
import {
  applyChanges,
  type CheckState,
  incidentRecordSchema,
  type Outbox,
  outboxFromStored,
  storedOutbox,
  storedOutboxSchema,
} from '../../core/state.js';
import { LockFile, type LockFileOptions } from './lock-file.js';

const fileSchema = z
  .object({
    format: z.literal('finops-guardrails/state@1'),
    checks: z.record(
      z.string(),
      z
        .object({
          incidents: z.record(z.string(), incidentRecordSchema),
          memory: z.record(z.string(), z.unknown()),
          outbox: z.optional(storedOutboxSchema),
        })
        .strict(),
    ),
  })
  .strict();
type StateFile = z.infer<typeof fileSchema>;
type FileEntry = StateFile['checks'][string];

/** How long a write waits for another process's write to the same file (a write takes milliseconds). */
const WRITE_WAIT_MS = 10_000;

/**
 * State in a local JSON file, for the CLI, with the same contract as the
 * DynamoDB store (see {@link StateStore}). A run holds its check's lease as
 * `<file>.<check>.lock`, so runs of different checks can share one file;
 * every change is a read-modify-write of the whole file under a short
 * `<file>.write.lock`, written to a temporary file that is synced and
 * renamed over the old one, so a crash leaves either the old state or the
 * new, never half of each, and no run loses another's write.
 */
export class FileStateStore implements StateStore {
  private readonly leases = new Map<CheckName, LockFile>();
  private readonly writeLock: LockFile;

  constructor(
    private readonly path: string,
    private readonly options: LockFileOptions = {},
  ) {
    this.writeLock = new LockFile(`${path}.write.lock`, options);
  }

  async acquire(check: CheckName, request: LeaseRequest): Promise<Lease> {
    const info = this.leaseLock(check).acquire(request.holder, request.ttlMs);
    return { check, holder: request.holder, expiresAt: new Date(info.expiresAt) };
  }

  async release(lease: Lease): Promise<void> {
    this.leaseLock(lease.check).release(lease.holder);
  }

  async load(check: CheckName): Promise<CheckState> {
    const entry = this.read().checks[check];
    return {
      incidents: Object.values(entry?.incidents ?? {}),
      memory: new Map(Object.entries(entry?.memory ?? {})),
      ...(entry?.outbox && { outbox: outboxFromStored(entry.outbox) }),
    };
  }

  /** Every check's state, e.g. to seed a {@link MemoryStateStore} for a what-if run. */
  async loadAll(): Promise<Map<CheckName, CheckState>> {
    const checks = new Map<CheckName, CheckState>();
    for (const name of Object.keys(this.read().checks)) {
      checks.set(name as CheckName, await this.load(name as CheckName));
    }
    return checks;
  }

  async stage(lease: Lease, outbox: Outbox): Promise<void> {
    await this.update(lease, (entry) => {
      if (entry.outbox && entry.outbox.id !== outbox.id) {
        throw new StateConflictError(`${this.path}: run ${entry.outbox.id} has an outbox not yet committed`);
      }
      entry.outbox = storedOutbox(outbox);
    });
  }

  async commit(lease: Lease, outbox: Outbox): Promise<void> {
    await this.update(lease, (entry) => {
      const incidents = new Map(Object.entries(entry.incidents));
      const memory = new Map(Object.entries(entry.memory));
      applyChanges(incidents, memory, outbox, this.path);
      entry.incidents = Object.fromEntries(incidents);
      entry.memory = Object.fromEntries(memory);
      if (entry.outbox?.id === outbox.id) delete entry.outbox;
    });
  }

  /** Read, change one check's entry, write back: only while `lease` holds the check. */
  private async update(lease: Lease, change: (entry: FileEntry) => void): Promise<void> {
    const lock = this.leaseLock(lease.check);
    if (!lock.holds(lease.holder)) {
      throw new StateConflictError(`${this.path}: run ${lease.holder} no longer holds ${lock.path}`);
    }
    const writer = `${lease.holder}#write`;
    await this.lockForWrite(writer);
    try {
      const file = this.read();
      const entry: FileEntry = file.checks[lease.check] ?? { incidents: {}, memory: {} };
      change(entry);
      file.checks[lease.check] = entry;
      this.write(file, lease.holder);
    } finally {
      this.writeLock.release(writer);
    }
  }

  private async lockForWrite(writer: string): Promise<void> {
    const deadline = Date.now() + WRITE_WAIT_MS;
    for (;;) {
      try {
        this.writeLock.acquire(writer, WRITE_WAIT_MS);
        return;
      } catch (error) {
        if (!(error instanceof LeaseHeldError) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }

  private leaseLock(check: CheckName): LockFile {
    let lock = this.leases.get(check);
    if (!lock) {
      lock = new LockFile(`${this.path}.${check}.lock`, this.options);
      this.leases.set(check, lock);
    }
    return lock;
  }

  private write(file: StateFile, holder: string): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${holder}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, `${JSON.stringify(file, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
  }

  private read(): StateFile {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { format: 'finops-guardrails/state@1', checks: {} };
      throw new InputError(this.path, 'state file cannot be read', { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InputError(this.path, `state file is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(
        this.path,
        `not a state file: ${issue ? `${formatPath(issue.path)}: ${issue.message}` : ''}`,
      );
    }
    return parsed.data;
  }
}
