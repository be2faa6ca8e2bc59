import { Aws, Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { markTransparent, pascalCase } from '../logical-id.js';
import { runMetric } from './guardrails-dashboard.js';

/** The period of every alarm on the guardrails themselves, but the daily scan-gap alarms. */
export const ALARM_PERIOD = Duration.minutes(5);

/** Props of {@link GuardrailsAlarms}. */
export interface GuardrailsAlarmsProps {
  /** Encrypts the alarm topic; CloudWatch is allowed to use it for that. */
  readonly dataKey: Key;
  /** `deployment.alarmEmail`, subscribed to the topic. @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * Alarms on the guardrails themselves (DESIGN §4): one TLS-only topic,
 * encrypted with the data key, that every alarm notifies, and the helpers
 * the other concerns use to add theirs.
 */
export class GuardrailsAlarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: GuardrailsAlarmsProps) {
    super(scope, id);
    markTransparent(this);
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'finops-guardrails alarms',
      masterKey: props.dataKey,
      enforceSSL: true,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic and needs the key to do so.
    props.dataKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
  }

  /** An alarm, `<id>Alarm`, that fires as soon as `metric` is above zero in a period. */
  whenPositive(id: string, metric: Metric, opts: { description: string; statistic: string }): Alarm {
    const alarm = new Alarm(this, `${id}Alarm`, {
      metric: metric.with({ period: ALARM_PERIOD, statistic: opts.statistic }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No datapoints means no errors and an empty queue.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: opts.description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }

  /**
   * Alarms when a check's runs keep leaving scopes unobserved (`ScanGaps` > 0
   * in `runs` consecutive daily periods): its findings are held open, never
   * resolved, until someone fixes the access. `services` are the functions
   * that publish the check's figures (tag-coverage and, with the fan-out,
   * the aggregator).
   */
  onScanGaps(check: string, services: readonly string[], runs: number): Alarm {
    const usingMetrics = Object.fromEntries(
      services.map((service, i) => [`m${i}`, runMetric('ScanGaps', service, check)]),
    );
    const metric: IMetric = new MathExpression({
      expression: Object.keys(usingMetrics)
        .map((id) => `FILL(${id}, 0)`)
        .join(' + '),
      usingMetrics,
      period: Duration.days(1),
      label: `${check} scan gaps`,
    });
    const alarm = new Alarm(this, `${pascalCase(check)}ScanGapsAlarm`, {
      metric,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: runs,
      datapointsToAlarm: runs,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `The ${check} check left scopes unobserved (AccessDenied, throttling, timeouts) in ${runs} consecutive daily runs; its findings there are held open.`,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }
}
