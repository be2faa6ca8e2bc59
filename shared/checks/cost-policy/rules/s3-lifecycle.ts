import type { CostRuleDefinition, LifecycleRuleFact } from '../model.js';
import { COMPLIANT, judgeEach, nonCompliant, notApplicable } from '../verdicts.js';

/**
 * `s3-lifecycle`: every bucket has an enabled lifecycle rule that expires or
 * transitions objects, and one that aborts incomplete multipart uploads
 * after at most `abortIncompleteUploadDays`. Rules with a prefix or tag
 * filter count: S3 applies them to the matching keys.
 */
export const s3Lifecycle: CostRuleDefinition<'s3-lifecycle'> = {
  kind: 's3-lifecycle',
  templateTypes: ['AWS::S3::Bucket'],
  configTypes: ['AWS::S3::Bucket'],
  readsEnvironment: false,
  judge(resource, rule) {
    const { lifecycle } = resource.facts;
    if (!lifecycle) return notApplicable('not an S3 bucket');
    const fix = `add an enabled LifecycleConfiguration rule${
      rule.requireExpirationOrTransition ? ' that expires or transitions objects' : ''
    } and sets AbortIncompleteMultipartUpload.DaysAfterInitiation to at most ${rule.abortIncompleteUploadDays}`;
    return judgeEach(
      lifecycle,
      (rules) => (rules === undefined ? 'no lifecycle configuration' : `${rules.length} lifecycle rules`),
      (rules) => {
        const enabled = (rules ?? []).filter((r) => r.enabled);
        if (enabled.length === 0)
          return nonCompliant(
            rules === undefined ? 'has no lifecycle configuration' : 'has no enabled lifecycle rule',
            fix,
          );
        const problems = [
          ...(rule.requireExpirationOrTransition && !enabled.some((r) => r.expiresOrTransitions)
            ? ['no enabled rule expires or transitions objects']
            : []),
          ...abortProblem(enabled, rule.abortIncompleteUploadDays),
        ];
        return problems.length ? nonCompliant(problems.join('; '), fix) : COMPLIANT;
      },
    );
  },
};

function abortProblem(enabled: readonly LifecycleRuleFact[], maxDays: number): string[] {
  const days = enabled
    .map((r) => r.abortIncompleteUploadDays)
    .filter((d): d is number => d !== undefined)
    .sort((a, b) => a - b);
  const [shortest] = days;
  if (shortest === undefined) return ['never aborts incomplete multipart uploads'];
  if (shortest > maxDays)
    return [`aborts incomplete multipart uploads after ${shortest} days, more than ${maxDays}`];
  return [];
}
