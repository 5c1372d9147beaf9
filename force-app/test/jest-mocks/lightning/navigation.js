// Test double for lightning/navigation (lwc-recipes shape).
export const CurrentPageReference = jest.fn();

const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');
let lastPageReference;

export const NavigationMixin = (Base) =>
    class extends Base {
        [Navigate](pageReference) {
            lastPageReference = pageReference;
        }
        [GenerateUrl](pageReference) {
            lastPageReference = pageReference;
            return Promise.resolve('https://example.my.salesforce.com/');
        }
    };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;

export const getNavigateCalledWith = () => lastPageReference;
