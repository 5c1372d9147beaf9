// Every LWC test can assert `await expect(element).toBeAccessible()` (axe rules via @sa11y/jest).
import { registerSa11yMatcher } from '@sa11y/jest';

registerSa11yMatcher();
