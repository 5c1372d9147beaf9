// Test double for @salesforce/apex: refreshApex resolves at once.
export const refreshApex = jest.fn(() => Promise.resolve());
