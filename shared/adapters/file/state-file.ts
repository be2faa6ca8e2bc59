import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { formatPath } from '../../config/loader.js';
import type { CheckName } from '../../core/constants.js';
import { InputError, StateConflictError } from '../../core/errors.js';
import type { StateStore } from '../../core/ports.js';
import {
  type CheckState,
  type IncidentRecord,
  incidentRecordSchema,
  type StateChanges,
} from '../../core/state.js';

const fileSchema = z
  .object({
    format: z.literal('finops-guardrails/state@1'),
    checks: z.record(
      z.string(),
      z.object({
        incidents: z.record(z.string(), incidentRecordSchema),
        memory: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .strict();
type StateFile = z.infer<typeof fileSchema>;

/**
 * State in a local JSON file, for the CLI. Writes go to a temporary file
 * that is renamed over the old one, so a crash leaves either the old state
 * or the new, never half of each.
 */
export class FileStateStore implements StateStore {
  constructor(private readonly path: string) {}

  async load(check: CheckName): Promise<CheckState> {
    const entry = this.read().checks[check];
    return {
      incidents: Object.values(entry?.incidents ?? {}),
      memory: new Map(Object.entries(entry?.memory ?? {})),
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

  async commit(check: CheckName, changes: StateChanges): Promise<void> {
    const file = this.read();
    const entry = file.checks[check] ?? { incidents: {}, memory: {} };
    for (const { record, expectedVersion } of changes.incidents) {
      const current: IncidentRecord | undefined = entry.incidents[record.dedupkey];
      if ((current?.version ?? null) !== expectedVersion) {
        throw new StateConflictError(
          `${this.path}: ${record.dedupkey} changed since it was read (expected version ${expectedVersion}, found ${current?.version ?? 'none'})`,
        );
      }
      entry.incidents[record.dedupkey] = record;
    }
    for (const [key, value] of changes.memory.set) entry.memory[key] = value;
    for (const key of changes.memory.delete) delete entry.memory[key];
    file.checks[check] = entry;
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`);
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
