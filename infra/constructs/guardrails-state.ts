import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { markTransparent, stableLogicalId } from '../logical-id.js';

/**
 * The memory of the guardrails (DESIGN §1, reconcile): the state table, and
 * the one customer-managed key of the stack's data at rest (table, queues,
 * alarm topic, results bucket). Both are retained and keep fixed logical ids.
 */
export class GuardrailsState extends Construct {
  readonly dataKey: Key;
  readonly stateTable: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    markTransparent(this);
    this.dataKey = new Key(this, 'DataKey', {
      description: 'finops-guardrails: state table, incident queue and alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    stableLogicalId(this.dataKey, 'DataKey');

    this.stateTable = new Table(this, 'StateTable', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      // Open incidents and first-seen dates are the memory of the guardrails; losing them re-pages everyone.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    stableLogicalId(this.stateTable, 'StateTable');
  }
}
