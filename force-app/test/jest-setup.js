// Every LWC test can assert `await expect(element).toBeAccessible()` (axe rules via @sa11y/jest).
import { registerSa11yMatcher } from '@sa11y/jest';

registerSa11yMatcher();

// Every `@salesforce/label/c.<name>` import gets the value the metadata file holds
// (force-app/main/default/labels/CustomLabels.labels-meta.xml), as a deployed org serves it in its
// default language: tests read what reps read, and no copy of the texts lives in the tests.
// doMock (not mock): registered at run time, one virtual module per label.
const { readCustomLabels } = require('./custom-labels');

for (const [name, value] of readCustomLabels()) {
    jest.doMock(`@salesforce/label/c.${name}`, () => ({ default: value }), { virtual: true });
}
