import { getBusinessContext, type BusinessContext, type TimeContext } from './business-hours.js';

/**
 * Alert severity adjusted for Swedish business time.
 *
 * Response targets, looked up with the BASE level (a critical incident deserves
 * the same clock even if nobody is paged for a downgraded one):
 *
 *   | base     | business_hours | extended_hours    | off_hours         |
 *   |----------|----------------|-------------------|-------------------|
 *   | critical | immediate      | < 30 min          | < 2 hours         |
 *   | high     | < 30 min       | < 2 hours         | < 8 hours         |
 *   | medium   | < 2 hours      | < 8 hours         | next business day |
 *   | low      | < 8 hours      | next business day | next business day |
 *
 * Adjusted level (critical is never downgraded; peak hours change nothing):
 *   business hours → base; extended/off hours → one step down;
 *   holidays → two steps down (replaces the off-hours step, not added to it), floor low.
 *
 * shouldAlert (page someone now): adjusted critical; or adjusted high outside
 * off-hours; or adjusted medium during business hours.
 */

import { ALERT_LEVELS, type AlertLevel } from './alert-levels.js';

export { ALERT_LEVELS, type AlertLevel };

export type ResponseTargetLabel = 'immediate' | '30m' | '2h' | '8h' | 'next_business_day';

export interface ResponseTarget {
  label: ResponseTargetLabel;
  /** Minutes from `at`; null when the deadline is a calendar point (next business day 09:00). */
  minutes: number | null;
  /** ISO 8601 UTC instant. */
  deadline: string;
}

export interface AlertSeverity {
  baseLevel: AlertLevel;
  adjustedLevel: AlertLevel;
  shouldAlert: boolean;
  responseTarget: ResponseTarget;
  context: BusinessContext;
}

export const RESPONSE_MATRIX: Readonly<Record<AlertLevel, Readonly<Record<TimeContext, ResponseTargetLabel>>>> = {
  critical: { business_hours: 'immediate', extended_hours: '30m', off_hours: '2h' },
  high: { business_hours: '30m', extended_hours: '2h', off_hours: '8h' },
  medium: { business_hours: '2h', extended_hours: '8h', off_hours: 'next_business_day' },
  low: { business_hours: '8h', extended_hours: 'next_business_day', off_hours: 'next_business_day' },
};

const TARGET_MINUTES: Readonly<Record<ResponseTargetLabel, number | null>> = {
  immediate: 0,
  '30m': 30,
  '2h': 120,
  '8h': 480,
  next_business_day: null,
};

type DowngradeSituation = TimeContext | 'holiday';

const DOWNGRADE_STEPS: Readonly<Record<DowngradeSituation, number>> = {
  business_hours: 0,
  extended_hours: 1,
  off_hours: 1,
  holiday: 2,
};

export function isAlertLevel(value: unknown): value is AlertLevel {
  return typeof value === 'string' && (ALERT_LEVELS as readonly string[]).includes(value);
}

function downgradeSituation(context: BusinessContext): DowngradeSituation {
  return context.businessType === 'holiday' ? 'holiday' : context.timeContext;
}

export function adjustLevel(base: AlertLevel, context: BusinessContext): AlertLevel {
  if (base === 'critical') return base;
  const steps = DOWNGRADE_STEPS[downgradeSituation(context)];
  const index = Math.min(ALERT_LEVELS.indexOf(base) + steps, ALERT_LEVELS.length - 1);
  return ALERT_LEVELS[index] ?? 'low';
}

export function shouldPage(adjusted: AlertLevel, timeContext: TimeContext): boolean {
  if (adjusted === 'critical') return true;
  if (adjusted === 'high') return timeContext !== 'off_hours';
  return adjusted === 'medium' && timeContext === 'business_hours';
}

export function responseTargetFor(base: AlertLevel, at: Date, context: BusinessContext): ResponseTarget {
  const label = RESPONSE_MATRIX[base][context.timeContext];
  const minutes = TARGET_MINUTES[label];
  // Elapsed minutes, not wall-clock: a 2 h target across a DST switch is still 120 real minutes.
  const deadline =
    minutes === null ? context.nextBusinessDayStart : new Date(at.getTime() + minutes * 60_000).toISOString();
  return { label, minutes, deadline };
}

/** Adjusted severity and response target for an alert raised at `at`. Throws RangeError on bad input. */
export function getAlertSeverity(baseLevel: AlertLevel, at: Date): AlertSeverity {
  if (!isAlertLevel(baseLevel)) throw new RangeError(`Unknown alert level: ${String(baseLevel)}`);
  const context = getBusinessContext(at);
  const adjustedLevel = adjustLevel(baseLevel, context);
  return {
    baseLevel,
    adjustedLevel,
    shouldAlert: shouldPage(adjustedLevel, context.timeContext),
    responseTarget: responseTargetFor(baseLevel, at, context),
    context,
  };
}
