import { describe, expect, it } from 'vitest';
import { resourceFromLogGroup } from '../../../../../shared/checks/cost-policy/from-config/log-group.js';
import { apiItem, queryRow } from '../config-items.js';
import { configResource, parseRule, templateResource, verdict } from '../helpers.js';

const rule = parseRule({ kind: 'log-retention', maxDays: 90 });
const fn = (props: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Runtime: 'nodejs24.x', Handler: 'index.handler', Role: 'arn:aws:iam::1:role/r', ...props },
});

describe('log-retention', () => {
  describe('from templates', () => {
    it('accepts a log group with a retention within maxDays', () => {
      const group = templateResource(
        { Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } } },
        'Logs',
      );
      expect(verdict(group, rule)).toEqual({ status: 'compliant' });
    });

    it('rejects a log group that never expires, and one kept longer than maxDays', () => {
      const never = templateResource({ Logs: { Type: 'AWS::Logs::LogGroup' } }, 'Logs');
      expect(verdict(never, rule)).toEqual({
        status: 'non-compliant',
        reason: 'this log group never expires',
        fix: 'set RetentionInDays of at most 90 days',
      });
      const long = templateResource(
        { Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: '365' } } },
        'Logs',
      );
      expect(verdict(long, rule)).toMatchObject({
        reason: 'this log group keeps logs 365 days, more than 90',
      });
    });

    it('rejects a function whose log group the template does not create: Lambda creates one that never expires', () => {
      const resource = templateResource({ Render: fn() }, 'Render');
      expect(verdict(resource, rule)).toMatchObject({
        status: 'non-compliant',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the name as CloudFormation spells it
        reason: expect.stringContaining('its log group /aws/lambda/${Render} is not created by the template'),
      });
      const named = templateResource({ Render: fn({ FunctionName: 'render' }) }, 'Render');
      expect(verdict(named, rule)).toMatchObject({ reason: expect.stringContaining('/aws/lambda/render ') });
    });

    it('links a function to its log group by LoggingConfig, by a Sub or Join name, or by CDK’s Custom::LogRetention', () => {
      const templates: Array<Record<string, { Type: string; Properties?: Record<string, unknown> }>> = [
        {
          Fn: fn({ LoggingConfig: { LogGroup: { Ref: 'Logs' } } }),
          Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 14 } },
        },
        {
          Fn: fn(),
          Logs: {
            Type: 'AWS::Logs::LogGroup',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub syntax
            Properties: { LogGroupName: { 'Fn::Sub': '/aws/lambda/${Fn}' }, RetentionInDays: 14 },
          },
        },
        {
          Fn: fn({ FunctionName: 'render' }),
          Logs: {
            Type: 'AWS::Logs::LogGroup',
            Properties: { LogGroupName: '/aws/lambda/render', RetentionInDays: 14 },
          },
        },
        {
          Fn: fn(),
          Retention: {
            Type: 'Custom::LogRetention',
            Properties: {
              LogGroupName: { 'Fn::Join': ['', ['/aws/lambda/', { Ref: 'Fn' }]] },
              RetentionInDays: 14,
            },
          },
        },
      ];
      for (const resources of templates)
        expect(verdict(templateResource(resources, 'Fn'), rule)).toEqual({ status: 'compliant' });
    });

    it('judges a function’s log group once, on the function', () => {
      const resources = {
        Fn: fn({ LoggingConfig: { LogGroup: { Ref: 'Logs' } } }),
        Logs: { Type: 'AWS::Logs::LogGroup' },
      };
      expect(verdict(templateResource(resources, 'Fn'), rule)).toMatchObject({
        status: 'non-compliant',
        reason: 'its log group Logs never expires',
        fix: 'set RetentionInDays on Logs of at most 90 days',
      });
      expect(verdict(templateResource(resources, 'Logs'), rule)).toEqual({
        status: 'not-applicable',
        reason: 'judged with its function Fn',
      });
    });

    it('reports a SAM function without a log group, and does not apply to a bucket', () => {
      const sam = templateResource(
        { Api: { Type: 'AWS::Serverless::Function', Properties: { Handler: 'x' } } },
        'Api',
      );
      expect(verdict(sam, rule).status).toBe('non-compliant');
      expect(verdict(templateResource({ B: { Type: 'AWS::S3::Bucket' } }, 'B'), rule).status).toBe(
        'not-applicable',
      );
    });
  });

  describe('from AWS Config items (with DescribeLogGroups for the log group)', () => {
    // CloudWatch Logs API Reference, DescribeLogGroups: logGroups[].retentionInDays is absent when logs never expire.
    const logGroups = new Map([
      ['/aws/lambda/render', { retentionInDays: 14 }],
      ['/aws/lambda/export', {}],
    ]);
    const lookup = { logGroup: (name: string) => logGroups.get(name) };
    const lambda = (name: string) =>
      apiItem('AWS::Lambda::Function', name, { functionName: name, runtime: 'nodejs24.x' });

    it('accepts a function whose log group keeps logs 14 days', () => {
      expect(verdict(configResource(lambda('render'), lookup), rule)).toEqual({ status: 'compliant' });
    });

    it('rejects a function whose log group never expires, and one whose log group does not exist', () => {
      expect(verdict(configResource(lambda('export'), lookup), rule)).toMatchObject({
        status: 'non-compliant',
        reason: 'its log group /aws/lambda/export never expires',
      });
      expect(verdict(configResource(lambda('orphan'), lookup), rule)).toMatchObject({
        status: 'non-compliant',
        reason: expect.stringContaining('its log group /aws/lambda/orphan is not created'),
      });
    });

    it('is unresolved without a log-group source: AWS Config does not record log groups', () => {
      const row = queryRow('AWS::Lambda::Function', 'render', { functionName: 'render' });
      expect(verdict(configResource(row), rule)).toMatchObject({
        status: 'unresolved',
        reason: expect.stringContaining('not recorded by AWS Config'),
      });
    });

    it('judges DescribeLogGroups entries, leaving a function’s group to its function', () => {
      const where = { accountId: '123456789012', region: 'us-east-1' };
      expect(verdict(resourceFromLogGroup({ logGroupName: '/app/audit' }, where), rule).status).toBe(
        'non-compliant',
      );
      expect(
        verdict(resourceFromLogGroup({ logGroupName: '/aws/lambda/x', retentionInDays: 9999 }, where), rule)
          .status,
      ).toBe('not-applicable');
    });

    it('does not apply to a security group', () => {
      const sg = apiItem('AWS::EC2::SecurityGroup', 'sg-1', { ipPermissionsEgress: [] });
      expect(verdict(configResource(sg), rule).status).toBe('not-applicable');
    });
  });
});
