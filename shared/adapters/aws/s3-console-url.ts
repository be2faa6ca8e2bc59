/** The S3 console page of an object: reachable only by someone signed in with access to the bucket. */
export function s3ConsoleUrl(bucket: string, region: string, key: string): string {
  const params = new URLSearchParams({ region, bucketType: 'general', prefix: key });
  return `https://console.aws.amazon.com/s3/object/${encodeURIComponent(bucket)}?${params}`;
}
