import { describe, expect, it } from 'vitest';
import { judgeGrace } from '../../../../shared/checks/tag-coverage/grace.js';
import { resolveOwner } from '../../../../shared/checks/tag-coverage/owner.js';
import { organizationSchema } from '../../../../shared/config/schema.js';

const org = organizationSchema.parse({
  ownerTagKeys: ['owner', 'team'],
  contactTagKeys: ['owner-email'],
  defaultOwner: { team: 'finops' },
});

describe('resolveOwner', () => {
  it('takes the resource owner tag first, with the account contact as fallback', () => {
    expect(
      resolveOwner({ team: 'search' }, { owner: 'platform', 'owner-email': 'p@example.com' }, org),
    ).toEqual({
      team: 'search',
      contact: 'p@example.com',
      source: 'resource-tag',
    });
  });

  it('falls back to the account tags, then to the default owner', () => {
    expect(resolveOwner({}, { Owner: 'platform' }, org)).toEqual({ team: 'platform', source: 'account-tag' });
    expect(resolveOwner({ owner: ' ' }, {}, org)).toEqual({ team: 'finops', source: 'default' });
  });
});

describe('judgeGrace', () => {
  const day = 86_400_000;
  const first = new Date('2026-11-01T00:00:00Z');
  const at = (days: number) => new Date(first.getTime() + days * day);

  it('is info within the grace period, warning after it, error after the escalation deadline', () => {
    expect(judgeGrace(first, at(6.9), 7 * day, 30 * day)).toMatchObject({
      severity: 'info',
      status: 'in-grace',
      deadline: '2026-11-08T00:00:00.000Z',
    });
    expect(judgeGrace(first, at(7), 7 * day, 30 * day)).toMatchObject({
      severity: 'warning',
      status: 'overdue',
    });
    expect(judgeGrace(first, at(30), 7 * day, 30 * day)).toMatchObject({
      severity: 'error',
      status: 'escalated',
    });
  });
});
