import { faultInjectionSuite } from '../support/fault-injection.js';

faultInjectionSuite('dynamodb');
