import { describe, expect, it } from 'vitest';
import { urlRedactor } from '../../../shared/core/redact-url.js';

describe('urlRedactor', () => {
  const redact = urlRedactor(['session']);

  it('redacts user and password, keeping the rest of the URL as written', () => {
    expect(redact.url('https://alice:s3cret@api.example.com/health')).toBe(
      'https://REDACTED:REDACTED@api.example.com/health',
    );
    expect(redact.url('https://api.example.com/health?region=eu')).toBe(
      'https://api.example.com/health?region=eu',
    );
  });

  it('redacts the values of default and configured sensitive parameters, case-insensitively, in query and fragment', () => {
    expect(
      redact.url(
        'https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=abc&Session=9&x=1#access_token=t&y=2',
      ),
    ).toBe(
      'https://b.s3.amazonaws.com/k?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&Session=REDACTED&x=1#access_token=REDACTED&y=2',
    );
    expect(urlRedactor().url('https://a.example/?session=9')).toBe('https://a.example/?session=9');
  });

  it('redacts every URL inside a text, and credentials in a URL it cannot parse', () => {
    expect(
      redact.text('redirect to https://a.example/cb?code=XYZ&state=1 refused; see http://u:p@b.example/'),
    ).toBe(
      'redirect to https://a.example/cb?code=REDACTED&state=1 refused; see http://REDACTED:REDACTED@b.example/',
    );
    expect(redact.url('https://u:p@[bad')).toBe('https://REDACTED@[bad');
  });
});
