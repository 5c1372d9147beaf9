// The helpers the OpenCX components share (c/opencxUtils). safeHttpsUrl is also pinned, with the
// transcript's rendering, in opencxTranscript.test.js.
import { formatLabel, safeHttpsUrl } from 'c/opencxUtils';

describe('formatLabel', () => {
    it('fills {0}, {1} in any order and leaves a placeholder without a value as written', () => {
        expect(formatLabel('{1} of {0}', 'two', 1)).toBe('1 of two');
        expect(formatLabel('Agent {0} joined {2}', 'Ana')).toBe('Agent Ana joined {2}');
    });

    it('inserts values as text, never as a further placeholder', () => {
        expect(formatLabel('{0}', '{1}', 'x')).toBe('{1}');
    });
});

describe('safeHttpsUrl', () => {
    it('keeps absolute https URLs only', () => {
        expect(safeHttpsUrl('https://platform.open.cx/inbox/1')).toBe(
            'https://platform.open.cx/inbox/1'
        );
        expect(safeHttpsUrl('http://platform.open.cx/inbox/1')).toBeNull();
        expect(safeHttpsUrl(null)).toBeNull();
    });
});
