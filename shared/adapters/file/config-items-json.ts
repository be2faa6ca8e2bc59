import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigQuery } from '../../checks/cost-policy/config-queries.js';
import type { LogGroupDescription } from '../../checks/cost-policy/from-config/log-group.js';
import type {
  ConfigQueryRow,
  ConfigQuerySource,
  LogGroupSource,
} from '../../checks/cost-policy/runtime/ports.js';
import { parseArn } from '../../core/arn.js';
import { InputError } from '../../core/errors.js';
import { parseJsonText } from './json-text.js';

/** The local stand-in for an aggregator's advanced queries. */
export const CONFIG_ITEMS_FILE = 'config-items.json';
/** The local stand-in for DescribeLogGroups in every account and region. */
export const LOG_GROUPS_FILE = 'log-groups.json';

interface Entry {
  readonly raw: unknown;
  readonly where: string;
  /** Undefined when the entry's type cannot be read: it could belong to any query. */
  readonly resourceType: string | undefined;
  readonly problem?: InputError;
}

/**
 * `config-items.json`: a JSON array of advanced-query rows as
 * `SelectAggregateResourceConfig` returns them in `Results[]` (each a JSON
 * string), or the same rows as objects. `select` answers a query with the
 * rows of its resource types, as its `WHERE resourceType …` does; each row
 * is parsed later by the Config normalizer, which names the row
 * (`config-items.json: [3]`) and the field when it is bad.
 *
 * A file that is missing or not a JSON array fails every query (each rule
 * gets a scan gap naming the file); an entry whose `resourceType` cannot be
 * read fails every query too, since it could belong to any; an entry that is
 * otherwise bad fails only the queries of its type. The other rules are
 * still judged.
 */
export function fileConfigItems(dir: string): ConfigQuerySource {
  let entries: Promise<Entry[]> | undefined;
  return {
    name: CONFIG_ITEMS_FILE,
    async select(query: ConfigQuery): Promise<ConfigQueryRow[]> {
      entries ??= readEntries(join(dir, CONFIG_ITEMS_FILE));
      const rows: ConfigQueryRow[] = [];
      for (const entry of await entries) {
        if (entry.resourceType !== undefined && !query.resourceTypes.includes(entry.resourceType)) continue;
        if (entry.problem) throw entry.problem;
        rows.push({ raw: entry.raw, where: entry.where });
      }
      return rows;
    },
  };
}

async function readEntries(path: string): Promise<Entry[]> {
  const text = await readText(path, CONFIG_ITEMS_FILE);
  const value = parseJsonText(text, CONFIG_ITEMS_FILE);
  if (!Array.isArray(value))
    throw new InputError(CONFIG_ITEMS_FILE, 'expected a JSON array of advanced-query rows (Results[])');
  return value.map((raw, i) => {
    const where = `${CONFIG_ITEMS_FILE}: [${i}]`;
    let row: unknown = raw;
    if (typeof raw === 'string') {
      try {
        row = JSON.parse(raw);
      } catch {
        return { raw, where, resourceType: undefined, problem: new InputError(where, 'the row is not JSON') };
      }
    }
    const type = (row as { resourceType?: unknown } | null)?.resourceType;
    if (typeof row !== 'object' || row === null || Array.isArray(row) || typeof type !== 'string')
      return {
        raw,
        where,
        resourceType: undefined,
        problem: new InputError(`${where}.resourceType`, 'expected a row with a resourceType string'),
      };
    return { raw, where, resourceType: type };
  });
}

/**
 * `log-groups.json`: `{"logGroups": [...]}`, the DescribeLogGroups response
 * shape, every entry with its `arn` (which names account and region) or an
 * added `accountId` and `region`, as resources.json adds them.
 * `retentionInDays` absent means the group never expires. A bad entry fails
 * the (account, region) it names, or every scope when it names none.
 */
export function fileLogGroups(dir: string): LogGroupSource {
  let groups:
    | Promise<Array<{ scope?: string; group?: LogGroupDescription; problem?: InputError }>>
    | undefined;
  return {
    name: LOG_GROUPS_FILE,
    async listLogGroups(accountId, region) {
      groups ??= readLogGroups(join(dir, LOG_GROUPS_FILE));
      const scope = `${accountId}/${region}`;
      const found: LogGroupDescription[] = [];
      for (const entry of await groups) {
        if (entry.scope !== undefined && entry.scope !== scope) continue;
        if (entry.problem) throw entry.problem;
        if (entry.group) found.push(entry.group);
      }
      return found;
    },
  };
}

async function readLogGroups(path: string) {
  const value = parseJsonText(await readText(path, LOG_GROUPS_FILE), LOG_GROUPS_FILE) as {
    logGroups?: unknown;
  };
  if (typeof value !== 'object' || value === null || !Array.isArray(value.logGroups))
    throw new InputError(
      LOG_GROUPS_FILE,
      'expected {"logGroups": [...]} (the DescribeLogGroups response shape)',
    );
  return value.logGroups.map((raw: unknown, i: number) => {
    const where = `${LOG_GROUPS_FILE}: logGroups[${i}]`;
    const g = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const fromArn = arnParts(g.arn);
    const accountId = typeof g.accountId === 'string' ? g.accountId : fromArn?.accountId;
    const region = typeof g.region === 'string' ? g.region : fromArn?.region;
    const scope = accountId && region ? `${accountId}/${region}` : undefined;
    if (typeof g.logGroupName !== 'string' || g.logGroupName === '')
      return { scope, problem: new InputError(`${where}.logGroupName`, 'expected a log group name') };
    if (!scope)
      return {
        problem: new InputError(where, 'expected an arn, or accountId and region, to say where it is'),
      };
    const days = g.retentionInDays;
    if (days !== undefined && (typeof days !== 'number' || !Number.isInteger(days) || days < 1))
      return {
        scope,
        problem: new InputError(`${where}.retentionInDays`, 'expected a whole number of days'),
      };
    return {
      scope,
      group: {
        logGroupName: g.logGroupName,
        ...(typeof days === 'number' && { retentionInDays: days }),
        ...(typeof g.arn === 'string' && { arn: g.arn }),
      },
    };
  });
}

/** Account and region of a log group ARN, when it is one. */
function arnParts(arn: unknown): { accountId?: string; region?: string } | undefined {
  if (typeof arn !== 'string') return undefined;
  try {
    const parsed = parseArn(arn);
    return {
      ...(parsed.accountId && { accountId: parsed.accountId }),
      ...(parsed.region && { region: parsed.region }),
    };
  } catch {
    return undefined;
  }
}

async function readText(path: string, name: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new InputError(
      name,
      code === 'ENOENT' ? `not found in ${path.slice(0, -name.length - 1)}` : (cause as Error).message,
      { cause },
    );
  }
}
