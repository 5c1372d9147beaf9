/**
 * How the component tests wait for the panel (opencxConversationPanel): microtasks for the wire
 * and the re-renders, then the two browser tasks it takes after an answer arrives, the one that
 * shows its card (scheduleAnswer) and the transcript's (scheduleTranscript).
 *
 *   const { flush, microtasks, nextTask, flushWithFakeTimers } = require('../../../../../test/panel-tasks');
 */
'use strict';

/** Six microtasks, one at a time: the wire, the re-render and the async click handlers. */
async function microtasks() {
    // eslint-disable-next-line no-await-in-loop -- one microtask at a time, on purpose
    for (let tick = 0; tick < 6; tick++) await Promise.resolve();
}

/** The next browser task. */
// eslint-disable-next-line @lwc/lwc/no-async-operation -- waiting for that task is the point
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

async function flush() {
    await microtasks();
    await nextTask(); // the card's
    await microtasks();
    await nextTask(); // the transcript's
    await microtasks();
}

/** The same with jest's fake timers: the two tasks run when the clock moves, by 0 ms. */
async function flushWithFakeTimers() {
    await microtasks();
    jest.advanceTimersByTime(0); // the card's task
    await microtasks();
    jest.advanceTimersByTime(0); // the transcript's
    await microtasks();
}

module.exports = { flush, flushWithFakeTimers, microtasks, nextTask };
