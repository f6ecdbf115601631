/** The events merchants can subscribe to. */
export const OUTBOUND_EVENT_TYPES = ['feedback.scored', 'reward.created', 'reward.paid', 'transaction.received'] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/** Sent only by the test-event endpoint, to the one endpoint asked for. */
export const TEST_EVENT_TYPE = 'webhook.test';

export const DELIVER_JOB = 'webhooks.deliver';
export const SWEEP_JOB = 'webhooks.sweep';
