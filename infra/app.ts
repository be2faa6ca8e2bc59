#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../shared/config/loader.js';
import { buildApp } from './build-app.js';

/**
 * The CDK entry point (`cdk.json` runs it with tsx). It is the only place that
 * reads the environment or CDK context; everything else takes typed props.
 * Choose another config with `cdk synth -c config=path/to/guardrails.config.yaml`.
 */
const DEFAULT_CONFIG = 'examples/demo-org/guardrails.config.yaml';

const app = new App();
const configPath: unknown = app.node.tryGetContext('config');
const config = loadConfig(typeof configPath === 'string' && configPath ? configPath : DEFAULT_CONFIG);
buildApp(config, {
  app,
  defaultEnv: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
