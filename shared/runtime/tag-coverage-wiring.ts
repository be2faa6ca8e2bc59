import { fileAccountDirectory, fileInventory, focusTagSpend } from '../adapters/file/tag-sources.js';
import { tagCoverageCheck } from '../checks/tag-coverage/check.js';
import type { CheckFactory } from './check-registry.js';

/** Builds the tag-coverage check for local files or for AWS. */
export const tagCoverageFactory: CheckFactory = ({ mode, config, dataDir, log }) => {
  if (mode === 'aws')
    throw new Error('tag-coverage --source aws: the AWS adapters are wired in a later step');
  const files = { dir: dataDir, log, homeRegion: config.organization.regions[0] ?? 'us-east-1' };
  return tagCoverageCheck({
    directory: fileAccountDirectory(files),
    inventory: fileInventory(files),
    spend: focusTagSpend(files),
  }) as ReturnType<CheckFactory>;
};
