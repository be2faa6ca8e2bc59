import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { markTransparent, pascalCase, TransparentScopesStack } from '../../infra/logical-id.js';

function resource(scope: Construct, id: string): CfnResource {
  return new CfnResource(scope, id, { type: 'AWS::SNS::Topic' });
}

describe('TransparentScopesStack', () => {
  it('gives a resource under a transparent scope the logical id it has directly under a plain stack', () => {
    const app = new App();
    const plain = new Stack(app, 'Plain');
    const plainTopic = new Construct(plain, 'AlarmTopic');
    const expected = plain.resolve(resource(plainTopic, 'Resource').logicalId);

    const split = new TransparentScopesStack(app, 'Split');
    const concern = new Construct(split, 'Alarms');
    markTransparent(concern);
    const topic = new Construct(concern, 'AlarmTopic');
    expect(split.resolve(resource(topic, 'Resource').logicalId)).toBe(expected);
    expect(expected).toMatch(/^AlarmTopic[0-9A-F]{8}$/);
  });

  it('keeps a plain scope in the logical id', () => {
    const app = new App();
    const plain = new Stack(app, 'Plain');
    const expected = plain.resolve(resource(new Construct(plain, 'FanOut'), 'Bucket').logicalId);
    const split = new TransparentScopesStack(app, 'Split');
    expect(split.resolve(resource(new Construct(split, 'FanOut'), 'Bucket').logicalId)).toBe(expected);
  });

  it('refuses two resources that would share a logical id across transparent scopes', () => {
    const app = new App();
    const stack = new TransparentScopesStack(app, 'Split');
    for (const id of ['A', 'B']) {
      const scope = new Construct(stack, id);
      markTransparent(scope);
      resource(scope, 'Topic');
    }
    expect(() => app.synth()).toThrow(/would share the logical id Topic/);
  });
});

describe('pascalCase', () => {
  it('turns a check name into a construct id', () => {
    expect(pascalCase('tag-coverage')).toBe('TagCoverage');
    expect(pascalCase('scan_account 2')).toBe('ScanAccount2');
  });
});
