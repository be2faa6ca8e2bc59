import {
  asNumber,
  asString,
  flatMapResolved,
  mapResolved,
  resolveAt,
  sequenceResolved,
  type TemplateScope,
} from '../../template/resolve.js';
import type { LifecycleRuleFact, Resolved } from '../model.js';

/** Lifecycle actions that expire or move objects (AWS::S3::Bucket Rule, CloudFormation template reference). */
const EXPIRE_OR_TRANSITION = [
  'ExpirationInDays',
  'ExpirationDate',
  'Transitions',
  'Transition',
  'NoncurrentVersionExpiration',
  'NoncurrentVersionExpirationInDays',
  'NoncurrentVersionTransitions',
  'NoncurrentVersionTransition',
] as const;

/** A bucket's lifecycle rules; `undefined` when it has no lifecycle configuration. */
export function templateLifecycle(
  props: Readonly<Record<string, unknown>>,
  scope: TemplateScope,
): Resolved<readonly LifecycleRuleFact[] | undefined> {
  const rules = resolveAt(props, ['LifecycleConfiguration', 'Rules'], scope);
  return flatMapResolved(rules, (list): Resolved<readonly LifecycleRuleFact[] | undefined> => {
    if (!Array.isArray(list)) return { kind: 'known', value: undefined };
    return sequenceResolved(list.map((rule) => lifecycleRule(rule, scope)));
  });
}

function lifecycleRule(rule: unknown, scope: TemplateScope): Resolved<LifecycleRuleFact> {
  const present = (field: string) =>
    mapResolved(
      resolveAt(rule, [field], scope),
      (v) => v !== undefined && !(Array.isArray(v) && v.length === 0),
    );
  const actions = sequenceResolved(EXPIRE_OR_TRANSITION.map(present));
  const status = mapResolved(resolveAt(rule, ['Status'], scope), asString);
  const abort = mapResolved(
    resolveAt(rule, ['AbortIncompleteMultipartUpload', 'DaysAfterInitiation'], scope),
    asNumber,
  );
  const idValue = resolveAt(rule, ['Id'], scope);
  const id = idValue.kind === 'known' ? asString(idValue.value) : undefined;
  const filtered = sequenceResolved(
    ['Prefix', 'TagFilters', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan'].map(present),
  );
  return flatMapResolved(status, (s) =>
    flatMapResolved(actions, (acts) =>
      flatMapResolved(abort, (days) =>
        mapResolved(filtered, (filters) => ({
          ...(id !== undefined && { id }),
          enabled: s === 'Enabled',
          expiresOrTransitions: acts.some(Boolean),
          ...(days !== undefined && { abortIncompleteUploadDays: days }),
          filtered: filters.some(Boolean),
        })),
      ),
    ),
  );
}
