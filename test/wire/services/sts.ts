import { queryProtocol } from '../protocols/query.js';

/**
 * STS over the query protocol. GetCallerIdentity answers for the signing
 * key's account; AssumeRole hands out keys that carry the role's account, so
 * every later call is attributed to the account whose role was assumed.
 * Shapes: STS API reference, AssumeRole and GetCallerIdentity, "Response Elements".
 */
export function stsService() {
  return queryProtocol('https://sts.amazonaws.com/doc/2011-06-15/', {
    GetCallerIdentity: (_params, caller) =>
      `<Arn>arn:aws:sts::${caller.accountId}:assumed-role/cli/session</Arn><UserId>AROAFAKE:session</UserId><Account>${caller.accountId}</Account>`,
    AssumeRole: (params) => {
      const roleArn = params.get('RoleArn') ?? '';
      const account = /^arn:aws:iam::(\d{12}):role\//.exec(roleArn)?.[1] ?? '000000000000';
      const expiration = new Date(Date.now() + Number(params.get('DurationSeconds') ?? 3600) * 1000);
      return `<Credentials><AccessKeyId>ASIA${account}ROLE</AccessKeyId><SecretAccessKey>fake-secret</SecretAccessKey><SessionToken>fake-token</SessionToken><Expiration>${expiration.toISOString()}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${roleArn.split('/').pop()}/${params.get('RoleSessionName')}</Arn><AssumedRoleId>AROAFAKE:${params.get('RoleSessionName')}</AssumedRoleId></AssumedRoleUser>`;
    },
  });
}
