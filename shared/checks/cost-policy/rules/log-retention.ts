import type { CostRuleDefinition, Resolved } from '../model.js';
import { COMPLIANT, judgeEach, nonCompliant, notApplicable } from '../verdicts.js';

/**
 * `log-retention`: every log group keeps its logs for a set time, at most
 * `maxDays`; a Lambda function whose log group nothing creates is a
 * violation, since Lambda then creates one that never expires.
 */
export const logRetention: CostRuleDefinition<'log-retention'> = {
  kind: 'log-retention',
  templateTypes: ['AWS::Logs::LogGroup', 'AWS::Lambda::Function', 'AWS::Serverless::Function'],
  // AWS Config does not record log groups: functions are judged with a log-group lookup (DescribeLogGroups).
  configTypes: ['AWS::Lambda::Function'],
  readsEnvironment: false,
  judge(resource, rule) {
    const { logRetention: group, functionLogGroup: fn } = resource.facts;
    if (group) {
      if (group.judgedWith !== undefined)
        return notApplicable(`judged with its function ${group.judgedWith}`);
      return judgeRetention(group.days, 'this log group', 'set RetentionInDays', rule.maxDays);
    }
    if (!fn) return notApplicable('not a log group or function');
    switch (fn.state) {
      case 'absent':
        return nonCompliant(
          `its log group ${fn.name} is not created by the template: Lambda creates it with no retention, so its logs never expire`,
          `declare an AWS::Logs::LogGroup named ${fn.name} (or set LoggingConfig.LogGroup) with RetentionInDays${maxText(rule.maxDays)}`,
        );
      case 'unknown':
        return judgeRetention(
          { kind: 'unknown', via: fn.reason, options: [] },
          'its log group',
          '',
          rule.maxDays,
        );
      case 'declared':
        return judgeRetention(
          fn.retentionDays,
          `its log group ${fn.logGroup}`,
          `set RetentionInDays on ${fn.logGroup}`,
          rule.maxDays,
        );
    }
  },
};

function judgeRetention(
  days: Resolved<number | undefined>,
  subject: string,
  fixPrefix: string,
  maxDays: number | undefined,
) {
  const fix = `${fixPrefix || 'set a retention'}${maxText(maxDays)}`;
  return judgeEach(
    days,
    (d) => (d === undefined ? 'never expires' : `${d} days`),
    (d) => {
      if (d === undefined) return nonCompliant(`${subject} never expires`, fix);
      if (maxDays !== undefined && d > maxDays)
        return nonCompliant(`${subject} keeps logs ${d} days, more than ${maxDays}`, fix);
      return COMPLIANT;
    },
  );
}

function maxText(maxDays: number | undefined): string {
  return maxDays === undefined ? '' : ` of at most ${maxDays} days`;
}
