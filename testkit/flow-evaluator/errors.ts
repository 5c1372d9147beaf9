/**
 * Thrown when a flow uses something the evaluator does not implement (an element type, an
 * operator, a formula function, an action, a reference it cannot resolve) or when the caller
 * passes bad input. It is never caught by the evaluator: a flow it cannot model exactly must not
 * produce a plausible-looking answer.
 */
export class FlowEvaluatorError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'FlowEvaluatorError';
    }
}

/**
 * A runtime fault inside the flow (what Salesforce reports as $Flow.FaultMessage): a failed
 * update, a routeWork without a queue, or a fault the caller injected. The evaluator follows the
 * element's fault connector when it has one; otherwise the interview fails.
 */
export class FlowFault extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'FlowFault';
    }
}
