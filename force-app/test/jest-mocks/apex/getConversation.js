// Test double for @salesforce/apex/OpenCxSessionController.getConversation: tests emit answers
// (or errors) through the Apex test wire adapter; an imperative call (Refresh) is a jest.fn.
import { createApexTestWireAdapter } from '@salesforce/sfdx-lwc-jest';

export default createApexTestWireAdapter(jest.fn());
